"""GIFT, the text format Moodle users write and export question banks in.

The reading follows Moodle's own importer (question/format/gift) so that files which import
there import here, with two deliberate differences: what Moodle would silently turn into a
strange question (a stray brace, a weight like `%abc%`) is an error naming the line, and a
comment `// poin: 2` in a question's block sets its points, since GIFT itself has no syntax for
them and our exporter needs the round trip to keep them.

Questions are separated by blank lines. Escapes (`\\~ \\= \\# \\{ \\} \\: \\\\ \\n`) are swapped for
private-use placeholders before anything is split, exactly one character each, so positions in
the protected text still map to source lines.
"""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from .checks import check_question, decode_text, parse_points, short_answers
from .richtext import default_name, to_html
from .types import (
    FALSE_LABEL,
    TRUE_LABEL,
    ParsedOption,
    ParsedPair,
    ParsedQuestion,
    ParseResult,
    QuestionFileError,
    SkippedQuestion,
    quantize_fraction,
)

_PLACEHOLDERS = {
    "\\": "\ue05c",
    ":": "\ue03a",
    "#": "\ue023",
    "=": "\ue03d",
    "{": "\ue07b",
    "}": "\ue07d",
    "~": "\ue07e",
    "n": "\ue00a",
}
_ESCAPE = re.compile(r"\\([\\:#={}~n])")
_RESTORE = str.maketrans(
    {ph: ("\n" if char == "n" else char) for char, ph in _PLACEHOLDERS.items()}
)
_FORMAT_PREFIX = re.compile(r"\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_POINTS_COMMENT = re.compile(r"^//\s*poin\s*:\s*(.*?)\s*$", re.IGNORECASE)
_WEIGHT = re.compile(r"-?\d{1,3}(?:[.,]\d+)?")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
MISSING_WORD_BLANK = "_____"


def parse_gift(content: bytes) -> ParseResult:
    """Read a GIFT file; raise QuestionFileError on the first syntax error."""
    questions: list[ParsedQuestion] = []
    skipped: list[SkippedQuestion] = []
    for block in _blocks(decode_text(content)):
        item = _Block(block).parse()
        if isinstance(item, ParsedQuestion):
            questions.append(item)
        elif isinstance(item, SkippedQuestion):
            skipped.append(item)
    return ParseResult(questions=questions, skipped=skipped)


def protect(text: str) -> str:
    return _ESCAPE.sub(lambda m: _PLACEHOLDERS[m.group(1)], text)


def unprotect(text: str) -> str:
    return text.translate(_RESTORE)


def _blocks(text: str):
    """Groups of (line number, line) separated by blank lines, as Moodle splits questions."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate([*text.split("\n"), ""], start=1):
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []


class _Block:
    def __init__(self, lines: list[tuple[int, str]]):
        self.points = Decimal(1)
        self.start = 0
        self.format = "moodle"  # Moodle's default text format for GIFT
        body: list[str] = []
        for number, line in lines:
            stripped = line.strip()
            if stripped.startswith("//"):
                self._read_comment(stripped, number)
                if body:
                    body.append("")  # keeps later positions on their source lines
                continue
            if not body:
                self.start = number
            body.append(line)
        self.text = protect("\n".join(body)).strip()

    def _read_comment(self, comment: str, number: int) -> None:
        match = _POINTS_COMMENT.match(comment)
        if match:
            points = parse_points(match.group(1))
            if points is None:
                raise QuestionFileError(
                    _("poin '%(value)s' tidak valid; tulis angka lebih dari 0 sampai 1000.")
                    % {"value": match.group(1)},
                    line=number,
                )
            self.points = points

    def line_at(self, position: int) -> int:
        return self.start + self.text.count("\n", 0, position)

    def error(self, message: str, position: int) -> QuestionFileError:
        return QuestionFileError(message, line=self.line_at(position))

    def parse(self) -> ParsedQuestion | SkippedQuestion | None:
        s = self.text
        if not s or s.startswith("$CATEGORY:"):
            return None  # only comments, or a category line: nothing to import
        name, position = "", 0
        if s.startswith("::"):
            end = s.find("::", 2)
            if end == -1:
                raise self.error(_("judul soal diawali '::' tetapi tidak ditutup '::'."), 0)
            name = " ".join(unprotect(s[2:end]).split())[:255]
            position = end + 2
        opening, closing = s.find("{", position), s.find("}", position)
        if opening == -1 and closing == -1:
            text = self.html(s[position:], "moodle")
            return self.skip(name, text, _("Deskripsi tanpa bagian jawaban {…} tidak diimpor"))
        if opening == -1 or -1 < closing < opening:
            raise self.error(_("kurung kurawal pembuka '{' tidak ditemukan sebelum '}'."), closing)
        nested = s.find("{", opening + 1, closing if closing != -1 else len(s))
        if closing == -1 or nested != -1:
            raise self.error(_("kurung kurawal penutup '}' tidak ditemukan."), opening)
        extra = re.search(r"[{}]", s[closing + 1 :])
        if extra:
            raise self.error(
                _(
                    "satu soal hanya boleh memiliki satu bagian jawaban {…}. Pisahkan soal dengan "
                    "baris kosong, atau tulis \\{ dan \\} untuk kurung kurawal di dalam teks."
                ),
                closing + 1 + extra.start(),
            )
        head, tail = s[position:opening], s[closing + 1 :]
        raw_text = head + MISSING_WORD_BLANK + tail if tail.strip() else head
        self.format, raw_text = split_format(raw_text, "moodle")
        if not raw_text.strip():
            raise self.error(_("bagian jawaban {…} tanpa teks soal."), opening)
        answer, answer_at = s[opening + 1 : closing], opening + 1
        general_feedback = ""
        separator = answer.rfind("####")
        if separator != -1:
            general_feedback = self.html(answer[separator + 4 :])
            answer = answer[:separator]
        question = ParsedQuestion(
            line=self.start,
            kind="single",
            name=name,
            text=self.html(raw_text),
            points=self.points,
            general_feedback=general_feedback,
        )
        question.name = question.name or default_name(question.text)
        skipped = self.fill(question, answer, answer_at)
        if skipped:
            return skipped
        check_question(question)
        return question

    def fill(self, question: ParsedQuestion, answer: str, at: int) -> SkippedQuestion | None:
        stripped = answer.strip()
        if not stripped:
            return self.skip(question.name, question.text, _("Tipe soal esai tidak didukung"))
        if stripped.startswith("#"):
            return self.skip(question.name, question.text, _("Tipe soal numerik tidak didukung"))
        if "~" in answer:
            self.fill_choice(question, answer, at)
        elif "=" in answer and "->" in answer:
            self.fill_matching(question, answer, at)
        elif stripped.split("#", 1)[0].strip().upper() in _TRUE_FALSE:
            self.fill_true_false(question, stripped)
        else:
            return self.fill_short(question, answer, at)
        return None

    def fill_choice(self, question: ParsedQuestion, answer: str, at: int) -> None:
        items = self.items(answer, at, "~=", _("setiap opsi harus diawali '=' (benar) atau '~'."))
        uses_equals = False
        for marker, body, position in items:
            weight, body = self.weight(body, position)
            uses_equals = uses_equals or marker == "="
            fraction = weight if weight is not None else Decimal(1 if marker == "=" else 0)
            text, _sep, feedback = body.partition("#")
            question.options.append(
                ParsedOption(text=self.html(text), fraction=fraction, feedback=self.html(feedback))
            )
        question.kind = choice_kind(question.options, uses_equals=uses_equals)

    def fill_matching(self, question: ParsedQuestion, answer: str, at: int) -> None:
        question.kind = "matching"
        for _marker, body, position in self.items(
            answer, at, "=", _("setiap pasangan harus diawali '='.")
        ):
            if "->" not in body:
                raise self.error(
                    _("pasangan menjodohkan harus ditulis '=kiri -> kanan'."), position
                )
            left, _sep, right = body.partition("->")
            prompt = self.html(left) if left.strip() else ""
            question.pairs.append(ParsedPair(prompt=prompt, answer=plain(right)))

    def fill_true_false(self, question: ParsedQuestion, answer: str) -> None:
        value, _sep, feedbacks = answer.partition("#")
        wrong, _sep, right = feedbacks.partition("#")
        wrong, right = self.html(wrong), self.html(right)
        is_true = _TRUE_FALSE[value.strip().upper()]
        question.kind = "truefalse"
        question.options = [
            ParsedOption(TRUE_LABEL, Decimal(int(is_true)), right if is_true else wrong),
            ParsedOption(FALSE_LABEL, Decimal(int(not is_true)), wrong if is_true else right),
        ]

    def fill_short(self, question: ParsedQuestion, answer: str, at: int) -> SkippedQuestion | None:
        question.kind = "short"
        candidates = []
        message = _("setiap jawaban isian singkat harus diawali '='.")
        for _marker, body, position in self.items(answer, at, "=", message):
            weight, body = self.weight(body, position)
            text, _sep, feedback = body.partition("#")
            fraction = Decimal(1) if weight is None else weight
            candidates.append((plain(text), fraction, self.html(feedback)))
        question.options, reason = short_answers(candidates)
        return self.skip(question.name, question.text, reason) if reason else None

    def items(self, answer: str, at: int, markers: str, message: str):
        """Split an answer section on its markers: (marker, text after it, source position)."""
        positions = [i for i, char in enumerate(answer) if char in markers]
        lead = answer[: positions[0]] if positions else answer
        if lead.strip():
            raise self.error(message, at + len(lead) - len(lead.lstrip()))
        ends = [*positions[1:], len(answer)]
        return [
            (answer[i], answer[i + 1 : end], at + i) for i, end in zip(positions, ends, strict=True)
        ]

    def weight(self, body: str, position: int) -> tuple[Decimal | None, str]:
        """Read a leading `%50%` weight as a fraction (0.5); None when there is none."""
        stripped = body.lstrip()
        if not stripped.startswith("%"):
            return None, body
        end = stripped.find("%", 1)
        if end != -1 and _WEIGHT.fullmatch(stripped[1:end].strip()):
            value = Decimal(stripped[1:end].strip().replace(",", "."))
            if -100 <= value <= 100:
                return quantize_fraction(value / 100), stripped[end + 1 :]
        shown = stripped[: end + 1] if end != -1 else stripped.split()[0]
        raise self.error(
            _("bobot '%(weight)s' tidak valid; tulis persen antara -100 dan 100, misalnya ~%%50%%.")
            % {"weight": unprotect(shown)},
            position,
        )

    def html(self, raw: str, default: str | None = None) -> str:
        text_format, body = split_format(raw, default or self.format)
        return to_html(unprotect(body), text_format.lower())

    def skip(self, name: str, text: str, reason: str) -> SkippedQuestion:
        return SkippedQuestion(line=self.start, name=name or default_name(text), reason=reason)


def split_format(raw: str, default: str) -> tuple[str, str]:
    """Take a leading `[html]`-style text format off `raw`."""
    stripped = raw.strip()
    match = _FORMAT_PREFIX.match(stripped)
    if match:
        return match.group(1).lower(), stripped[match.end() :]
    return default, stripped


def plain(raw: str) -> str:
    return " ".join(unprotect(raw).split())


def choice_kind(options: list[ParsedOption], *, uses_equals: bool) -> str:
    """Tell single choice from multiple response the way a GIFT author means it.

    Single: `=` marks the answer, or exactly one option is worth 100% and none is negative.
    Several weighted `~%x%` options, or negative weights (penalties for ticking a wrong box),
    make a multiple-response question, as in Moodle.
    """
    if uses_equals:
        return "single"
    full = [o for o in options if o.fraction == 1]
    if len(full) == 1 and all(o.fraction >= 0 for o in options):
        return "single"
    return "multiple"
