"""Reading and writing question files: GIFT, Aiken, Moodle XML and the CSV/XLSX template.

Pure Python on purpose: the parsers return plain dataclasses (see `types`), and the import
service decides what to store. A file is read whole before anything is returned, so a syntax
error anywhere rejects it with the line number and nothing half-imported; question types we
cannot grade are returned in `ParseResult.skipped` with an Indonesian reason.

    result = parse_questions(uploaded.read(), fmt="gift")
    for question in result.questions:
        question.fingerprint()  # the same question imported twice has the same fingerprint
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from .aiken import parse_aiken
from .export import export_gift, export_moodlexml
from .gift import parse_gift
from .moodlexml import parse_moodlexml
from .spreadsheet import parse_csv, parse_xlsx
from .types import (
    FORMATS,
    KINDS,
    MAX_FILE_BYTES,
    MAX_QUESTIONS,
    ParsedOption,
    ParsedPair,
    ParsedQuestion,
    ParseResult,
    QuestionFileError,
    SkippedQuestion,
)

__all__ = [
    "FORMATS",
    "KINDS",
    "MAX_FILE_BYTES",
    "MAX_QUESTIONS",
    "ParseResult",
    "ParsedOption",
    "ParsedPair",
    "ParsedQuestion",
    "QuestionFileError",
    "SkippedQuestion",
    "export_gift",
    "export_moodlexml",
    "parse_questions",
]

PARSERS: dict[str, Callable[[bytes], ParseResult]] = {
    "gift": parse_gift,
    "aiken": parse_aiken,
    "moodlexml": parse_moodlexml,
    "csv": parse_csv,
    "xlsx": parse_xlsx,
}


def parse_questions(content: bytes, *, fmt: str) -> ParseResult:
    """Parse a whole question file, or raise QuestionFileError saying where and why it fails."""
    if fmt not in PARSERS:
        raise ValueError(f"Unknown question file format {fmt!r}; expected one of {FORMATS}.")
    if len(content) > MAX_FILE_BYTES:
        raise QuestionFileError(
            _("Berkas terlalu besar (%(size)s MB); batasnya %(max)s MB.")
            % {
                "size": f"{len(content) / 1024 / 1024:.1f}".replace(".", ","),
                "max": MAX_FILE_BYTES // 1024 // 1024,
            }
        )
    if not content.strip():
        raise QuestionFileError(_("Berkas kosong."))
    result = PARSERS[fmt](content)
    total = len(result.questions) + len(result.skipped)
    if total > MAX_QUESTIONS:
        raise QuestionFileError(
            _(
                "Berkas berisi %(count)s soal; batasnya %(max)s soal per berkas. Bagi menjadi "
                "beberapa berkas."
            )
            % {"count": total, "max": MAX_QUESTIONS}
        )
    if total == 0:
        raise QuestionFileError(_("Berkas tidak berisi soal."))
    return result
