"""The Kirkpatrick level 3 follow-up: `followup_due_run` (daily, from beat) writes one
request per (passed participant, supervisor) of every cohort closed long enough ago, then
queues its email through the outbox; a reminder is queued once for a request not answered
some days after its email. The emails are sent by `followup_email_send` under the row's
lock, which records the send: a repeated message sends nothing."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kuesioner.selectors import questionnaire_answer_url, questionnaire_answered_by
from lms.core.outbox import send_after_commit

from ..models import Cohort, FollowupRequest, Participant
from ..selectors.followup import participant_name, participant_supervisors

FOLLOWUP_EMAIL_TASK = "program.tasks.followup_email_send_task"
INVITE, REMINDER = "invite", "reminder"


def _reminder_days() -> int:
    return getattr(settings, "LMS_FOLLOWUP_REMINDER_DAYS", 14)


def followup_cohorts_due(*, now=None) -> list[Cohort]:
    """Closed cohorts with a follow-up questionnaire whose waiting time has passed (a few
    rows: the waiting time is compared here, the same on every database)."""
    now = now or timezone.now()
    cohorts = Cohort.objects.filter(
        status=Cohort.Status.CLOSED,
        closed_at__isnull=False,
        closed_at__lte=now,
        followup_questionnaire__isnull=False,
    ).only("id", "closed_at", "followup_after_days", "followup_questionnaire_id")
    return [
        cohort
        for cohort in cohorts
        if cohort.closed_at + datetime.timedelta(days=cohort.followup_after_days) <= now
    ]


def followup_requests_create(*, cohort: Cohort, now=None) -> int:
    """Write the requests of `cohort` not written yet (one per passed participant and
    supervisor) and queue the email of each request not queued yet, in one transaction
    with the outbox rows; returns how many were queued. Idempotent: the unique
    (participant, supervisor) constraint and `queued_at` make a second run queue nothing."""
    now = now or timezone.now()
    passed = Participant.objects.filter(cohort=cohort, outcome=Participant.Outcome.PASSED)
    asked = set(
        FollowupRequest.objects.filter(cohort=cohort).values_list("participant_id", flat=True)
    )
    rows = [
        FollowupRequest(
            cohort=cohort,
            participant=participant,
            supervisor=supervisor,
            questionnaire_id=cohort.followup_questionnaire_id,
        )
        for participant in passed.only("id", "user_id", "unit_id")
        if participant.pk not in asked
        for supervisor in participant_supervisors(participant=participant)
    ]
    with transaction.atomic():
        FollowupRequest.objects.bulk_create(rows, ignore_conflicts=True)
        queued = list(
            FollowupRequest.objects.select_for_update()
            .filter(cohort=cohort, queued_at__isnull=True)
            .values_list("pk", flat=True)
        )
        FollowupRequest.objects.filter(pk__in=queued).update(queued_at=now)
        for pk in queued:
            send_after_commit(FOLLOWUP_EMAIL_TASK, pk, INVITE)
    return len(queued)


def followup_reminders_queue(*, now=None) -> int:
    """Queue, once, the reminder of every request emailed `LMS_FOLLOWUP_REMINDER_DAYS` ago
    or more whose supervisor has not answered; returns how many were queued."""
    now = now or timezone.now()
    due = now - datetime.timedelta(days=_reminder_days())
    count = 0
    with transaction.atomic():
        rows = list(
            FollowupRequest.objects.select_for_update()
            .filter(sent_at__lte=due, reminder_queued_at__isnull=True)
            .order_by("pk")
        )
        for row in rows:
            if questionnaire_answered_by(
                user_id=row.supervisor_id,
                questionnaire_id=row.questionnaire_id,
                context=row.context,
            ):
                continue
            FollowupRequest.objects.filter(pk=row.pk).update(reminder_queued_at=now)
            send_after_commit(FOLLOWUP_EMAIL_TASK, row.pk, REMINDER)
            count += 1
    return count


def followup_due_run(*, now=None) -> dict:
    """The daily run: requests and emails of the cohorts due, then the reminders."""
    now = now or timezone.now()
    invites = sum(
        followup_requests_create(cohort=cohort, now=now) for cohort in followup_cohorts_due(now=now)
    )
    return {"invites": invites, "reminders": followup_reminders_queue(now=now)}


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def followup_email_send(*, request_id: int, kind: str) -> bool:
    """Send the follow-up email (`kind` INVITE or REMINDER) of one request, once: the row is
    locked, the send recorded in the same transaction; a reminder is not sent to a
    supervisor who has answered meanwhile. Returns whether an email went."""
    with transaction.atomic():
        row = (
            FollowupRequest.objects.select_for_update(of=("self",))
            .select_related("participant__user", "participant__cohort__programme", "supervisor")
            .filter(pk=request_id)
            .first()
        )
        if row is None:
            return False
        if kind == INVITE and row.sent_at is not None:
            return False
        if kind == REMINDER and (
            row.reminded_at is not None
            or questionnaire_answered_by(
                user_id=row.supervisor_id,
                questionnaire_id=row.questionnaire_id,
                context=row.context,
            )
        ):
            return False
        participant = row.participant
        name = participant_name(participant)
        context = {
            "supervisor": row.supervisor,
            "participant_name": name,
            "cohort": participant.cohort,
            "programme": participant.cohort.programme,
            "url": _absolute(questionnaire_answer_url(row.context)),
            "reminder": kind == REMINDER,
        }
        subject = (
            _("Pengingat: tindak lanjut pelatihan %(name)s")
            if kind == REMINDER
            else _("Tindak lanjut pelatihan %(name)s")
        ) % {"name": name}
        body = render_to_string("program/email/followup.txt", context)
        send_mail(subject, body, None, [row.supervisor.email])
        now = timezone.now()
        field = "sent_at" if kind == INVITE else "reminded_at"
        FollowupRequest.objects.filter(pk=row.pk).update(**{field: now})
    return True
