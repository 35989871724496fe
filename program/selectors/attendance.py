"""Reads of attendance: per-participant figures for grading and reports, and a session's sheet."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from ..models import Attendance, AttendanceChange, Cohort, CohortSession, Participant

PRESENT_STATUSES = (Attendance.Status.PRESENT, Attendance.Status.LATE)


def session_units_count(sessions) -> int:
    """How many sessions `sessions` (a CohortSession queryset) count for attendance: parallel
    sessions (the same non-blank `parallel_group`) count once together, any other session
    once. One query."""
    counts = sessions.aggregate(
        single=Count("pk", filter=Q(parallel_group="")),
        groups=Count("parallel_group", filter=~Q(parallel_group=""), distinct=True),
    )
    return counts["single"] + counts["groups"]


def attended_units_by_participant(attendance) -> dict[int, int]:
    """{participant id: sessions attended} over `attendance` (an Attendance queryset, already
    narrowed to the statuses that count), attending any session of a parallel group counting
    once for the group. One query."""
    return dict(
        attendance.values("participant_id")
        .annotate(
            single=Count("session_id", filter=Q(session__parallel_group=""), distinct=True),
            groups=Count(
                "session__parallel_group", filter=~Q(session__parallel_group=""), distinct=True
            ),
        )
        .values_list("participant_id", F("single") + F("groups"))
    )


@dataclass(frozen=True)
class AttendanceFigures:
    """Sessions counted, sessions attended (present or late), and the share as a percentage
    with two decimals. A cohort without counted sessions gives 100 (nothing was missed).
    Parallel sessions (one `parallel_group`) count as one session, attended when any of
    them was."""

    sessions_total: int
    attended: int
    percent: Decimal


def _percent(attended: int, total: int) -> Decimal:
    if total == 0:
        return Decimal("100.00")
    return (Decimal(attended) * 100 / Decimal(total)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def attendance_summary(
    cohort: Cohort, *, only_started: bool = True
) -> dict[int, AttendanceFigures]:
    """Participant id -> figures, for every participant of `cohort` (whatever their status):
    three queries whatever the size. Counted sessions are those already started (all of
    them with only_started=False): a session still ahead is not yet missed. Parallel
    sessions count once together (see `session_units_count`)."""
    sessions = CohortSession.objects.filter(cohort=cohort)
    if only_started:
        sessions = sessions.filter(starts_at__lte=timezone.now())
    total = session_units_count(sessions)
    attended = attended_units_by_participant(
        Attendance.objects.filter(session__in=sessions.values("pk"), status__in=PRESENT_STATUSES)
    )
    participant_ids = Participant.objects.filter(cohort=cohort).values_list("pk", flat=True)
    return {
        pk: AttendanceFigures(
            sessions_total=total,
            attended=attended.get(pk, 0),
            percent=_percent(attended.get(pk, 0), total),
        )
        for pk in participant_ids
    }


@dataclass
class SessionAttendanceRow:
    participant: Participant
    attendance: Attendance | None

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else ""


def session_attendance_rows(
    session: CohortSession, *, unit_id: int | None = None, team_id: int | None = None
) -> list[SessionAttendanceRow]:
    """Every active participant of the session's cohort with their attendance (None when
    nothing is recorded), by name; two queries."""
    participants = (
        Participant.objects.filter(cohort_id=session.cohort_id, status=Participant.Status.ACTIVE)
        .select_related("user__employee", "unit", "team")
        .order_by("user__employee__full_name", "user__email")
    )
    if unit_id:
        participants = participants.filter(unit_id=unit_id)
    if team_id:
        participants = participants.filter(team_id=team_id)
    participants = list(participants)
    rows = {
        row.participant_id: row
        for row in Attendance.objects.filter(
            session=session, participant_id__in=[p.pk for p in participants]
        )
    }
    return [SessionAttendanceRow(p, rows.get(p.pk)) for p in participants]


def session_attendance_counts(session: CohortSession) -> dict[str, int]:
    """How many active participants have each status, and how many have none ("")."""
    active = Participant.objects.filter(
        cohort_id=session.cohort_id, status=Participant.Status.ACTIVE
    )
    counted = Attendance.objects.filter(session=session, participant__in=active).aggregate(
        **{
            status: Count("pk", filter=Q(status=status))
            for status, _label in Attendance.Status.choices
        }
    )
    counted[""] = active.count() - sum(counted.values())
    return counted


def session_attendance_history(session: CohortSession, *, limit: int = 200):
    """The latest changes of the session's attendance, newest first."""
    return list(
        AttendanceChange.objects.filter(session=session)
        .select_related("participant__user__employee", "changed_by__employee")
        .order_by("-changed_at", "-pk")[:limit]
    )
