"""Reads of cohorts and their participants: the admin's list, the learner's cohort page, the
supervisor's approvals, the dashboard's "Angkatan saya"."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kursus.models import Enrollment
from lms.organisasi.selectors import orgunit_scope_root

from ..models import Cohort, CohortSession, Participant, ProgrammeCourse

S = Participant.Status


def cohort_list_annotated() -> QuerySet[Cohort]:
    """Cohorts with their participant, waiting and pending counts (one query)."""
    return Cohort.objects.select_related("programme").annotate(
        active_count=Count("participants", filter=Q(participants__status=S.ACTIVE)),
        waiting_count=Count("participants", filter=Q(participants__status=S.WAITLISTED)),
        pending_count=Count("participants", filter=Q(participants__status=S.PENDING)),
    )


def cohort_participant_list(cohort: Cohort) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(cohort=cohort)
        .select_related("user__employee", "unit", "team")
        .order_by("status", "waitlisted_at", "unit__path", "user__employee__full_name", "pk")
    )


def cohort_sessions(cohort: Cohort) -> QuerySet[CohortSession]:
    return CohortSession.objects.filter(cohort=cohort).select_related("presenting_team")


@dataclass(frozen=True)
class LearnerState:
    """Where the learner stands in a cohort, for their cohort page."""

    participant: Participant | None
    seats_left: int | None  # None: no limit
    waiting_number: int | None
    enrolment_open: bool

    @property
    def is_participant(self) -> bool:
        return self.participant is not None and self.participant.status == S.ACTIVE

    @property
    def may_enrol(self) -> bool:
        if not self.enrolment_open:
            return False
        return self.participant is None or self.participant.status == S.WITHDRAWN


def cohort_enrolment_is_open(cohort: Cohort, *, now=None) -> bool:
    """Whether a learner may enrol themselves now."""
    now = now or timezone.now()
    if cohort.is_closed or not cohort.self_enrolment:
        return False
    if cohort.enrolment_opens_at and now < cohort.enrolment_opens_at:
        return False
    return not (cohort.enrolment_closes_at and now >= cohort.enrolment_closes_at)


def waiting_position(participant: Participant) -> int:
    """The person's number on the waiting list (1: next to be admitted)."""
    return (
        Participant.objects.filter(
            cohort_id=participant.cohort_id,
            status=Participant.Status.WAITLISTED,
            waitlisted_at__lte=participant.waitlisted_at,
        )
        .exclude(waitlisted_at=participant.waitlisted_at, pk__gt=participant.pk)
        .count()
    )


def cohort_learner_state(*, cohort: Cohort, user) -> LearnerState:
    participant = Participant.objects.filter(cohort=cohort, user=user).first()
    counts = Participant.objects.filter(cohort=cohort).aggregate(
        active=Count("pk", filter=Q(status=S.ACTIVE)),
        waiting=Count("pk", filter=Q(status=S.WAITLISTED)),
    )
    seats_left = None
    if cohort.seat_limit is not None:
        seats_left = 0 if counts["waiting"] else max(0, cohort.seat_limit - counts["active"])
    waiting_number = None
    if participant is not None and participant.status == S.WAITLISTED:
        waiting_number = waiting_position(participant)
    return LearnerState(
        participant=participant,
        seats_left=seats_left,
        waiting_number=waiting_number,
        enrolment_open=cohort_enrolment_is_open(cohort),
    )


def cohorts_open_for(programme, user) -> list[dict]:
    """The programme's cohorts a learner can see on the programme page: those still running
    that take self-enrolment, and any the learner has a place in; each with the learner's
    status (or None). Two queries."""
    today = timezone.localdate()
    cohorts = list(
        Cohort.objects.filter(programme=programme, ends_on__gte=today)
        .exclude(status__in=[Cohort.Status.CLOSED])
        .order_by("starts_on", "name")
    )
    places = {}
    if user.is_authenticated and cohorts:
        places = dict(
            Participant.objects.filter(user=user, cohort__in=cohorts).values_list(
                "cohort_id", "status"
            )
        )
    shown = []
    for cohort in cohorts:
        status = places.get(cohort.pk)
        visible = cohort.status == Cohort.Status.OPEN and cohort.self_enrolment
        if visible or (status and status != S.WITHDRAWN):
            shown.append(
                {
                    "cohort": cohort,
                    "status": status,
                    "status_label": S(status).label if status else "",
                }
            )
    return shown


def participants_pending_for_supervisor(user) -> QuerySet[Participant]:
    """Self-enrolments waiting for a decision of `user`: people of their unit subtree (all,
    for Admin LMS), in cohorts still running, never themselves. Nobody else's people."""
    root = orgunit_scope_root(user)
    if root is None:
        return Participant.objects.none()
    return (
        Participant.objects.filter(
            status=S.PENDING, unit__path__startswith=root.path, source=Participant.Source.SELF
        )
        .exclude(cohort__status=Cohort.Status.CLOSED)
        .exclude(user=user)  # nobody approves their own enrolment
        .select_related("user__employee", "unit", "cohort__programme")
        .order_by("created_at", "pk")
    )


def dashboard_cohorts(*, user, root_url_path: str) -> list[dict]:
    """The learner's places in running cohorts, each with what is due next: the next session
    (not yet ended) and the first required course of the programme not completed. One query."""
    now = timezone.now()
    next_session = CohortSession.objects.filter(
        cohort_id=OuterRef("cohort_id"), ends_at__gt=now
    ).order_by("starts_at", "pk")
    completed = Enrollment.objects.filter(user_id=user.pk, status=Enrollment.Status.COMPLETED)
    next_course = (
        ProgrammeCourse.objects.filter(
            cluster__programme_id=OuterRef("cohort__programme_id"), required=True
        )
        .exclude(course_id__in=completed.values("course_id"))
        .order_by("cluster__sort_order", "sort_order", "pk")
    )
    # Running cohorts, and for 90 days after closing the participant's outcome (with what is
    # left: the questionnaire, the certificate, on the cohort's page).
    running = ~Q(cohort__status=Cohort.Status.CLOSED) & Q(cohort__ends_on__gte=timezone.localdate())
    recently_closed = Q(
        cohort__status=Cohort.Status.CLOSED,
        cohort__closed_at__gte=now - datetime.timedelta(days=90),
        status=S.ACTIVE,
    )
    rows = (
        Participant.objects.filter(user_id=user.pk, status__in=[S.ACTIVE, S.WAITLISTED, S.PENDING])
        .filter(running | recently_closed)
        .annotate(
            session_title=Subquery(next_session.values("title")[:1]),
            session_starts_at=Subquery(next_session.values("starts_at")[:1]),
            course_title=Subquery(next_course.values("course__title")[:1]),
            course_code=Subquery(next_course.values("course__code")[:1]),
            course_url_path=Subquery(next_course.values("course__url_path")[:1]),
        )
        .order_by("cohort__starts_on", "cohort_id")
        .values(
            "status",
            "outcome",
            "cohort_id",
            "cohort__status",
            "session_title",
            "session_starts_at",
            "course_title",
            "course_code",
            "course_url_path",
            "cohort__name",
            "cohort__starts_on",
            "cohort__ends_on",
            "cohort__programme__title",
        )
    )
    cohorts = []
    for row in rows:
        url_path = row.pop("course_url_path")
        row["course_url"] = "/" + url_path[len(root_url_path) :] if url_path else ""
        row["status_label"] = S(row["status"]).label
        row["closed"] = row.pop("cohort__status") == Cohort.Status.CLOSED
        if row["closed"]:
            outcome = row["outcome"]
            row["status_label"] = (
                Participant.Outcome(outcome).label if outcome else _("Angkatan ditutup")
            )
            row["session_title"] = row["course_title"] = None
        cohorts.append(row)
    return cohorts
