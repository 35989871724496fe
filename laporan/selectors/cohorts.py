"""The cohort report ("laporan penyelenggaraan"): who may read it, which participants they
see, and the figures of a cohort for those participants.

Scope follows the other reports: Admin LMS and trainers (Pengajar, who run cohorts) see every
participant; a supervisor sees only participants whose unit lies in their unit's subtree
(`orgunit_scope_root`), in every figure, table and export. Grades come from program's
`gradebook_rows` (the gradebook's own figures: never recomputed here) and the questionnaire
from kuesioner's `questionnaire_results`. A constant number of queries whatever the number
of participants."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuesioner.models import Questionnaire
from kuesioner.selectors import Results, questionnaire_results
from lms.akun.roles import PENGAJAR, SUPERVISOR, user_has_role, user_is_admin_lms
from lms.organisasi.models import OrgUnit
from lms.organisasi.selectors import orgunit_scope_root, orgunit_subtree_filter
from program.models import Attendance, Cohort, CohortSession, Participant
from program.questionnaires import cohort_questionnaire_context, cohort_questionnaire_id
from program.selectors.grading import GradeRow, gradebook_rows

ACTIVE = Participant.Status.ACTIVE
OUTCOMES = [value for value, _label in Participant.Outcome.choices]
OUTCOME_LABELS = dict(Participant.Outcome.choices)
ATTENDANCE_LABELS = dict(Attendance.Status.choices)
ATTENDANCE_STATUSES = [value for value, _label in Attendance.Status.choices]


@dataclass(frozen=True)
class CohortScope:
    """What a reader may see of cohorts: `unit` None means every participant, otherwise
    only participants whose unit lies in `unit`'s subtree."""

    unit: OrgUnit | None

    @property
    def everyone(self) -> bool:
        return self.unit is None


def cohort_report_scope(user) -> CohortScope | None:
    """The reader's scope, or None when `user` may not read cohort reports at all."""
    if not user.is_authenticated:
        return None
    if user_is_admin_lms(user) or user_has_role(user, PENGAJAR):
        return CohortScope(unit=None)
    if user_has_role(user, SUPERVISOR):
        root = orgunit_scope_root(user)
        if root is not None:
            return CohortScope(unit=root)
    return None


def scoped_participants(cohort_id, scope: CohortScope) -> QuerySet[Participant]:
    """The cohort's active participants `scope` may see."""
    qs = Participant.objects.filter(cohort_id=cohort_id, status=ACTIVE)
    if scope.unit is not None:
        qs = qs.filter(orgunit_subtree_filter(scope.unit))
    return qs


def cohort_list_for_report(scope: CohortScope) -> QuerySet[Cohort]:
    """Cohorts `scope` may read, newest first, with the number of participants it sees (one
    query). A supervisor sees cohorts with at least one active participant of their subtree."""
    in_scope = Q(participants__status=ACTIVE)
    qs = Cohort.objects.select_related("programme")
    if scope.unit is not None:
        in_scope &= Q(participants__unit__path__startswith=scope.unit.path)
        qs = qs.filter(Exists(scoped_participants(OuterRef("pk"), scope)))
    return qs.annotate(report_participants=Count("participants", filter=in_scope)).order_by(
        "-starts_on", "name", "pk"
    )


def cohort_get_for_report(scope: CohortScope, *, cohort_id: int) -> Cohort:
    """The cohort if `scope` may read it; 404 otherwise (URL tampering learns nothing)."""
    cohort = cohort_list_for_report(scope).filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404
    return cohort


# The report


@dataclass
class UnitCounts:
    """Active participants of a province or regency/city and their outcomes."""

    unit: OrgUnit | None
    label: str
    level: str  # "provinsi", "kabkota" or "" (the centre, or a unit without a province)
    active: int = 0
    outcomes: Counter = field(default_factory=Counter)

    @property
    def outcome_cells(self) -> list[int]:
        return [self.outcomes.get(value, 0) for value in OUTCOMES]

    @property
    def undecided(self) -> int:
        return self.active - sum(self.outcome_cells)


@dataclass
class SessionCounts:
    session: CohortSession
    held: bool
    counts: dict[str, int]  # status -> participants; absent includes "nothing recorded"
    total: int

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(status, 0) for status in ATTENDANCE_STATUSES]

    @property
    def present_percent(self) -> float | None:
        if not self.held or not self.total:
            return None
        attended = self.counts.get(Attendance.Status.PRESENT, 0) + self.counts.get(
            Attendance.Status.LATE, 0
        )
        return round(100 * attended / self.total, 1)


@dataclass
class CohortReport:
    cohort: Cohort
    scope: CohortScope
    rows: list[GradeRow]  # one per active participant in scope, by name
    units: list[UnitCounts]
    sessions: list[SessionCounts]
    outcomes: Counter
    questionnaire: Results | None  # None: no questionnaire, or not shown to this reader
    questionnaire_shown: bool

    @property
    def active(self) -> int:
        return len(self.rows)

    @property
    def outcome_rows(self) -> list[tuple[str, str, int]]:
        return [(value, OUTCOME_LABELS[value], self.outcomes.get(value, 0)) for value in OUTCOMES]


def _unit_counts(rows: list[GradeRow]) -> list[UnitCounts]:
    """Province rows, each followed by its regencies/cities (deeper units count in their
    regency/city; the province's own office in the province row only). Two queries."""
    per_unit: dict[int | None, Counter] = {}
    active: Counter = Counter()
    for row in rows:
        per_unit.setdefault(row.unit_id, Counter())
        active[row.unit_id] += 1
        if row.outcome:
            per_unit[row.unit_id][row.outcome] += 1
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[k for k in per_unit if k])}
    step = OrgUnit.steplen
    prefixes = {u.path[: step * depth] for u in units.values() for depth in (2, 3)}
    ancestors = {u.path: u for u in OrgUnit.objects.filter(path__in=prefixes)}
    groups: dict[str, UnitCounts] = {}

    def bucket(path: str, level: str) -> UnitCounts:
        if path not in groups:
            unit = ancestors.get(path)
            label = unit.name if unit else str(_("Tanpa unit kerja"))
            groups[path] = UnitCounts(unit=unit, label=label, level=level)
        return groups[path]

    for unit_id, outcomes in per_unit.items():
        unit = units.get(unit_id)
        if unit is None:
            targets = [bucket("", "")]
        elif unit.depth < 2:
            targets = [bucket(unit.path, "")]
        else:
            targets = [bucket(unit.path[: step * 2], OrgUnit.Level.PROVINSI)]
            if unit.depth >= 3:
                targets.append(bucket(unit.path[: step * 3], OrgUnit.Level.KABKOTA))
        for target in targets:
            target.active += active[unit_id]
            target.outcomes.update(outcomes)
    return [groups[path] for path in sorted(groups)]


def _session_counts(cohort: Cohort, people: QuerySet, total: int) -> list[SessionCounts]:
    """Per session, how many of `people` have each status. Two queries."""
    sessions = list(CohortSession.objects.filter(cohort=cohort).order_by("starts_at", "pk"))
    recorded: dict[int, Counter] = {}
    for session_id, status, n in (
        Attendance.objects.filter(session__cohort=cohort, participant__in=people)
        .values("session_id", "status")
        .annotate(n=Count("pk"))
        .values_list("session_id", "status", "n")
        .order_by()
    ):
        recorded.setdefault(session_id, Counter())[status] = n
    now = timezone.now()
    result = []
    for session in sessions:
        counts = dict(recorded.get(session.pk, Counter()))
        held = session.starts_at <= now
        if held:
            counts[Attendance.Status.ABSENT] = total - sum(
                n for status, n in counts.items() if status != Attendance.Status.ABSENT
            )
        result.append(SessionCounts(session=session, held=held, counts=counts, total=total))
    return result


def cohort_questionnaire_results(cohort: Cohort, *, population: int) -> Results | None:
    """Kuesioner's results of the cohort's evaluation (its small-group hiding applies)."""
    questionnaire_id = cohort_questionnaire_id(cohort)
    if questionnaire_id is None:
        return None
    questionnaire = Questionnaire.objects.filter(pk=questionnaire_id).first()
    if questionnaire is None:
        return None
    return questionnaire_results(
        questionnaire=questionnaire,
        context=cohort_questionnaire_context(cohort.pk),
        population=population,
        anonymous=True,
    )


def cohort_report(cohort: Cohort, *, scope: CohortScope) -> CohortReport:
    """Everything the report page and its XLSX show, for the participants `scope` sees.

    The questionnaire's results are shown to Admin LMS and trainers only: they are anonymous
    answers of the whole cohort, which cannot be cut to a supervisor's people, and the
    participants' superiors are the readers from whom anonymity matters most (kuesioner's
    own results screen is for the organisers too)."""
    people = scoped_participants(cohort.pk, scope)
    rows = gradebook_rows(cohort, participant_ids=None if scope.everyone else people)
    outcomes = Counter(row.outcome for row in rows if row.outcome)
    questionnaire = None
    if scope.everyone:
        questionnaire = cohort_questionnaire_results(cohort, population=len(rows))
    return CohortReport(
        cohort=cohort,
        scope=scope,
        rows=rows,
        units=_unit_counts(rows),
        sessions=_session_counts(cohort, people, len(rows)),
        outcomes=outcomes,
        questionnaire=questionnaire,
        questionnaire_shown=scope.everyone,
    )


def attendance_matrix(
    participant_ids: list[int], sessions: list[SessionCounts]
) -> dict[int, list[str]]:
    """{participant id: [status per session]} for those participants, in the sessions'
    order: "" for a session not yet held without a record, absent for a held one (no record
    means absent, as the counts say). One query."""
    statuses = {
        (participant_id, session_id): status
        for participant_id, session_id, status in Attendance.objects.filter(
            participant_id__in=participant_ids, session__in=[s.session.pk for s in sessions]
        ).values_list("participant_id", "session_id", "status")
    }
    absent = Attendance.Status.ABSENT
    return {
        pk: [statuses.get((pk, s.session.pk), absent if s.held else "") for s in sessions]
        for pk in participant_ids
    }
