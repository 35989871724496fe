"""Checks every format shares: reading text files and the rules a usable question obeys.

A question that parses but cannot be graded (no right answer, one option, fractions that do
not add up) is a mistake in the file, not a question to store; catching it here keeps all
formats equally strict and names the line where it starts.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .types import ParsedOption, ParsedQuestion, QuestionFileError

# Positive fractions of a multiple-response question must reach 100%; three options of
# 33.33333% are accepted, as Moodle accepts them.
_TOTAL_TOLERANCE = Decimal("0.01")
MAX_POINTS = 1000
MAX_MATCH_ANSWER = 255
MAX_OPTIONS = 100


def decode_text(content: bytes) -> str:
    """UTF-8 text (a BOM allowed) with Unix line ends; the error names the bad byte's line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise QuestionFileError(
            _("berkas bukan teks UTF-8 yang valid. Simpan ulang berkas dengan enkode UTF-8."),
            line=line,
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_points(raw: str) -> Decimal | None:
    """Points written as `2`, `1.5` or the Indonesian `1,5`, to two decimals as the bank keeps
    them; None unless more than 0 and at most 1000."""
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or not 0 < value <= MAX_POINTS:
        return None
    value = value.quantize(Decimal("0.01"))
    return value.normalize() if value else None


def short_answers(
    candidates: list[tuple[str, Decimal, str]],
) -> tuple[list[ParsedOption], str | None]:
    """Keep the full-credit answers of a short-answer question, or say why it cannot be kept.

    `candidates` are (answer, fraction, feedback HTML). An answer worth nothing only carries
    feedback for a common mistake and is dropped; partial credit and Moodle's `*` wildcard
    cannot be expressed by our grading (any accepted answer scores full), so the question is
    skipped with the reason rather than imported with a different meaning.
    """
    accepted = []
    for answer, fraction, feedback in candidates:
        if fraction <= 0:
            continue
        if fraction < 1:
            return [], _("Isian singkat dengan nilai sebagian (misalnya =%50%) tidak didukung")
        if "*" in answer:
            return [], _("Jawaban isian singkat dengan karakter pengganti '*' tidak didukung")
        accepted.append(ParsedOption(text=answer, fraction=Decimal(1), feedback=feedback))
    return accepted, None


def check_question(question: ParsedQuestion) -> None:
    """Raise QuestionFileError (at the question's line) unless `question` can be graded."""
    problem = _problem(question)
    if problem:
        raise QuestionFileError(problem, line=question.line)


def _problem(question: ParsedQuestion) -> str | None:
    if not question.text.strip():
        return _("teks soal kosong.")
    if len(question.options) > MAX_OPTIONS or len(question.pairs) > MAX_OPTIONS:
        return _("soal memiliki lebih dari %(max)s opsi atau pasangan.") % {"max": MAX_OPTIONS}
    for option in question.options:
        if not -1 <= option.fraction <= 1:
            return _("nilai opsi harus antara -100% dan 100%.")
        if not option.text.strip():
            return _("ada opsi jawaban yang kosong.")
    kind = question.kind
    if kind in ("single", "multiple") and len(question.options) < 2:
        return _("soal pilihan harus memiliki paling sedikit dua opsi.")
    if kind in ("single", "multiple") and not any(o.fraction > 0 for o in question.options):
        return _("soal pilihan tidak memiliki opsi yang benar.")
    if kind == "single" and not any(o.fraction == 1 for o in question.options):
        return _("soal pilihan tunggal harus memiliki satu opsi bernilai 100%.")
    if kind == "multiple":
        total = sum((o.fraction for o in question.options if o.fraction > 0), Decimal(0))
        if abs(total - 1) > _TOTAL_TOLERANCE:
            return _(
                "jumlah nilai opsi yang benar pada soal pilihan ganda kompleks harus 100%% "
                "(sekarang %(total)s%%)."
            ) % {"total": format((total * 100).normalize(), "f")}
    if kind == "truefalse" and sorted(o.fraction for o in question.options) != [0, 1]:
        return _("soal benar/salah harus memiliki tepat satu jawaban benar.")
    if kind == "short" and not question.options:
        return _("soal isian singkat harus memiliki paling sedikit satu jawaban yang diterima.")
    if kind == "matching":
        prompts = [p for p in question.pairs if p.prompt.strip()]
        if len(prompts) < 2:
            return _("soal menjodohkan harus memiliki paling sedikit dua pasangan.")
        if any(not p.answer.strip() for p in question.pairs):
            return _("ada pasangan menjodohkan tanpa jawaban di sisi kanan.")
        if any(len(p.answer) > MAX_MATCH_ANSWER for p in question.pairs):
            return _("jawaban pasangan menjodohkan paling panjang %(max)s karakter.") % {
                "max": MAX_MATCH_ANSWER
            }
    return None
