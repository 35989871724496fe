"""Writes of the reports: export jobs, email subscriptions, and the emails themselves."""

import datetime
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kursus.models import CoursePage, Enrollment
from lms.core.outbox import send_after_commit
from lms.organisasi.models import OrgUnit
from lms.organisasi.selectors import orgunit_list_visible

from ..exports import export_table, write_csv, write_xlsx
from ..filters import ReportFilters, report_years
from ..models import OverdueReminder, ReportExport, ReportSubscription
from ..selectors import overdue_enrollments, summary_latest, unit_report

logger = logging.getLogger(__name__)

REMINDER_INTERVAL = datetime.timedelta(days=7)
OVERDUE_ROWS_IN_EMAIL = 100
# The export's task (laporan/tasks.py, named as when the app was lms.laporan), queued by name:
# the tasks module imports this one.
REPORT_EXPORT_TASK = "lms.laporan.tasks.report_export_task"


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


# Exports


def report_export_create(
    *,
    user,
    kind: str,
    unit: OrgUnit,
    filters: ReportFilters,
    fmt: str,
    course: CoursePage | None = None,
    options: dict | None = None,
    total_rows: int = 0,
) -> ReportExport:
    """Queue a large export; the worker writes the file. `unit` must come from the scope."""
    job = ReportExport.objects.create(
        requested_by=user,
        kind=kind,
        unit=unit,
        course=course,
        params={"filters": filters.as_params(), "options": options or {}},
        format=fmt,
        total_rows=total_rows,
    )
    send_after_commit(REPORT_EXPORT_TASK, job.pk)
    return job


def report_export_process(*, export_id: int) -> ReportExport:
    """Write the export's file in constant memory. The scope is checked again here: a
    supervisor moved out of the unit since the request gets nothing."""
    job = ReportExport.objects.select_related("unit", "course", "requested_by").get(pk=export_id)
    if job.status == ReportExport.Status.DONE:
        return job
    if not orgunit_list_visible(job.requested_by).filter(pk=job.unit_id).exists():
        job.status = ReportExport.Status.FAILED
        job.error = _("Unit ini tidak lagi dalam cakupan Anda.")
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job
    job.status = ReportExport.Status.RUNNING
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows"])
    filters = ReportFilters.from_params(job.params.get("filters", {}))
    table = export_table(
        kind=job.kind,
        unit=job.unit,
        filters=filters,
        refresh=summary_latest(),
        course=job.course,
        options=job.params.get("options", {}),
    )

    def progress(n: int) -> None:
        ReportExport.objects.filter(pk=job.pk).update(processed_rows=n)

    writer = write_xlsx if job.format == ReportExport.Format.XLSX else write_csv
    with tempfile.TemporaryFile() as fh:
        rows = writer(table, fh, progress=progress)
        fh.seek(0)
        job.file.save(f"{table.filename}.{job.format}", File(fh), save=False)
    job.status = ReportExport.Status.DONE
    job.total_rows = rows
    job.processed_rows = rows
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "total_rows", "processed_rows", "file", "finished_at"])
    return job


# Subscriptions


def report_subscription_set(*, user, unit: OrgUnit, frequency: str) -> ReportSubscription | None:
    """Subscribe `user` to `unit`'s summary, change the frequency, or stop (empty frequency).
    `unit` must come from the user's scope."""
    if not frequency:
        ReportSubscription.objects.filter(user=user, unit=unit).delete()
        return None
    subscription, _created = ReportSubscription.objects.update_or_create(
        user=user, unit=unit, defaults={"frequency": frequency}
    )
    return subscription


def subscription_is_due(subscription: ReportSubscription, *, now=None) -> bool:
    """Weekly: not yet sent this ISO week. Monthly: not yet sent this calendar month."""
    if subscription.last_sent_at is None:
        return True
    now = timezone.localtime(now or timezone.now())
    last = timezone.localtime(subscription.last_sent_at)
    if subscription.frequency == ReportSubscription.Frequency.WEEKLY:
        return last.isocalendar()[:2] != now.isocalendar()[:2]
    return (last.year, last.month) != (now.year, now.month)


def subscriptions_due(*, now=None) -> list[int]:
    return [
        s.pk for s in ReportSubscription.objects.order_by("pk") if subscription_is_due(s, now=now)
    ]


def subscription_email_context(*, subscription: ReportSubscription) -> dict:
    unit = subscription.unit
    filters = ReportFilters(year=report_years()[0])
    report = unit_report(unit=unit, filters=filters, refresh=summary_latest())
    overdue = (
        overdue_enrollments(unit=unit)
        .select_related("user__employee__unit", "course")
        .order_by("due_date", "user__employee__full_name", "pk")
    )
    return {
        "subscription": subscription,
        "unit": unit,
        "report": report,
        "overdue": list(overdue[:OVERDUE_ROWS_IN_EMAIL]),
        "overdue_total": overdue.count(),
        "overdue_limit": OVERDUE_ROWS_IN_EMAIL,
        "dashboard_url": _absolute(reverse("laporan:unit_detail", args=[unit.code])),
        "target": settings.LMS_JP_TARGET_PER_YEAR,
    }


def report_subscription_send(*, subscription_id: int, now=None) -> bool:
    """Send one subscription's email if it is due; True when sent. The unit must still be in
    the recipient's scope, or the subscription is dropped."""
    with transaction.atomic():
        subscription = (
            ReportSubscription.objects.select_for_update()
            .select_related("user", "unit")
            .filter(pk=subscription_id)
            .first()
        )
        if subscription is None or not subscription_is_due(subscription, now=now):
            return False
        user = subscription.user
        if (
            not user.is_active
            or not orgunit_list_visible(user).filter(pk=subscription.unit_id).exists()
        ):
            subscription.delete()
            return False
        context = subscription_email_context(subscription=subscription)
        subject = _("Ringkasan pelatihan %(unit)s") % {"unit": subscription.unit.name}
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body=render_to_string("laporan/email/subscription.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("laporan/email/subscription.html", context), "text/html"
        )
        message.send()
        subscription.last_sent_at = now or timezone.now()
        subscription.save(update_fields=["last_sent_at"])
    return True


# Reminders to employees


def overdue_reminders_send(*, now=None, batch: int = 500) -> int:
    """Email every active employee with overdue mandatory courses, at most once a week each.
    Returns the number of emails sent."""
    now = now or timezone.now()
    recent = OverdueReminder.objects.filter(last_sent_at__gt=now - REMINDER_INTERVAL).values(
        "user_id"
    )
    user_ids = list(
        overdue_enrollments()
        .exclude(user_id__in=recent)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )
    sent = 0
    for start in range(0, len(user_ids), batch):
        chunk = user_ids[start : start + batch]
        by_user: dict[int, list[Enrollment]] = {}
        for enrollment in (
            overdue_enrollments()
            .filter(user_id__in=chunk)
            .select_related("user__employee", "course")
            .order_by("due_date", "pk")
        ):
            by_user.setdefault(enrollment.user_id, []).append(enrollment)
        for user_id, enrollments in by_user.items():
            sent += _remind(user_id=user_id, enrollments=enrollments, now=now)
    return sent


def _remind(*, user_id: int, enrollments: list[Enrollment], now) -> int:
    with transaction.atomic():
        reminder = OverdueReminder.objects.select_for_update().filter(user_id=user_id).first()
        if reminder is not None and reminder.last_sent_at > now - REMINDER_INTERVAL:
            return 0  # another run got here first
        user = enrollments[0].user
        context = {
            "employee": user.employee,
            "enrollments": enrollments,
            "dashboard_url": _absolute(reverse("kursus:dashboard")),
        }
        send = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("Kursus wajib yang terlambat"),
            body=render_to_string("laporan/email/overdue_reminder.txt", context),
            to=[user.email],
        )
        send.attach_alternative(
            render_to_string("laporan/email/overdue_reminder.html", context), "text/html"
        )
        send.send()
        OverdueReminder.objects.update_or_create(
            user_id=user_id,
            defaults={"last_sent_at": now, "courses": [e.course.code for e in enrollments]},
        )
    return 1
