"""Reading one Moodle XML <question> into a ParsedQuestion."""

import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from django.utils.translation import gettext as _

from ..checks import parse_points, short_answers
from ..richtext import default_name, to_html
from ..types import (
    FALSE_LABEL,
    TRUE_LABEL,
    ParsedOption,
    ParsedPair,
    ParsedQuestion,
    QuestionFileError,
    SkippedQuestion,
    quantize_fraction,
)
from .files import ImageBudget, files_store
from .tree import element_text, own_text

# Moodle's text formats, by the names its XML uses, to ours.
TEXT_FORMATS = {
    "html": "html",
    "moodle_auto_format": "moodle",
    "plain_text": "plain",
    "markdown": "markdown",
}


class QuestionReader:
    """One <question> element read into a ParsedQuestion, its files into its images."""

    def __init__(self, element: ET.Element, lines: dict[ET.Element, int], budget: ImageBudget):
        self.element = element
        self.lines = lines
        self.budget = budget
        self.line = lines[element]
        self.images: dict[str, bytes] = {}
        self.question = ParsedQuestion(
            line=self.line,
            kind="single",
            name=" ".join(element_text(element.find("name")).split())[:255],
            text="",
            images=self.images,
        )

    def read_common(self) -> str | None:
        """Read what every supported type has; a reason to skip for a question worth nothing."""
        question = self.question
        question.text = self.rich(self.element.find("questiontext"))
        question.name = question.name or default_name(question.text)
        question.general_feedback = self.rich(self.element.find("generalfeedback"))
        grade = self.element.find("defaultgrade")
        if grade is None or not own_text(grade):
            return None
        points = parse_points(own_text(grade))
        if points is not None:
            question.points = points
            return None
        if own_text(grade).strip("0.") == "":
            return _("Soal bernilai 0 poin tidak diimpor")
        raise QuestionFileError(
            _("<defaultgrade> '%(value)s' tidak valid.") % {"value": own_text(grade)},
            line=self.lines[grade],
        )

    def skip(self, reason: str) -> SkippedQuestion:
        return SkippedQuestion(line=self.line, name=self.display_name(), reason=reason)

    def display_name(self) -> str:
        """The question's name, found without reading its files (they may be what is broken)."""
        if self.question.name:
            return self.question.name
        container = self.element.find("questiontext")
        text_format = "html" if container is None else container.get("format", "html")
        return default_name(to_html(element_text(container), TEXT_FORMATS.get(text_format, "html")))

    def fill_multichoice(self) -> None:
        single_element = self.element.find("single")
        single = single_element is None or own_text(single_element).lower() not in ("false", "0")
        self.question.kind = "single" if single else "multiple"
        self.question.options = [
            ParsedOption(
                text=self.rich(answer),
                fraction=self.fraction(answer),
                feedback=self.rich(answer.find("feedback")),
            )
            for answer in self.element.findall("answer")
        ]

    def fill_truefalse(self) -> None:
        answers = {element_text(a).strip().lower(): a for a in self.element.findall("answer")}
        if "true" not in answers or "false" not in answers:
            raise QuestionFileError(
                _("soal benar/salah harus memiliki jawaban 'true' dan 'false'."), line=self.line
            )
        self.question.kind = "truefalse"
        self.question.options = [
            ParsedOption(
                text=label,
                fraction=self.fraction(answers[key]),
                feedback=self.rich(answers[key].find("feedback")),
            )
            for label, key in ((TRUE_LABEL, "true"), (FALSE_LABEL, "false"))
        ]

    def fill_shortanswer(self) -> str | None:
        self.question.kind = "short"
        candidates = [
            (
                " ".join(element_text(answer).split()),
                self.fraction(answer),
                self.rich(answer.find("feedback")),
            )
            for answer in self.element.findall("answer")
        ]
        self.question.options, reason = short_answers(candidates)
        return reason

    def fill_matching(self) -> None:
        self.question.kind = "matching"
        self.question.pairs = [
            ParsedPair(
                prompt=self.rich(sub),
                answer=" ".join(element_text(sub.find("answer")).split()),
            )
            for sub in self.element.findall("subquestion")
        ]

    def fraction(self, answer: ET.Element) -> Decimal:
        raw = answer.get("fraction", "0").strip()
        try:
            value = Decimal(raw) / 100
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or not -1 <= value <= 1:
            raise QuestionFileError(
                _("fraction '%(value)s' tidak valid; tulis persen antara -100 dan 100.")
                % {"value": raw},
                line=self.lines[answer],
            )
        return quantize_fraction(value)

    def rich(self, container: ET.Element | None) -> str:
        """The HTML of a text-with-files element; its files join the question's images."""
        if container is None:
            return ""
        text_format = TEXT_FORMATS.get(container.get("format", "html"), "html")
        html = to_html(element_text(container), text_format)
        if container.find("file") is None:
            return html
        renamed = files_store(
            container,
            lines=self.lines,
            budget=self.budget,
            images=self.images,
            question=self.display_name(),
        )
        for original, stored in renamed.items():
            for form in {original, quote(original)}:
                html = html.replace(f"@@PLUGINFILE@@/{form}", f"@@PLUGINFILE@@/{quote(stored)}")
        return html
