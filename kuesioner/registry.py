"""What a context means, told by the apps above kuesioner.

A context is a short plain string, "<kind>:<id>" ("kursus.course:34", "program.cohort:12",
"program.followup:88"). kuesioner does not know courses or cohorts: the app owning a kind
registers, in its AppConfig.ready(), a function that describes one context of that kind:
which questionnaire applies, what to call it, where to go back to, how many people may
answer it, and whether a given person may answer it."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ContextInfo:
    """One context as its owner describes it. `questionnaire_id`: the questionnaire that
    applies (None: none is set); `title`: what the respondent and the results call it;
    `back_url`: where the respondent returns after answering; `population`: how many people
    are expected to answer (for the response rate; None when unknown); `may_answer`: a
    function of a user telling whether they may answer; `anonymous`: False when the answers
    are about a named person (a supervisor's follow-up), so small groups are not hidden;
    `notes`: lines the results page shows under the figures (a follow-up response rate)."""

    questionnaire_id: int | None
    title: str
    back_url: str
    population: int | None
    may_answer: Callable
    anonymous: bool = True
    notes: tuple[str, ...] = ()


_KINDS: dict[str, Callable[[int], ContextInfo | None]] = {}


def context_kind_register(kind: str, describe: Callable[[int], ContextInfo | None]) -> None:
    """Let `describe(object_id)` describe the contexts "<kind>:<object_id>"."""
    _KINDS[kind] = describe


def context_describe(context: str) -> ContextInfo | None:
    """The registered description of `context`, or None (unknown kind, bad id, or no such
    object)."""
    kind, _sep, ident = context.partition(":")
    describe = _KINDS.get(kind)
    if describe is None or not ident.isdigit() or len(context) > 100:
        return None
    return describe(int(ident))
