"""Aiken, the simplest single-choice format Moodle reads and many trainers type by hand.

    Berapa lama waktu pemungutan suara di TPS?
    A) 06.00-12.00
    B) 07.00-13.00 waktu setempat
    ANSWER: B

The text before the first option is the question (it may span lines); options are `A)` or `A.`
lines; `ANSWER:` closes the question. Because people type these files, every slip (an option
with no question, a missing or dangling ANSWER) is reported with its line instead of guessed at.
"""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from .checks import check_question, decode_text
from .richtext import default_name, plain_to_html
from .types import ParsedOption, ParsedQuestion, ParseResult, QuestionFileError

_OPTION = re.compile(r"^([A-Z])[.)]\s+(\S.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*?)\s*$", re.IGNORECASE)


def parse_aiken(content: bytes) -> ParseResult:
    """Read an Aiken file; raise QuestionFileError on the first malformed question."""
    questions: list[ParsedQuestion] = []
    start: int | None = None
    text: list[str] = []
    options: dict[str, str] = {}

    for number, raw in enumerate(decode_text(content).split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        option, answer = _OPTION.match(line), _ANSWER.match(line)
        if answer:
            if start is None:
                raise QuestionFileError(_("baris ANSWER tanpa soal di atasnya."), line=number)
            questions.append(_question(start, text, options, answer.group(1), number))
            start, text, options = None, [], {}
        elif option:
            if start is None:
                raise QuestionFileError(
                    _("opsi '%(letter)s' tanpa teks soal di atasnya.") % {"letter": line[:2]},
                    line=number,
                )
            letter = option.group(1)
            if letter in options:
                raise QuestionFileError(
                    _("opsi %(letter)s muncul dua kali.") % {"letter": letter}, line=number
                )
            options[letter] = option.group(2).strip()
        elif options:
            raise QuestionFileError(
                _("soal ini tidak ditutup dengan baris 'ANSWER: <huruf>' sebelum baris %(next)s.")
                % {"next": number},
                line=start,
            )
        else:
            start = number if start is None else start
            text.append(line)

    if start is not None:
        raise QuestionFileError(
            _("soal ini tidak ditutup dengan baris 'ANSWER: <huruf>'."), line=start
        )
    return ParseResult(questions=questions, skipped=[])


def _question(
    start: int, text: list[str], options: dict[str, str], letter: str, answer_line: int
) -> ParsedQuestion:
    if len(options) < 2:
        raise QuestionFileError(
            _("soal Aiken harus memiliki paling sedikit dua opsi (A, B, ...)."), line=start
        )
    letter = letter.strip().rstrip(".)").upper()
    if letter not in options:
        raise QuestionFileError(
            _("jawaban '%(letter)s' tidak ada di antara opsi %(options)s.")
            % {"letter": letter, "options": ", ".join(options)},
            line=answer_line,
        )
    html = plain_to_html("\n".join(text))
    question = ParsedQuestion(
        line=start,
        kind="single",
        name=default_name(html),
        text=html,
        options=[
            ParsedOption(text=plain_to_html(value), fraction=Decimal(int(key == letter)))
            for key, value in options.items()
        ],
    )
    check_question(question)
    return question
