"""The question spreadsheet (CSV or XLSX, the same columns) for trainers who do not write GIFT.

One row is one question. Column names are Indonesian and forgiving about case and spaces
(`Opsi A` is `opsi_a`); CSV may be comma- or semicolon-separated, because Excel set to the
Indonesian locale saves with semicolons. Every problem names its row and column, since the
person fixing it is looking at a grid, not at a parser. Both are read through
`lms.core.spreadsheets`, within the same limits as every other uploaded spreadsheet.
"""

import csv
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from lms.core.spreadsheets import SpreadsheetError, csv_rows, has_control_characters, xlsx_rows

from .checks import check_question, parse_points
from .richtext import default_name, plain_to_html
from .types import (
    FALSE_LABEL,
    MAX_QUESTIONS,
    TRUE_LABEL,
    ParsedOption,
    ParsedPair,
    ParsedQuestion,
    ParseResult,
    QuestionFileError,
    quantize_fraction,
)

LETTERS = "abcdefghij"
OPTION_COLUMNS = tuple(f"opsi_{letter}" for letter in LETTERS)
FEEDBACK_COLUMNS = tuple(f"umpan_balik_{letter}" for letter in LETTERS)
COLUMNS = (
    "tipe",
    "judul",
    "pertanyaan",
    "poin",
    *OPTION_COLUMNS,
    "kunci",
    "umpan_balik",
    *FEEDBACK_COLUMNS,
)
KNOWN_COLUMNS_TEXT = (
    "tipe, judul, pertanyaan, poin, opsi_a … opsi_j, kunci, umpan_balik, "
    "umpan_balik_a … umpan_balik_j"
)
REQUIRED_COLUMNS = ("tipe", "pertanyaan", "kunci")
MULTILINE_COLUMNS = frozenset({"pertanyaan", "umpan_balik"})
TYPES = {
    "pilihan_tunggal": "single",
    "pilihan_ganda": "single",
    "pg": "single",
    "pilihan_ganda_kompleks": "multiple",
    "pgk": "multiple",
    "benar_salah": "truefalse",
    "bs": "truefalse",
    "isian_singkat": "short",
    "isian": "short",
    "menjodohkan": "matching",
}
TRUE_KEYS = frozenset({"benar", "b", "true", "t", "ya"})
FALSE_KEYS = frozenset({"salah", "s", "false", "f", "tidak"})
PAIR_SEPARATOR = re.compile(r"=>|->")


def _delimiter(first_line: str) -> str:
    return max(";,\t", key=lambda d: len(_known(next(csv.reader([first_line], delimiter=d)))))


def parse_csv(content: bytes) -> ParseResult:
    return _parse_sheet(csv_rows(content, delimiter=_delimiter))


def parse_xlsx(content: bytes) -> ParseResult:
    return _parse_sheet(xlsx_rows(content))


def _parse_sheet(rows) -> ParseResult:
    try:
        return _parse_rows(rows)
    except SpreadsheetError as exc:
        message = exc.message
        if exc.line is not None:
            message = message[:1].lower() + message[1:]
        raise QuestionFileError(message, line=exc.line, column=exc.column) from exc


def _header_name(value) -> str:
    return re.sub(r"[\s\-]+", "_", _cell(value).strip().lower())


def _known(header: list) -> list[str]:
    return [name for name in map(_header_name, header) if name in COLUMNS]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "benar" if value else "salah"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _parse_rows(rows) -> ParseResult:
    header_line, header = next(rows, (1, []))
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = _header_name(raw)
        if not name:
            continue
        if name not in COLUMNS:
            raise QuestionFileError(
                _("kolom '%(name)s' tidak dikenal. Kolom yang dikenal: %(known)s.")
                % {"name": _cell(raw).strip(), "known": KNOWN_COLUMNS_TEXT},
                line=header_line,
            )
        if name in columns:
            raise QuestionFileError(
                _("kolom '%(name)s' muncul dua kali.") % {"name": name}, line=header_line
            )
        columns[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise QuestionFileError(
            _("kolom wajib tidak ada di baris judul: %(names)s.") % {"names": ", ".join(missing)},
            line=header_line,
        )
    questions = []
    for line, cells in rows:
        values = {}
        for name in COLUMNS:
            index = columns.get(name)
            raw = _cell(cells[index]) if index is not None and index < len(cells) else ""
            if has_control_characters(raw):
                raise QuestionFileError(
                    _("sel berisi karakter kendali (misalnya NUL) yang tidak diizinkan."),
                    line=line,
                    column=name,
                )
            raw = raw.replace("\r\n", "\n").strip()
            values[name] = raw if name in MULTILINE_COLUMNS else " ".join(raw.split())
        if not any(values.values()):
            continue  # empty rows are spacing, not questions
        if len(questions) >= MAX_QUESTIONS:
            raise QuestionFileError(
                _("Berkas berisi lebih dari %(max)s soal; bagi menjadi beberapa berkas.")
                % {"max": MAX_QUESTIONS}
            )
        questions.append(_Row(line, values).question())
    return ParseResult(questions=questions, skipped=[])


class _Row:
    def __init__(self, line: int, values: dict[str, str]):
        self.line = line
        self.values = values

    def error(self, column: str, message: str) -> QuestionFileError:
        return QuestionFileError(message, line=self.line, column=column)

    def question(self) -> ParsedQuestion:
        v = self.values
        kind = TYPES.get(_header_name(v["tipe"]))
        if kind is None:
            raise self.error(
                "tipe",
                _(
                    "tipe '%(value)s' tidak dikenal; gunakan pilihan_tunggal, "
                    "pilihan_ganda_kompleks, benar_salah, isian_singkat atau menjodohkan."
                )
                % {"value": v["tipe"]},
            )
        if not v["pertanyaan"]:
            raise self.error("pertanyaan", _("pertanyaan kosong."))
        text = plain_to_html(v["pertanyaan"])
        question = ParsedQuestion(
            line=self.line,
            kind=kind,
            name=v["judul"][:255] or default_name(text),
            text=text,
            points=self.points(),
            general_feedback=plain_to_html(v["umpan_balik"]) if v["umpan_balik"] else "",
        )
        options = self.options()
        if kind in ("single", "multiple"):
            question.options = self.choices(kind, options)
        else:
            self.no_option_feedback()
            if kind == "matching":
                question.pairs = self.pairs(options)
            else:
                if options:
                    raise self.error(
                        f"opsi_{options[0][0]}",
                        _("kosongkan kolom opsi untuk tipe %(type)s.") % {"type": v["tipe"]},
                    )
                question.options = self.true_false() if kind == "truefalse" else self.short()
        check_question(question)
        return question

    def points(self) -> Decimal:
        raw = self.values["poin"]
        if not raw:
            return Decimal(1)
        points = parse_points(raw)
        if points is None:
            raise self.error(
                "poin",
                _("poin '%(value)s' harus angka lebih dari 0 sampai 1000, misalnya 1 atau 1,5.")
                % {"value": raw},
            )
        return points

    def options(self) -> list[tuple[str, str]]:
        """The filled option cells as (letter, text), refusing a gap before a filled one."""
        filled = [(letter, self.values[f"opsi_{letter}"]) for letter in LETTERS]
        last = max((i for i, (_letter, text) in enumerate(filled) if text), default=-1)
        for letter, text in filled[: max(last, 0)]:
            if not text:
                raise self.error(f"opsi_{letter}", _("opsi kosong padahal opsi sesudahnya terisi."))
        return filled[: last + 1]

    def no_option_feedback(self) -> None:
        for column in FEEDBACK_COLUMNS:
            if self.values[column]:
                raise self.error(
                    column,
                    _(
                        "umpan balik per opsi hanya untuk pilihan_tunggal dan "
                        "pilihan_ganda_kompleks."
                    ),
                )

    def choices(self, kind: str, options: list[tuple[str, str]]) -> list[ParsedOption]:
        if len(options) < 2:
            raise self.error("opsi_b", _("isi paling sedikit dua opsi (opsi_a dan opsi_b)."))
        for column in FEEDBACK_COLUMNS[len(options) :]:
            if self.values[column]:
                raise self.error(column, _("umpan balik untuk opsi yang tidak ada."))
        raw_key = self.values["kunci"]
        letters = [part.lower() for part in re.split(r"[\s,;/]+", raw_key) if part]
        if not letters:
            raise self.error("kunci", _("kunci kosong; tulis huruf opsi yang benar, misalnya B."))
        available = [letter for letter, _text in options]
        for letter in letters:
            if letter not in available:
                raise self.error(
                    "kunci",
                    _("'%(value)s' bukan huruf opsi yang terisi (%(letters)s).")
                    % {"value": letter.upper(), "letters": ", ".join(available).upper()},
                )
        right = set(letters)
        if kind == "single" and len(right) != 1:
            raise self.error(
                "kunci",
                _(
                    "pilihan_tunggal hanya punya satu kunci; untuk lebih dari satu jawaban benar "
                    "gunakan tipe pilihan_ganda_kompleks."
                ),
            )
        choices = []
        for letter, text in options:
            feedback = self.values[f"umpan_balik_{letter}"]
            choices.append(
                ParsedOption(
                    text=plain_to_html(text),
                    fraction=self.fraction(kind, letter in right, len(right), len(options)),
                    feedback=plain_to_html(feedback) if feedback else "",
                )
            )
        return choices

    @staticmethod
    def fraction(kind: str, is_right: bool, right: int, total: int) -> Decimal:
        """Single: 1 or 0. Multiple: the right options share 100% and the wrong ones share -100%,
        so ticking every box scores nothing (and the total never goes below zero)."""
        if kind == "single":
            return Decimal(int(is_right))
        if is_right:
            return quantize_fraction(Decimal(1) / right)
        return quantize_fraction(Decimal(-1) / (total - right))

    def true_false(self) -> list[ParsedOption]:
        key = self.values["kunci"].lower()
        if key not in TRUE_KEYS | FALSE_KEYS:
            raise self.error("kunci", _("untuk benar_salah tulis kunci benar atau salah."))
        is_true = key in TRUE_KEYS
        return [
            ParsedOption(TRUE_LABEL, Decimal(int(is_true))),
            ParsedOption(FALSE_LABEL, Decimal(int(not is_true))),
        ]

    def short(self) -> list[ParsedOption]:
        answers = [" ".join(a.split()) for a in self.values["kunci"].split("|") if a.strip()]
        if not answers:
            raise self.error(
                "kunci",
                _("tulis jawaban yang diterima; pisahkan dengan | jika lebih dari satu."),
            )
        return [ParsedOption(answer, Decimal(1)) for answer in answers]

    def pairs(self, options: list[tuple[str, str]]) -> list[ParsedPair]:
        if self.values["kunci"]:
            raise self.error(
                "kunci",
                _("kosongkan kunci untuk menjodohkan; pasangan ditulis di kolom opsi."),
            )
        pairs = []
        for letter, text in options:
            parts = PAIR_SEPARATOR.split(text, maxsplit=1)
            if len(parts) != 2 or not parts[1].strip():
                raise self.error(f"opsi_{letter}", _("tulis pasangan sebagai 'kiri => kanan'."))
            prompt = plain_to_html(parts[0]) if parts[0].strip() else ""
            pairs.append(ParsedPair(prompt=prompt, answer=" ".join(parts[1].split())))
        if sum(1 for pair in pairs if pair.prompt) < 2:
            raise self.error(
                "opsi_b", _("menjodohkan membutuhkan paling sedikit dua pasangan 'kiri => kanan'.")
            )
        return pairs
