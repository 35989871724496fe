"""Moodle XML, the format that carries a Moodle question bank whole, images included.

The tree (`tree.py`) is built with the standard library's expat, driven by hand so that every
element knows its source line (ElementTree alone forgets it) and so that a DOCTYPE is refused the
moment it starts: no entity is ever declared, which rules out "billion laughs" expansion and
external entities without depending on defusedxml. The same handlers stop the parse as soon as
the file has more questions, elements or nesting than a question bank needs, so a hostile file
costs a bounded amount of memory and time before it is refused.

Embedded files become images only through `lms.core.images`: a file that is not a JPEG, PNG,
GIF or WebP image within the size limits skips its question, with the file named in the report.
Decoding is what costs time and memory, and a few kilobytes of PNG can declare 49 megapixels, so
the images of one file also share a budget (`files.ImageBudget`): at most `MAX_EMBEDDED_FILES`
files and `LMS_QUESTION_IMPORT_MAX_TOTAL_PIXELS` pixels in all, each image's pixels counted from
its header before it is decoded. A file past the budget is refused whole, like a malformed one.
Each <question> is read by `reader.QuestionReader`.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..checks import check_question
from ..types import ParsedQuestion, ParseResult, QuestionFileError, SkippedQuestion
from .files import (
    DEFAULT_MAX_TOTAL_PIXELS,
    MAX_EMBEDDED_FILE_BYTES,
    MAX_EMBEDDED_FILES,
    FileRefused,
    ImageBudget,
)
from .reader import QuestionReader
from .tree import MAX_DEPTH, MAX_ELEMENTS, xml_tree

__all__ = [
    "MAX_DEPTH",
    "MAX_ELEMENTS",
    "MAX_EMBEDDED_FILES",
    "MAX_EMBEDDED_FILE_BYTES",
    "parse_moodlexml",
]

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


def parse_moodlexml(content: bytes) -> ParseResult:
    """Read a Moodle XML export; raise QuestionFileError on malformed XML or a broken question."""
    root, lines = xml_tree(content)
    if root.tag != "quiz":
        raise QuestionFileError(
            _("elemen teratas harus <quiz>, bukan <%(tag)s>.") % {"tag": root.tag},
            line=lines[root],
        )
    questions: list[ParsedQuestion] = []
    skipped: list[SkippedQuestion] = []
    budget = ImageBudget(
        max_pixels=getattr(settings, "LMS_QUESTION_IMPORT_MAX_TOTAL_PIXELS", None)
        or DEFAULT_MAX_TOTAL_PIXELS
    )
    for element in root.findall("question"):
        question_type = element.get("type", "").strip()
        if question_type == "category":
            continue
        reader = QuestionReader(element, lines, budget)
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
        except FileRefused as refused:
            reason = refused.reason
        if reason:
            skipped.append(reader.skip(reason))
        else:
            check_question(reader.question)
            questions.append(reader.question)
    return ParseResult(questions=questions, skipped=skipped)
