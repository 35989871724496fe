"""Writes of the timetable: a learner's private calendar address, and the reminder emailed
to each active participant the day before a session.

Reminders: an hourly beat task (`session_reminders_queue`) writes one SessionReminder row per
(session, participant) for the sessions starting within LMS_SESSION_REMINDER_HOURS, then
queues the sending through the outbox, so that a broker that is down delays the emails and
loses none. A row is sent at most once (its status is read under a row lock), so a second
run, a retry or a message delivered twice sends nothing again. The email carries the session
page's address, not the meeting link: the page shows the link to participants shortly before
the start, and an email is easily forwarded."""

import datetime
import logging
import secrets

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.core.outbox import send_after_commit

from ..models import CalendarFeed, CohortSession, Participant, SessionReminder
from ..selectors.timetable import (
    FEED_KEY_LENGTH,
    session_page_url,
    session_place_text,
    session_speaker_names,
    session_time_text,
)

logger = logging.getLogger(__name__)

# The sending task (program/tasks.py), queued by name: the tasks module imports this one.
SESSION_REMINDERS_SEND_TASK = "program.tasks.session_reminders_send_task"


# The private calendar address


def _new_key() -> str:
    return secrets.token_hex(FEED_KEY_LENGTH // 2)


def calendar_feed_get_or_create(*, user) -> CalendarFeed:
    """The learner's private calendar address, made on first request."""
    try:
        with transaction.atomic():
            feed, _created = CalendarFeed.objects.get_or_create(
                user=user, defaults={"key": _new_key()}
            )
    except IntegrityError:  # the same request twice at once: the other one made it
        feed = CalendarFeed.objects.get(user=user)
    return feed


def calendar_feed_regenerate(*, user) -> CalendarFeed:
    """A new address; the old one stops working at once (calendar apps must subscribe again)."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            return calendar_feed_get_or_create(user=user)
        feed.key = _new_key()
        feed.created_at = timezone.now()
        feed.save(update_fields=["key", "created_at"])
    return feed


def calendar_feed_revoke(*, user) -> bool:
    """No private address any more; True if there was one."""
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


# Reminders the day before


def _due_session_ids(*, now: datetime.datetime) -> list[int]:
    horizon = now + datetime.timedelta(hours=settings.LMS_SESSION_REMINDER_HOURS)
    return list(
        CohortSession.objects.filter(starts_at__gt=now, starts_at__lte=horizon)
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)
    )


def session_reminders_queue(*, now: datetime.datetime | None = None) -> int:
    """Record a reminder for every active participant of every session starting within
    LMS_SESSION_REMINDER_HOURS who has none yet, and queue the sending of each session's
    pending reminders after commit. Returns how many reminders were recorded."""
    now = now or timezone.now()
    recorded = 0
    for session_id in _due_session_ids(now=now):
        with transaction.atomic():
            known = SessionReminder.objects.filter(session_id=session_id).values("participant_id")
            participant_ids = list(
                Participant.objects.filter(
                    cohort__sessions=session_id, status=Participant.Status.ACTIVE
                )
                .exclude(pk__in=known)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            SessionReminder.objects.bulk_create(
                [
                    SessionReminder(session_id=session_id, participant_id=pk)
                    for pk in participant_ids
                ],
                ignore_conflicts=True,
                batch_size=1000,
            )
            recorded += len(participant_ids)
            # Also what an earlier run left pending (a worker lost, a mail server down).
            if SessionReminder.objects.filter(
                session_id=session_id, status=SessionReminder.Status.PENDING
            ).exists():
                send_after_commit(SESSION_REMINDERS_SEND_TASK, session_id)
    return recorded


def session_reminder_email(reminder: SessionReminder) -> EmailMultiAlternatives:
    """The reminder of one session to one participant, in Indonesian, times in WIB."""
    session = reminder.session
    user = reminder.participant.user
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": user.get_full_name() or user.email,
            "session": session,
            "cohort": session.cohort,
            "when": session_time_text(session),
            "place": session_place_text(session),
            "speakers": session_speaker_names(session),
            "team": session.presenting_team,
            "session_url": session_page_url(session),
            "calendar_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
            + reverse("program:my_calendar"),
            "lead_minutes": settings.LMS_SESSION_LINK_LEAD_MINUTES,
        }
        subject = _("Pengingat sesi: %(title)s") % {"title": session.title}
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body=render_to_string("program/email/session_reminder.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("program/email/session_reminder.html", context), "text/html"
        )
    return message


def _reminder_deliver(reminder_id: int, *, now: datetime.datetime) -> bool:
    """Send one reminder if it is still pending; anything else sends nothing."""
    with transaction.atomic():
        reminder = (
            SessionReminder.objects.select_for_update(of=("self",))
            .select_related(
                "session__cohort__programme",
                "session__presenting_team",
                "participant__user__employee",
            )
            .filter(pk=reminder_id, status=SessionReminder.Status.PENDING)
            .first()
        )
        if reminder is None:
            return False
        participant, user = reminder.participant, reminder.participant.user
        reason = ""
        if participant.status != Participant.Status.ACTIVE:
            reason = _("Tidak dikirim: bukan lagi peserta aktif angkatan.")
        elif not user.is_active or not user.email:
            reason = _("Tidak dikirim: akun tidak aktif atau tanpa alamat email.")
        elif reminder.session.starts_at <= now:
            reason = _("Tidak dikirim: sesi sudah dimulai.")
        if reason:
            reminder.status = SessionReminder.Status.SKIPPED
            reminder.error = reason
            reminder.save(update_fields=["status", "error"])
            return False
        session_reminder_email(reminder).send()
        reminder.status = SessionReminder.Status.SENT
        reminder.sent_at = timezone.now()
        reminder.attempts += 1
        reminder.error = ""
        reminder.save(update_fields=["status", "sent_at", "attempts", "error"])
    return True


def session_reminders_send(
    *, session_id: int, now: datetime.datetime | None = None
) -> tuple[int, int]:
    """Send the session's pending reminders: (sent, failed). A failure leaves its reminder
    pending for the task's retry and the next hourly run."""
    now = now or timezone.now()
    sent = failed = 0
    ids = list(
        SessionReminder.objects.filter(session_id=session_id, status=SessionReminder.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for reminder_id in ids:
        try:
            sent += _reminder_deliver(reminder_id, now=now)
        except Exception as exc:
            failed += 1
            logger.warning("session reminder %s not sent: %s", reminder_id, type(exc).__name__)
            SessionReminder.objects.filter(
                pk=reminder_id, status=SessionReminder.Status.PENDING
            ).update(attempts=F("attempts") + 1, error=f"{type(exc).__name__}: {exc}"[:1000])
    return sent, failed


def session_reminders_fail(*, session_id: int, error: str) -> int:
    """After the task's last retry: the reminders still pending of a session that has started
    are marked failed; those of a later session stay pending for the next hourly run."""
    return SessionReminder.objects.filter(
        session_id=session_id,
        status=SessionReminder.Status.PENDING,
        session__starts_at__lte=timezone.now(),
    ).update(status=SessionReminder.Status.FAILED, error=error[:1000])
