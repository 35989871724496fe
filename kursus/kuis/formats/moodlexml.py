"""Moodle XML, the format that carries a Moodle question bank whole, images included.

The tree is built with the standard library's expat, driven by hand so that every element
knows its source line (ElementTree alone forgets it) and so that a DOCTYPE is refused the
moment it starts: no entity is ever declared, which rules out "billion laughs" expansion and
external entities without depending on defusedxml. The same handlers stop the parse as soon as
the file has more questions, elements or nesting than a question bank needs, so a hostile file
costs a bounded amount of memory and time before it is refused.

Embedded files become images only through `lms.core.images`: a file that is not a JPEG, PNG,
GIF or WebP image within the size limits skips its question, with the file named in the report.
Decoding is what costs time and memory, and a few kilobytes of PNG can declare 49 megapixels, so
the images of one file also share a budget (`_ImageBudget`): at most `MAX_EMBEDDED_FILES` files
and `LMS_QUESTION_IMPORT_MAX_TOTAL_PIXELS` pixels in all, each image's pixels counted from its
header before it is decoded. A file past the budget is refused whole, like a malformed one.
"""

import base64
import binascii
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from urllib.parse import quote
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.core.images import ImageRefused, image_clean

from .checks import check_question, parse_points, short_answers
from .richtext import default_name, to_html
from .types import (
    FALSE_LABEL,
    MAX_QUESTIONS,
    TRUE_LABEL,
    ParsedOption,
    ParsedPair,
    ParsedQuestion,
    ParseResult,
    QuestionFileError,
    SkippedQuestion,
    quantize_fraction,
)

# A Moodle export has a few dozen elements per question, nested six deep.
MAX_ELEMENTS = 250_000
MAX_DEPTH = 32
MAX_EMBEDDED_FILE_BYTES = 2 * 1024 * 1024
MAX_EMBEDDED_FILES = 200
DEFAULT_MAX_TOTAL_PIXELS = 100_000_000

# Moodle's text formats, by the names its XML uses, to ours.
TEXT_FORMATS = {
    "html": "html",
    "moodle_auto_format": "moodle",
    "plain_text": "plain",
    "markdown": "markdown",
}
UNSUPPORTED_TYPES = {
    "essay": gettext_lazy("esai"),
    "numerical": gettext_lazy("numerik"),
    "calculated": gettext_lazy("hitungan (calculated)"),
    "calculatedsimple": gettext_lazy("hitungan sederhana (calculated simple)"),
    "calculatedmulti": gettext_lazy("pilihan ganda hitungan (calculated multichoice)"),
    "multianswer": gettext_lazy("cloze (jawaban tersemat)"),
    "cloze": gettext_lazy("cloze (jawaban tersemat)"),
    "description": gettext_lazy("deskripsi"),
    "ddwtos": gettext_lazy("seret dan lepas ke teks"),
    "ddimageortext": gettext_lazy("seret dan lepas ke gambar"),
    "ddmarker": gettext_lazy("seret dan lepas penanda"),
    "gapselect": gettext_lazy("pilih kata yang hilang"),
    "random": gettext_lazy("soal acak"),
    "randomsamatch": gettext_lazy("menjodohkan isian singkat acak"),
    "ordering": gettext_lazy("pengurutan"),
}
_EXPAT_MESSAGES = {
    expat.errors.XML_ERROR_TAG_MISMATCH: gettext_lazy("tag penutup tidak cocok dengan tag pembuka"),
    expat.errors.XML_ERROR_INVALID_TOKEN: gettext_lazy("ada karakter atau tanda yang tidak valid"),
    expat.errors.XML_ERROR_NO_ELEMENTS: gettext_lazy(
        "berkas berakhir sebelum semua elemen ditutup"
    ),
    expat.errors.XML_ERROR_UNCLOSED_TOKEN: gettext_lazy("tanda '<' tidak ditutup"),
    expat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT: gettext_lazy("ada isi setelah penutup </quiz>"),
    expat.errors.XML_ERROR_UNDEFINED_ENTITY: gettext_lazy(
        "entitas tidak dikenal (tulis &nbsp; sebagai &#160;)"
    ),
    expat.errors.XML_ERROR_UNCLOSED_CDATA_SECTION: gettext_lazy("bagian CDATA tidak ditutup"),
}


def parse_moodlexml(content: bytes) -> ParseResult:
    """Read a Moodle XML export; raise QuestionFileError on malformed XML or a broken question."""
    root, lines = _parse_tree(content)
    if root.tag != "quiz":
        raise QuestionFileError(
            _("elemen teratas harus <quiz>, bukan <%(tag)s>.") % {"tag": root.tag},
            line=lines[root],
        )
    questions: list[ParsedQuestion] = []
    skipped: list[SkippedQuestion] = []
    budget = _ImageBudget(
        max_pixels=getattr(settings, "LMS_QUESTION_IMPORT_MAX_TOTAL_PIXELS", None)
        or DEFAULT_MAX_TOTAL_PIXELS
    )
    for element in root.findall("question"):
        question_type = element.get("type", "").strip()
        if question_type == "category":
            continue
        reader = _QuestionReader(element, lines, budget)
        fill = {
            "multichoice": reader.fill_multichoice,
            "truefalse": reader.fill_truefalse,
            "shortanswer": reader.fill_shortanswer,
            "matching": reader.fill_matching,
        }.get(question_type)
        if fill is None:
            label = UNSUPPORTED_TYPES.get(question_type, question_type or "?")
            skipped.append(reader.skip(_("Tipe soal %(type)s tidak didukung") % {"type": label}))
            continue
        try:
            reason = reader.read_common() or fill()
        except _FileRefused as refused:
            reason = refused.reason
        if reason:
            skipped.append(reader.skip(reason))
        else:
            check_question(reader.question)
            questions.append(reader.question)
    return ParseResult(questions=questions, skipped=skipped)


def _parse_tree(content: bytes) -> tuple[ET.Element, dict[ET.Element, int]]:
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = questions = 0

    def start(tag, attributes):
        nonlocal depth, questions
        depth += 1
        if depth > MAX_DEPTH:
            raise QuestionFileError(
                _("elemen bersarang lebih dari %(max)s tingkat.") % {"max": MAX_DEPTH},
                line=parser.CurrentLineNumber,
            )
        if len(lines) >= MAX_ELEMENTS:
            raise QuestionFileError(
                _("berkas berisi lebih dari %(max)s elemen XML; bagi menjadi beberapa berkas.")
                % {"max": f"{MAX_ELEMENTS:,}".replace(",", ".")},
                line=parser.CurrentLineNumber,
            )
        if tag == "question" and attributes.get("type", "").strip() != "category":
            questions += 1
            if questions > MAX_QUESTIONS:
                raise QuestionFileError(
                    _(
                        "berkas berisi lebih dari %(max)s soal; batasnya %(max)s soal per berkas. "
                        "Bagi menjadi beberapa berkas."
                    )
                    % {"max": MAX_QUESTIONS},
                    line=parser.CurrentLineNumber,
                )
        lines[builder.start(tag, attributes)] = parser.CurrentLineNumber

    def end(tag):
        nonlocal depth
        depth -= 1
        builder.end(tag)

    def refuse(*_args):
        raise QuestionFileError(
            _("deklarasi DOCTYPE/ENTITY tidak diizinkan dalam berkas Moodle XML."),
            line=parser.CurrentLineNumber,
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(content, True)
    except expat.ExpatError as exc:
        reason = _EXPAT_MESSAGES.get(expat.errors.messages[exc.code])
        message = (
            _("XML tidak valid: %(reason)s.") % {"reason": reason}
            if reason
            else _("XML tidak valid (%(detail)s).") % {"detail": expat.errors.messages[exc.code]}
        )
        raise QuestionFileError(message, line=exc.lineno) from exc
    return builder.close(), lines


class _FileRefused(Exception):
    """An embedded file that may not be stored: its question is skipped with `reason`."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass
class _ImageBudget:
    """What decoding the embedded images of one file may cost in all. Each file is counted as
    it is met and each image's pixels from its header, before it is decoded; past either limit
    the whole file is refused, naming the limit, the image and its question."""

    max_pixels: int
    max_files: int = MAX_EMBEDDED_FILES
    files: int = 0
    pixels: int = 0

    def count_file(self, *, name: str, question: str, line: int) -> None:
        self.files += 1
        if self.files > self.max_files:
            raise QuestionFileError(
                _(
                    "berkas berisi lebih dari %(max)s gambar tersemat; batas itu terlampaui "
                    "pada '%(name)s' di soal '%(question)s'. Bagi menjadi beberapa berkas."
                )
                % {"max": self.max_files, "name": name, "question": question},
                line=line,
            )

    def spend(self, pixels: int, *, name: str, question: str, line: int) -> None:
        self.pixels += pixels
        if self.pixels > self.max_pixels:
            raise QuestionFileError(
                _(
                    "gambar-gambar dalam berkas ini melebihi batas total %(max)s megapiksel per "
                    "berkas; batas itu terlampaui pada gambar '%(name)s' di soal '%(question)s' "
                    "(%(total)s megapiksel sampai gambar ini). Perkecil gambarnya atau bagi "
                    "menjadi beberapa berkas."
                )
                % {
                    "max": _megapixels(self.max_pixels),
                    "name": name,
                    "question": question,
                    "total": _megapixels(self.pixels),
                },
                line=line,
            )


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".replace(".", ",").removesuffix(",0")


class _QuestionReader:
    def __init__(self, element: ET.Element, lines: dict[ET.Element, int], budget: _ImageBudget):
        self.element = element
        self.lines = lines
        self.budget = budget
        self.line = lines[element]
        self.images: dict[str, bytes] = {}
        self.question = ParsedQuestion(
            line=self.line,
            kind="single",
            name=" ".join(_text(element.find("name")).split())[:255],
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
        if grade is None or not _own_text(grade):
            return None
        points = parse_points(_own_text(grade))
        if points is not None:
            question.points = points
            return None
        if _own_text(grade).strip("0.") == "":
            return _("Soal bernilai 0 poin tidak diimpor")
        raise QuestionFileError(
            _("<defaultgrade> '%(value)s' tidak valid.") % {"value": _own_text(grade)},
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
        return default_name(to_html(_text(container), TEXT_FORMATS.get(text_format, "html")))

    def fill_multichoice(self) -> None:
        single_element = self.element.find("single")
        single = single_element is None or _own_text(single_element).lower() not in ("false", "0")
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
        answers = {_text(a).strip().lower(): a for a in self.element.findall("answer")}
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
                " ".join(_text(answer).split()),
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
                answer=" ".join(_text(sub.find("answer")).split()),
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
        html = to_html(_text(container), text_format)
        for original, stored in self.files(container).items():
            for form in {original, quote(original)}:
                html = html.replace(f"@@PLUGINFILE@@/{form}", f"@@PLUGINFILE@@/{quote(stored)}")
        return html

    def files(self, container: ET.Element) -> dict[str, str]:
        """Store the container's <file>s; return the names that had to change to stay unique."""
        renamed = {}
        for element in container.findall("file"):
            line = self.lines[element]
            name = element.get("name", "").strip()
            if not _safe_file_name(name):
                raise QuestionFileError(
                    _("nama berkas '%(name)s' tidak valid.") % {"name": name}, line=line
                )
            where = {"name": name, "question": self.display_name(), "line": line}
            self.budget.count_file(**where)
            if element.get("encoding", "base64") != "base64":
                raise QuestionFileError(_("berkas harus disandikan base64."), line=line)
            encoded = "".join(_own_text(element).split())
            size = len(encoded) // 4 * 3  # known before decoding anything
            if size > MAX_EMBEDDED_FILE_BYTES:
                refused = ImageRefused.too_large(
                    name=name, size=size, limit=MAX_EMBEDDED_FILE_BYTES
                )
                raise _FileRefused(refused.message)
            try:
                data = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise QuestionFileError(
                    _("isi berkas '%(name)s' bukan base64 yang valid.") % {"name": name},
                    line=line,
                ) from exc
            try:
                image = image_clean(
                    data,
                    name=name,
                    max_bytes=MAX_EMBEDDED_FILE_BYTES,
                    before_decode=partial(self.budget.spend, **where),
                )
            except ImageRefused as refused:
                raise _FileRefused(refused.message) from refused
            stored, counter = image.name, 2
            while stored in self.images and self.images[stored] != image.content:
                stem, _dot, extension = image.name.rpartition(".")
                stored = f"{stem}-{counter}.{extension}"
                counter += 1
            self.images[stored] = image.content
            if stored != name:
                renamed[name] = stored
        return renamed


def _text(element: ET.Element | None) -> str:
    """The content of an element's <text> child (how Moodle wraps every string)."""
    if element is None:
        return ""
    child = element.find("text")
    return (child.text or "") if child is not None else ""


def _own_text(element: ET.Element) -> str:
    return (element.text or "").strip()


def _safe_file_name(name: str) -> bool:
    return (
        0 < len(name) <= 255
        and not name.startswith(".")
        and not any(char in name for char in '/\\:*?"<>|')
        and all(ord(char) >= 32 for char in name)
    )
