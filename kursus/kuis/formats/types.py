"""The plain data every parser returns and every exporter reads.

The parsers know nothing of the quiz models: they turn a file into these dataclasses, and the
import service maps them onto the question bank. Keeping this boundary plain lets the formats be
tested without a database and lets the same structures feed the exporters.
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

KINDS = ("single", "multiple", "truefalse", "short", "matching")
FORMATS = ("gift", "aiken", "moodlexml", "csv", "xlsx")

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 2000

TRUE_LABEL = "Benar"
FALSE_LABEL = "Salah"

# Fractions are kept to four decimals, as the question bank stores them: 1/3 written as
# 33.33333% in GIFT or 0.3333333 in Moodle XML becomes 0.3333 and stays that after a round trip.
_FRACTION_GRID = Decimal("0.0001")


@dataclass
class ParsedOption:
    text: str
    fraction: Decimal
    feedback: str = ""


@dataclass
class ParsedPair:
    """A matching prompt and its answer; an empty prompt is an extra (distractor) answer."""

    prompt: str
    answer: str


@dataclass
class ParsedQuestion:
    line: int
    kind: str
    name: str
    text: str
    points: Decimal = Decimal(1)
    general_feedback: str = ""
    options: list[ParsedOption] = field(default_factory=list)
    pairs: list[ParsedPair] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """A stable identity for "the same question", so that importing a file twice adds nothing.

        Only what a learner is asked and what counts as right goes in: the kind, the text, the
        options with their fractions and the pairs. Names, points and feedback are left out, and
        options and pairs are sorted, so reordering options or fixing a typo in feedback does not
        make a duplicate. Short answers are compared case-insensitively, as they are graded.
        """
        if self.kind == "short":
            options = sorted((_squash(o.text).casefold(), "1") for o in self.options)
        else:
            options = sorted((_squash(o.text), fraction_key(o.fraction)) for o in self.options)
        pairs = sorted((_squash(p.prompt), _squash(p.answer)) for p in self.pairs)
        payload = json.dumps(
            [self.kind, _squash(self.text), options, pairs],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class SkippedQuestion:
    line: int
    name: str
    reason: str


@dataclass
class ParseResult:
    questions: list[ParsedQuestion]
    skipped: list[SkippedQuestion]


class QuestionFileError(Exception):
    """A file that cannot be read as a whole: nothing from it may be saved."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None):
        self.message = str(message)
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is not None and self.column:
            return _("Baris %(line)s, kolom '%(column)s': %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        if self.line is not None:
            return _("Baris %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


def quantize_fraction(fraction: Decimal) -> Decimal:
    """`fraction` on the four-decimal grid, without trailing zeros (0.50 -> 0.5)."""
    value = Decimal(fraction).quantize(_FRACTION_GRID).normalize()
    return value if value else Decimal(0)


def fraction_key(fraction: Decimal) -> str:
    return format(quantize_fraction(fraction), "f")


def _squash(text: str) -> str:
    return " ".join(text.split())
