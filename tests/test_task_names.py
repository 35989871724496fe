"""Every Celery task keeps the name it had before the code was reshaped (issue 9): queued
messages, outbox rows and the beat schedule name tasks by that string."""

from django.conf import settings

from lms.celery import app

NAMES_BEFORE_THE_RESHAPE = {
    "kursus.tasks.course_progress_recompute_task",
    "kursus.tasks.enrollment_units_reconcile_task",
    "kursus.tasks.quiz_attempts_expire_task",
    "lms.akun.tasks.account_invite_task",
    "lms.core.tasks.outbox_sweep_task",
    "lms.laporan.tasks.overdue_reminders_send_task",
    "lms.laporan.tasks.report_export_task",
    "lms.laporan.tasks.report_subscription_send_task",
    "lms.laporan.tasks.report_subscriptions_send_due_task",
    "lms.laporan.tasks.report_summary_refresh_task",
    "laporan.tasks.reminder_batch_send_task",  # new in issue 23
    "lms.organisasi.tasks.employee_import_sweep_task",
    "lms.organisasi.tasks.employee_import_task",
    "program.tasks.participants_notify_task",  # new in issue 24
    "program.tasks.session_reminders_queue_task",  # new in issue 24
    "program.tasks.session_reminders_send_task",  # new in issue 24
    "program.tasks.cohort_certificates_task",  # new in issue 24
    "sertifikat.tasks.certificate_archive_task",
    "sertifikat.tasks.certificate_notify_task",
    "sertifikat.tasks.certificate_render_task",
    "sertifikat.tasks.certificate_sweep_pending_task",
    "program.tasks.followup_due_task",  # new in issue 24
    "program.tasks.followup_email_send_task",  # new in issue 24
    "integrasi.siasn.tasks.siasn_record_send_task",  # new in issue 25
    "integrasi.siasn.tasks.siasn_sweep_task",  # new in issue 25
    "integrasi.webhooks.tasks.webhook_delivery_send_task",  # new in issue 25
    "integrasi.webhooks.tasks.webhook_deliveries_sweep_task",  # new in issue 25
    "integrasi.tasks.api_calls_purge_task",  # new in issue 25
}


def _ours() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_task_keeps_its_name():
    assert _ours() == NAMES_BEFORE_THE_RESHAPE


def test_the_beat_schedule_names_registered_tasks():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= _ours()
