"""Reminders a supervisor sends from a report: to people under the JP target of a year, or to
people who have not completed a course. At most one reminder a week per person, whoever sends
it; every send is recorded (`ReminderBatch`, `Reminder`); the emails go out from a Celery task
queued through the outbox, so a broker that is down delays them and loses nothing."""

import datetime
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kursus.models import CoursePage, Enrollment
from lms.core.outbox import send_after_commit
from lms.organisasi.models import Employee, OrgUnit
from lms.organisasi.selectors import employee_list_visible, orgunit_list_visible

from ..filters import ReportFilters, jp_target
from ..models import Reminder, ReminderBatch
from ..selectors import course_report_ids, employee_base, jp_subquery

logger = logging.getLogger(__name__)

REMINDER_WEEK = datetime.timedelta(days=7)
# The sending task (laporan/tasks.py), queued by name: the tasks module imports this one.
REMINDER_BATCH_TASK = "laporan.tasks.reminder_batch_send_task"


@dataclass(frozen=True)
class ReminderOutcome:
    """What a "send reminder" action did, for the message the supervisor reads."""

    batch: ReminderBatch | None
    queued: int = 0
    skipped_recent: int = 0  # reminded in the last seven days
    skipped_done: int = 0  # already at the JP target / course completed
    ignored: int = 0  # posted ids of nobody in the unit's subtree (or not active)
    repeated: bool = False  # this form had been submitted before: nothing new was sent


def _absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _jp_candidates(
    *, sender, unit: OrgUnit, filters: ReportFilters, employee_ids: list[int] | None
) -> tuple[dict[int, dict], int, int]:
    """{user id: detail} of the people to remind of their JP, how many posted ids were
    ignored and how many already meet the target."""
    people = (
        employee_base(unit=unit, filters=filters)
        .filter(pk__in=employee_list_visible(sender).values("pk"))
        .annotate(jp_year=Coalesce(jp_subquery(filters.year), Value(0)))
    )
    target = jp_target()
    ignored = done = 0
    if employee_ids is None:
        rows = people.filter(jp_year__lt=target)
    else:
        rows = people.filter(pk__in=employee_ids)
    candidates = {}
    seen = 0
    for user_id, jp in rows.values_list("user_id", "jp_year").order_by("pk"):
        seen += 1
        if jp >= target:
            done += 1
            continue
        candidates[user_id] = {
            "year": filters.year,
            "jp": jp,
            "target": target,
            "shortfall": target - jp,
        }
    if employee_ids is not None:
        ignored = len(set(employee_ids)) - seen
    return candidates, ignored, done


def _course_candidates(
    *,
    sender,
    unit: OrgUnit,
    course: CoursePage,
    filters: ReportFilters,
    employee_ids: list[int] | None,
) -> tuple[dict[int, dict], int, int]:
    """{user id: detail} of the people to remind of `course`, how many posted ids were
    ignored (nobody enrolled in the course in the subtree) and how many completed it."""
    enrollments = course_report_ids(unit=unit, course=course, filters=filters).filter(
        user_id__in=employee_list_visible(sender).values("user_id")
    )
    if employee_ids is None:
        enrollments = enrollments.filter(status=Enrollment.Status.ACTIVE)
    else:
        enrollments = enrollments.filter(
            user_id__in=Employee.objects.filter(pk__in=employee_ids).values("user_id")
        )
    candidates = {}
    done = seen = 0
    for user_id, status, progress, due_date in enrollments.values_list(
        "user_id", "status", "progress_percent", "due_date"
    ).order_by("pk"):
        seen += 1
        if status == Enrollment.Status.COMPLETED:
            done += 1
            continue
        candidates[user_id] = {
            "progress": progress,
            "due_date": due_date.isoformat() if due_date else None,
        }
    ignored = len(set(employee_ids)) - seen if employee_ids is not None else 0
    return candidates, max(0, ignored), done


def reminder_recently_sent(user_ids, *, now) -> set[int]:
    """Who of `user_ids` was reminded in the last week: a reminder that failed (the mail
    server refused it every time, or the person has no address) reached no one and does not
    count, so the supervisor can send it again."""
    return set(
        Reminder.objects.filter(user_id__in=list(user_ids), created_at__gt=now - REMINDER_WEEK)
        .exclude(status=Reminder.Status.FAILED)
        .values_list("user_id", flat=True)
    )


def _repeated(batch: ReminderBatch) -> ReminderOutcome:
    return ReminderOutcome(
        batch=batch,
        queued=batch.reminders.count(),
        skipped_recent=batch.skipped_recent,
        skipped_done=batch.skipped_done,
        repeated=True,
    )


def reminder_batch_create(
    *,
    sender,
    unit: OrgUnit,
    kind: str,
    token: uuid.UUID,
    filters: ReportFilters,
    course: CoursePage | None = None,
    employee_ids: list[int] | None = None,
    now: datetime.datetime | None = None,
) -> ReminderOutcome:
    """Record reminders to the chosen people (`employee_ids`), or to everyone the page lists
    as missing something (None: under the JP target of `filters.year`, or not completed
    `course`), and queue their emails after commit.

    Only active people in `unit`'s subtree whom `sender` may see are reminded, whatever ids
    are posted; anyone reminded in the last seven days is skipped. `token` identifies the
    form shown: the same form submitted again records and sends nothing more. `unit` must
    come from `orgunit_get_visible`."""
    existing = ReminderBatch.objects.filter(token=token).first()
    if existing is not None:
        return _repeated(existing)
    if kind == ReminderBatch.Kind.COURSE:
        if course is None:
            raise ValueError("a course reminder needs its course")
        candidates, ignored, done = _course_candidates(
            sender=sender, unit=unit, course=course, filters=filters, employee_ids=employee_ids
        )
    else:
        course = None
        candidates, ignored, done = _jp_candidates(
            sender=sender, unit=unit, filters=filters, employee_ids=employee_ids
        )
    now = now or timezone.now()
    try:
        with transaction.atomic():
            batch = ReminderBatch.objects.create(
                token=token,
                sent_by=sender,
                unit=unit,
                kind=kind,
                course=course,
                year=filters.year if kind == ReminderBatch.Kind.JP else None,
                skipped_done=done,
            )
            # Concurrent sends to the same people queue behind each other here (PostgreSQL),
            # so that the weekly limit is read after the other one's reminders are written.
            list(
                Employee.objects.select_for_update()
                .filter(user_id__in=list(candidates))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            recent = reminder_recently_sent(candidates, now=now)
            Reminder.objects.bulk_create(
                [
                    Reminder(batch=batch, user_id=user_id, detail=detail)
                    for user_id, detail in candidates.items()
                    if user_id not in recent
                ],
                batch_size=1000,
            )
            batch.skipped_recent = len(recent)
            batch.save(update_fields=["skipped_recent"])
            queued = len(candidates) - len(recent)
            if queued:
                send_after_commit(REMINDER_BATCH_TASK, batch.pk)
    except IntegrityError:
        # The same form, submitted twice at once: the other request recorded it.
        existing = ReminderBatch.objects.filter(token=token).first()
        if existing is None:
            raise
        return _repeated(existing)
    return ReminderOutcome(
        batch=batch,
        queued=queued,
        skipped_recent=len(recent),
        skipped_done=done,
        ignored=ignored,
    )


# Sending


def reminder_email(reminder: Reminder) -> EmailMultiAlternatives:
    """The email of one reminder, in Indonesian: what is missing, and a link to act on it."""
    batch = reminder.batch
    user = reminder.user
    employee = getattr(user, "employee", None)
    sender_employee = getattr(batch.sent_by, "employee", None) if batch.sent_by else None
    context = {
        "name": employee.full_name if employee else user.email,
        "detail": reminder.detail,
        "batch": batch,
        "unit": batch.unit,
        "sender": sender_employee.full_name if sender_employee else "",
        "dashboard_url": _absolute(reverse("kursus:dashboard")),
    }
    if batch.kind == ReminderBatch.Kind.COURSE:
        course = batch.course
        due = reminder.detail.get("due_date")
        context.update(
            course=course,
            due_date=datetime.date.fromisoformat(due) if due else None,
            course_url=_absolute(course.get_url() or reverse("kursus:dashboard")),
        )
        subject = _("Pengingat: selesaikan kursus %(code)s") % {"code": course.code}
        template = "laporan/email/reminder_course"
    else:
        subject = _("Pengingat: JP Anda tahun %(year)s belum mencapai %(target)s JP") % {
            "year": reminder.detail.get("year", batch.year),
            "target": reminder.detail.get("target", jp_target()),
        }
        template = "laporan/email/reminder_jp"
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=render_to_string(f"{template}.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def _reminder_deliver(reminder_id: int) -> bool:
    """Send one reminder if it is still pending; a repeated message sends nothing twice."""
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(of=("self",))
            .select_related(
                "batch__unit", "batch__course", "batch__sent_by__employee", "user__employee"
            )
            .filter(pk=reminder_id, status=Reminder.Status.PENDING)
            .first()
        )
        if reminder is None:
            return False
        still_visible = reminder.batch.sent_by is not None and (
            orgunit_list_visible(reminder.batch.sent_by).filter(pk=reminder.batch.unit_id).exists()
        )
        if not reminder.user.is_active or not reminder.user.email or not still_visible:
            reminder.status = Reminder.Status.FAILED
            reminder.error = _("Tidak dikirim: akun tidak aktif atau di luar cakupan pengirim.")
            reminder.save(update_fields=["status", "error"])
            return False
        reminder_email(reminder).send()
        reminder.status = Reminder.Status.SENT
        reminder.sent_at = timezone.now()
        reminder.error = ""
        reminder.save(update_fields=["status", "sent_at", "error"])
    return True


def reminder_batch_send(*, batch_id: int) -> tuple[int, int]:
    """Send the batch's pending reminders: (sent, failed). A failure leaves its reminder
    pending for the task's retry."""
    sent = failed = 0
    ids = list(
        Reminder.objects.filter(batch_id=batch_id, status=Reminder.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for reminder_id in ids:
        try:
            sent += _reminder_deliver(reminder_id)
        except Exception as exc:
            failed += 1
            logger.warning("reminder %s not sent: %s", reminder_id, exc)
            Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.PENDING).update(
                error=f"{type(exc).__name__}: {exc}"[:1000]
            )
    return sent, failed


def reminder_batch_fail(*, batch_id: int, error: str) -> int:
    """After the last retry: what is still pending is marked failed."""
    return Reminder.objects.filter(batch_id=batch_id, status=Reminder.Status.PENDING).update(
        status=Reminder.Status.FAILED, error=error[:1000]
    )
