"""What grading reads for a whole cohort, in a constant number of queries (a cohort may have
10,000 participants): `participation_inputs(cohort)` gathers the raw figures,
`gradebook_rows(cohort)` turns them into one row per active participant through the pure
rules of `program.grading`, corrections applied."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max
from django.utils import timezone

from kursus.kuis.grading import grade_fold
from kursus.models import QuizAttempt

from .. import grading as rules
from ..models import (
    Attendance,
    Cohort,
    CohortSession,
    GradeOverride,
    Participant,
    PeerRating,
    PresentationScoreItem,
    ProgrammePage,
    RubricLevel,
)
from .attendance import attended_units_by_participant, session_units_count
from .curriculum import curriculum_complete_for

ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.LATE)


@dataclass
class ParticipantInputs:
    participant_id: int
    user_id: int
    name: str
    nip: str
    unit_id: int | None
    unit_name: str
    team_id: int | None
    team_name: str
    final_grade: Decimal | None
    outcome: str
    posttest: Decimal | None = None
    attended: int = 0
    curriculum_complete: bool = False
    overrides: dict[str, list[GradeOverride]] = field(default_factory=dict)


@dataclass
class CohortInputs:
    policy: rules.Policy
    held: int
    team_presenter: dict[int, Decimal]
    team_peer: dict[int, Decimal]
    participants: list[ParticipantInputs]


def grading_policy(programme: ProgrammePage) -> rules.Policy:
    return rules.Policy(
        weight_posttest=programme.weight_posttest,
        weight_participation=programme.weight_participation,
        pass_mark=programme.pass_mark,
        min_attendance_percent=Decimal(programme.min_attendance_percent),
        weight_presenter=programme.participation_weight_presenter,
        weight_attendance=programme.participation_weight_attendance,
        weight_peer=programme.participation_weight_peer,
        has_posttest=programme.posttest_id is not None,
    )


def team_presenter_scores(cohort: Cohort) -> dict[int, Decimal]:
    """{team id: presenter score 0-100}: per (session, team) the mean over assessors of each
    assessor's rubric score, then the mean over the team's scored sessions. Two queries."""
    top = dict(
        RubricLevel.objects.filter(criterion__programme_id=cohort.programme_id)
        .values("criterion_id")
        .annotate(top=Max("score"))
        .values_list("criterion_id", "top")
    )
    items = PresentationScoreItem.objects.filter(score__session__cohort=cohort).values_list(
        "score__session_id", "score__team_id", "score_id", "criterion_id",
        "criterion__weight", "level__score",
    )  # fmt: skip
    per_score: dict[tuple[int, int], dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for session_id, team_id, score_id, criterion_id, weight, level in items:
        per_score[(session_id, team_id)][score_id].append(
            rules.CriterionScore(
                weight=weight, level=Decimal(level), top_level=Decimal(top.get(criterion_id, 0))
            )
        )
    per_team: dict[int, list[Decimal]] = defaultdict(list)
    for (_session_id, team_id), scores in per_score.items():
        session_score = rules.mean(
            s for s in (rules.rubric_score(v) for v in scores.values()) if s is not None
        )
        if session_score is not None:
            per_team[team_id].append(session_score)
    return {team_id: rules.mean(values) for team_id, values in per_team.items()}


def team_peer_scores(cohort: Cohort) -> dict[int, Decimal]:
    """{team id: peer score 0-100}: the mean over the team's rated sessions of the session's
    mean rating, scaled. One query; never who rated."""
    per_team: dict[int, list[Decimal]] = defaultdict(list)
    rows = (
        PeerRating.objects.filter(session__cohort=cohort)
        .values("session_id", "team_id")
        .annotate(avg=Avg("rating"))
        .values_list("team_id", "avg")
    )
    for team_id, avg in rows:
        per_team[team_id].append(Decimal(str(avg)))
    return {team_id: rules.peer_scaled(rules.mean(v)) for team_id, v in per_team.items()}


def session_peer_summary(session: CohortSession) -> tuple[int, Decimal | None]:
    """(number of ratings, mean rating) of a session's presenting team: the aggregate only."""
    agg = PeerRating.objects.filter(session=session).aggregate(n=Count("pk"), avg=Avg("rating"))
    avg = agg["avg"]
    return agg["n"], (rules.round2(Decimal(str(avg))) if avg is not None else None)


def participation_inputs(cohort: Cohort, *, participant_ids=None) -> CohortInputs:
    """Every active participant's raw grading figures: post-test grade by the quiz's grading
    rule, sessions attended (present or late, sessions started by now; parallel sessions
    of one `parallel_group` count once together, attended when any of them was), their team's
    presenter and peer scores, and their corrections. A constant number of queries whatever
    the cohort's size (read from Attendance rows directly, not through another selector)."""
    programme = ProgrammePage.objects.select_related("posttest").get(pk=cohort.programme_id)
    policy = grading_policy(programme)
    now = timezone.now()
    held = session_units_count(CohortSession.objects.filter(cohort=cohort, starts_at__lte=now))

    people = Participant.objects.filter(cohort=cohort, status=Participant.Status.ACTIVE)
    if participant_ids is not None:
        people = people.filter(pk__in=participant_ids)
    rows = people.values_list(
        "pk", "user_id", "user__employee__full_name", "user__email", "user__employee__nip",
        "unit_id", "unit__name", "team_id", "team__name", "final_grade", "outcome",
    ).order_by("user__employee__full_name", "pk")  # fmt: skip
    participants = [
        ParticipantInputs(
            participant_id=pk,
            user_id=user_id,
            name=full_name or email,
            nip=nip or "",
            unit_id=unit_id,
            unit_name=unit_name or "",
            team_id=team_id,
            team_name=team_name or "",
            final_grade=final_grade,
            outcome=outcome,
        )
        for (pk, user_id, full_name, email, nip, unit_id, unit_name, team_id, team_name,
             final_grade, outcome) in rows
    ]  # fmt: skip
    by_pk = {p.participant_id: p for p in participants}

    attended = attended_units_by_participant(
        Attendance.objects.filter(
            participant__in=people, session__starts_at__lte=now, status__in=ATTENDED
        )
    )
    for participant_id, n in attended.items():
        if participant_id in by_pk:
            by_pk[participant_id].attended = n

    if programme.posttest is not None:
        by_user = {p.user_id: p for p in participants}
        grades: dict[int, Decimal] = {}
        finished = (
            QuizAttempt.objects.filter(
                quiz_id=programme.posttest_id,
                user_id__in=people.values("user_id"),
                percent__isnull=False,
            )
            .exclude(status=QuizAttempt.Status.IN_PROGRESS)
            .order_by("user_id", "number")
            .values_list("user_id", "percent")
        )
        for user_id, percent in finished:
            grades[user_id] = grade_fold(grades.get(user_id), percent, programme.posttest.grading)
        for user_id, grade in grades.items():
            if user_id in by_user:
                by_user[user_id].posttest = grade

    complete = curriculum_complete_for(programme, [p.user_id for p in participants])
    for person in participants:
        person.curriculum_complete = complete.get(person.user_id, False)

    for override in GradeOverride.objects.filter(participant__in=people).select_related(
        "created_by"
    ):
        person = by_pk.get(override.participant_id)
        if person is not None:
            person.overrides.setdefault(override.component, []).append(override)

    return CohortInputs(
        policy=policy,
        held=held,
        team_presenter=team_presenter_scores(cohort),
        team_peer=team_peer_scores(cohort),
        participants=participants,
    )


@dataclass
class GradeRow:
    participant_id: int
    name: str
    nip: str
    unit_id: int | None
    unit_name: str
    team_id: int | None
    team_name: str
    posttest: Decimal | None
    presenter: Decimal | None
    attendance: Decimal | None
    peer: Decimal | None
    participation: Decimal | None
    final: Decimal | None
    outcome: str
    corrected: dict[str, list[GradeOverride]]
    frozen: bool = False
    curriculum_complete: bool = True

    def value_of(self, component: str) -> Decimal | None:
        return getattr(self, component)


def _latest(overrides: dict[str, list[GradeOverride]], component: str):
    history = overrides.get(component)
    return history[-1].new_value if history else None


def grade_row(inputs: CohortInputs, person: ParticipantInputs, *, frozen: bool) -> GradeRow:
    """One participant's grade through the pure rules, corrections winning over computed
    figures. `frozen`: the cohort is closed; the final grade and outcome are the ones kept on
    the participant."""
    policy = inputs.policy
    C = GradeOverride.Component
    posttest = person.posttest
    if C.POSTTEST in person.overrides:
        posttest = _latest(person.overrides, C.POSTTEST)
    attendance = rules.attendance_percent(person.attended, inputs.held)
    if C.ATTENDANCE in person.overrides:
        attendance = _latest(person.overrides, C.ATTENDANCE)
    presenter = rules.round2(inputs.team_presenter.get(person.team_id))
    peer = rules.round2(inputs.team_peer.get(person.team_id))
    participation = rules.participation_score(
        policy, presenter=presenter, attendance=attendance, peer=peer
    )
    if C.PARTICIPATION in person.overrides:
        participation = _latest(person.overrides, C.PARTICIPATION)
    final = rules.final_grade(policy, posttest=posttest, participation=participation)
    outcome = rules.outcome(
        policy,
        final=final,
        posttest_taken=posttest is not None,
        attended_sessions=person.attended,
        attendance=attendance,
        curriculum_complete=person.curriculum_complete,
    )
    if frozen:
        final, outcome = person.final_grade, person.outcome
    return GradeRow(
        participant_id=person.participant_id,
        name=person.name,
        nip=person.nip,
        unit_id=person.unit_id,
        unit_name=person.unit_name,
        team_id=person.team_id,
        team_name=person.team_name,
        posttest=posttest,
        presenter=presenter,
        attendance=attendance,
        peer=peer,
        participation=participation,
        final=final,
        outcome=outcome,
        corrected=person.overrides,
        frozen=frozen,
        curriculum_complete=person.curriculum_complete,
    )


def gradebook_rows(cohort: Cohort, *, participant_ids=None, frozen=None) -> list[GradeRow]:
    """One row per active participant of `cohort`, in name order."""
    inputs = participation_inputs(cohort, participant_ids=participant_ids)
    if frozen is None:
        frozen = cohort.is_closed
    return [grade_row(inputs, person, frozen=frozen) for person in inputs.participants]


SORT_KEYS = (
    "name", "nip", "unit_name", "team_name", "posttest", "presenter", "attendance", "peer",
    "participation", "final", "outcome",
)  # fmt: skip


def gradebook_sorted(rows: list[GradeRow], sort: str) -> list[GradeRow]:
    """`sort`: one of SORT_KEYS, "-" in front for descending; blanks always last."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        return rows
    present = [r for r in rows if getattr(r, key) not in (None, "")]
    blank = [r for r in rows if getattr(r, key) in (None, "")]

    def sort_key(row):
        value = getattr(row, key)
        return value.casefold() if isinstance(value, str) else value

    return sorted(present, key=sort_key, reverse=descending) + blank


def gradebook_filtered(rows: list[GradeRow], *, unit=None, team=None, outcome="") -> list[GradeRow]:
    if unit:
        rows = [r for r in rows if str(r.unit_id) == str(unit)]
    if team:
        rows = [r for r in rows if str(r.team_id) == str(team)]
    if outcome:
        rows = [r for r in rows if r.outcome == outcome]
    return rows
