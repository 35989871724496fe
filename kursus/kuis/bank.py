"""Bringing question banks in from files and taking them out again.

The parsing lives in `quiz_formats` and knows nothing of the database; this module stores what
it parsed, all or nothing, and leaves alone what is already in the bank.
"""

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.html import escape, strip_tags
from wagtail.images import get_image_model

from ..models import Question, QuestionCategory, QuestionOption
from .formats import (
    ParsedOption,
    ParsedPair,
    ParsedQuestion,
    SkippedQuestion,
    export_gift,
    export_moodlexml,
    parse_questions,
)

PLUGINFILE = re.compile(r'src="@@PLUGINFILE@@/([^"]+)"')


@dataclass
class ImportReport:
    category: QuestionCategory
    created: list[Question] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # titles already in the bank
    skipped: list[SkippedQuestion] = field(default_factory=list)


def _store_images(parsed: ParsedQuestion, *, collection=None) -> dict[str, str]:
    """Save a question's embedded files as Wagtail images: {quoted name: URL}."""
    if not parsed.images:
        return {}
    Image = get_image_model()
    urls = {}
    for name, data in parsed.images.items():
        image = Image(
            title=f"{parsed.name[:200]} · {name}"[:255], file=ImageFile(BytesIO(data), name=name)
        )
        if collection is not None:
            image.collection = collection
        image.save()
        urls[quote(name)] = image.file.url
        urls[name] = image.file.url
    return urls


def _with_images(fragment: str, urls: dict[str, str]) -> str:
    if not urls or "@@PLUGINFILE@@" not in fragment:
        return fragment
    return PLUGINFILE.sub(
        lambda m: f'src="{urls.get(m.group(1), urls.get(html.unescape(m.group(1)), ""))}"',
        fragment,
    )


def _options_for(parsed: ParsedQuestion, urls) -> list[QuestionOption]:
    if parsed.kind == "matching":
        return [
            QuestionOption(
                text=_with_images(pair.prompt, urls), match=pair.answer[:255], sort_order=i
            )
            for i, pair in enumerate(parsed.pairs)
        ]
    options = []
    for i, option in enumerate(parsed.options):
        text = escape(option.text) if parsed.kind == "short" else _with_images(option.text, urls)
        options.append(
            QuestionOption(
                text=text,
                fraction=option.fraction,
                feedback=_with_images(option.feedback, urls),
                sort_order=i,
            )
        )
    return options


@transaction.atomic
def question_import(
    *, content: bytes, fmt: str, category: QuestionCategory | str, user=None
) -> ImportReport:
    """Import a question file into `category` (created by name if needed). A file that cannot
    be read raises `QuestionFileError` and saves nothing; questions already in the category
    (same fingerprint) are left as they are, so importing a file twice creates nothing new."""
    result = parse_questions(content, fmt=fmt)  # raises before anything is written
    if isinstance(category, str):
        category, _ = QuestionCategory.objects.get_or_create(name=category.strip())
    report = ImportReport(category=category, skipped=list(result.skipped))
    known = set(
        Question.objects.filter(category=category)
        .exclude(fingerprint="")
        .values_list("fingerprint", flat=True)
    )
    for parsed in result.questions:
        fingerprint = parsed.fingerprint()
        if fingerprint in known:
            report.duplicates.append(parsed.name)
            continue
        known.add(fingerprint)
        urls = _store_images(parsed)
        question = Question(
            category=category,
            kind=parsed.kind,
            title=parsed.name[:255],
            text=_with_images(parsed.text, urls),
            points=parsed.points,
            general_feedback=_with_images(parsed.general_feedback, urls),
            fingerprint=fingerprint,
        )
        for option in _options_for(parsed, urls):
            question.options.add(option)
        question.save()
        question.save_revision(user=user, log_action=True)
        report.created.append(question)
    return report


def question_as_parsed(question: Question) -> ParsedQuestion:
    """A stored question in the neutral form the exporters write."""
    options = list(question.options.all())
    parsed = ParsedQuestion(
        line=0,
        kind=question.kind,
        name=question.title,
        text=question.text,
        points=question.points,
        general_feedback=question.general_feedback,
    )
    if question.kind == "matching":
        parsed.pairs = [ParsedPair(prompt=o.text, answer=o.match) for o in options]
    else:
        parsed.options = [
            ParsedOption(
                text=html.unescape(strip_tags(o.text)) if question.kind == "short" else o.text,
                fraction=Decimal(o.fraction),
                feedback=o.feedback,
            )
            for o in options
        ]
    return parsed


EXPORTERS = {"gift": (export_gift, "txt"), "moodlexml": (export_moodlexml, "xml")}


def question_bank_export(*, category: QuestionCategory, fmt: str) -> tuple[str, str]:
    """(file content, file extension) of every active question of `category`."""
    writer, extension = EXPORTERS[fmt]
    questions = (
        Question.objects.filter(category=category, is_active=True)
        .prefetch_related("options")
        .order_by("id")
    )
    return writer(question_as_parsed(q) for q in questions), extension


@transaction.atomic
def question_bulk_move(*, questions, category: QuestionCategory) -> int:
    """Move `questions` into `category`; the number moved."""
    return Question.objects.filter(pk__in=[q.pk for q in questions]).update(category=category)


@transaction.atomic
def question_bulk_deactivate(*, questions) -> int:
    """Take `questions` out of new quizzes' draws (attempts already made keep them); the
    number deactivated."""
    return Question.objects.filter(pk__in=[q.pk for q in questions], is_active=True).update(
        is_active=False
    )
