"""The programme's grading rules as pure functions: no database, Decimal end to end.

- An assessor's rubric score of a presentation: the weighted mean of the levels chosen, each
  as a share of its criterion's highest level, scaled to 0-100 (`rubric_score`).
- A team's presenter score: the mean over its scored sessions of the mean over assessors.
- A team's peer score: the mean over its rated sessions of the session's mean rating, as a
  share of the top rating (5), scaled to 0-100.
- Participation (0-100): the programme's three weights over presenter score, attendance
  percent and peer score; a component that does not exist for the participant (no team, a
  team not scored or not rated yet, no session held) is left out and the weights of the
  others are renormalised to 100 (`weighted_mean`). None when no component exists.
- Final grade: weight_posttest x post-test + weight_participation x participation, rounded
  to 2 decimals half up. A post-test not taken counts 0 when the programme has a post-test;
  when the programme has none, or no participation component exists for anybody, the
  weights are renormalised over what exists.
- Outcome: ABSENT when the participant took no post-test and attended no session; PASSED
  when final >= pass mark and attendance >= the minimum (no session held: no minimum);
  otherwise FAILED.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
PEER_TOP_RATING = 5

ABSENT, FAILED, PASSED = "absent", "failed", "passed"  # Participant.Outcome values


def round2(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def mean(values: Iterable[Decimal]) -> Decimal | None:
    values = [Decimal(v) for v in values]
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


def weighted_mean(parts: Iterable[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """sum(weight x value) / sum(weight) over the parts whose value exists and whose weight
    is above zero; None when there is none (the renormalisation rule)."""
    present = [(Decimal(w), Decimal(v)) for w, v in parts if v is not None and Decimal(w) > 0]
    total = sum((w for w, _ in present), Decimal(0))
    if not total:
        return None
    return sum((w * v for w, v in present), Decimal(0)) / total


@dataclass(frozen=True)
class CriterionScore:
    """One criterion of one assessor's score set: its weight, the level chosen and the
    criterion's highest level."""

    weight: Decimal
    level: Decimal
    top_level: Decimal


def rubric_score(items: Iterable[CriterionScore]) -> Decimal | None:
    """An assessor's score of a presentation, 0-100 (unrounded)."""
    parts = [
        (item.weight, HUNDRED * Decimal(item.level) / Decimal(item.top_level))
        for item in items
        if item.top_level
    ]
    return weighted_mean(parts)


def peer_scaled(mean_rating: Decimal | None) -> Decimal | None:
    """A mean peer rating (1-5) on the 0-100 scale (5 is 100, 1 is 20)."""
    if mean_rating is None:
        return None
    return HUNDRED * Decimal(mean_rating) / PEER_TOP_RATING


def attendance_percent(attended: int, held: int) -> Decimal | None:
    """Sessions attended (present or late) over sessions held, 0-100, 2 decimals; None when
    no session has been held."""
    if not held:
        return None
    return round2(HUNDRED * Decimal(min(attended, held)) / Decimal(held))


@dataclass(frozen=True)
class Policy:
    """The programme's grading policy, as plain values (ProgrammePage's fields)."""

    weight_posttest: Decimal
    weight_participation: Decimal
    pass_mark: Decimal
    min_attendance_percent: Decimal
    weight_presenter: Decimal
    weight_attendance: Decimal
    weight_peer: Decimal
    has_posttest: bool = True


def participation_score(
    policy: Policy,
    *,
    presenter: Decimal | None,
    attendance: Decimal | None,
    peer: Decimal | None,
) -> Decimal | None:
    """Participation 0-100 (2 decimals) over the components present, weights renormalised."""
    return round2(
        weighted_mean(
            [
                (policy.weight_presenter, presenter),
                (policy.weight_attendance, attendance),
                (policy.weight_peer, peer),
            ]
        )
    )


def final_grade(
    policy: Policy, *, posttest: Decimal | None, participation: Decimal | None
) -> Decimal | None:
    """The final grade, 2 decimals half up. A post-test not taken counts 0 when the
    programme has one; missing participation drops out and the post-test weighs 100."""
    if policy.has_posttest and posttest is None:
        posttest = Decimal(0)
    return round2(
        weighted_mean(
            [
                (policy.weight_posttest, posttest if policy.has_posttest else None),
                (policy.weight_participation, participation),
            ]
        )
    )


def outcome(
    policy: Policy,
    *,
    final: Decimal | None,
    posttest_taken: bool,
    attended_sessions: int,
    attendance: Decimal | None,
    curriculum_complete: bool = True,
) -> str:
    """ABSENT: no post-test taken and no session attended (an override of the post-test
    counts as taken; an attendance override above 0 as attended). PASSED: the curriculum
    completed (every required course, each cluster's minimum of electives), final >= pass
    mark and attendance >= the minimum, or no session held. FAILED otherwise."""
    if not posttest_taken and attended_sessions == 0 and not attendance:
        return ABSENT
    attendance_ok = attendance is None or attendance >= Decimal(policy.min_attendance_percent)
    passed_mark = final is not None and final >= Decimal(policy.pass_mark)
    if curriculum_complete and passed_mark and attendance_ok:
        return PASSED
    return FAILED
