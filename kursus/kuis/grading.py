"""Grading of one response to one question: pure functions, no database.

A response is the answer saved for a question, in option ids: the page names options by the
attempt's tokens, which the save maps back to the options the attempt was shown
(`kursus.kuis.answers`), so that the ids never leave the server:
- single, true/false: an option id;
- multiple: a list of option ids;
- short: a string;
- matching: {prompt option id: chosen option id}, where the chosen option's `match` text is
  the answer picked (options with the same match text are interchangeable).
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True)
class OptionKey:
    """What grading needs of an option, and nothing the page may show."""

    id: int
    fraction: Decimal
    text: str = ""
    match: str = ""


def normalise_text(value: str) -> str:
    """Short answers compare without case, accents of width, or extra spaces."""
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"\s+", " ", value).strip().casefold()


def _clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value))


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def response_fraction(kind: str, options: list[OptionKey], response) -> Decimal:
    """The share of the question's points a response earns, between 0 and 1."""
    if response in (None, "", [], {}):
        return ZERO
    by_id = {option.id: option for option in options}
    if kind in ("single", "truefalse"):
        option = by_id.get(_as_int(response))
        return _clamp(option.fraction) if option else ZERO
    if kind == "multiple":
        if not isinstance(response, list):
            return ZERO
        chosen = {_as_int(item) for item in response} - {None}
        return _clamp(sum((by_id[i].fraction for i in chosen if i in by_id), ZERO))
    if kind == "short":
        if not isinstance(response, str):
            return ZERO
        given = normalise_text(response)
        best = ZERO
        for option in options:
            if given and normalise_text(option.text) == given:
                best = max(best, option.fraction)
        return _clamp(best)
    if kind == "matching":
        prompts = [option for option in options if option.text.strip()]  # the rest: distractors
        if not isinstance(response, dict) or not prompts:
            return ZERO
        right = 0
        for option in prompts:
            chosen = by_id.get(_as_int(response.get(str(option.id))))
            if chosen is not None and normalise_text(chosen.match) == normalise_text(option.match):
                right += 1
        return Decimal(right) / Decimal(len(prompts))
    return ZERO


def score_for(kind: str, options: list[OptionKey], response, points: Decimal) -> Decimal:
    fraction = response_fraction(kind, options, response)
    return (fraction * points).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def grade_fold(previous: Decimal | None, percent: Decimal, grading: str) -> Decimal:
    """A quiz's grade after one more finished attempt (attempts taken in order): the last
    attempt's percentage, or the highest so far."""
    if grading == "last" or previous is None:
        return percent
    return max(previous, percent)


def percent_of(score: Decimal, max_score: Decimal) -> Decimal:
    if not max_score:
        return ZERO
    return (100 * score / max_score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
