"""Scheduled summaries for supervisors and overdue reminders for employees."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from laporan.models import OverdueReminder, ReportSubscription
from laporan.services import (
    overdue_reminders_send,
    report_subscription_set,
    subscription_is_due,
    subscriptions_due,
)
from laporan.tasks import overdue_reminders_send_task, report_subscriptions_send_due_task
from lms.organisasi.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_monthly_summary_goes_to_the_subscriber_with_the_overdue_list(
    supervisor_jabar, report_data, django_capture_on_commit_callbacks
):
    report_subscription_set(
        user=supervisor_jabar, unit=OrgUnit.objects.get(code="32"), frequency="monthly"
    )

    # the daily task queues one send per due subscription (through the outbox, on commit)
    with django_capture_on_commit_callbacks(execute=True):
        assert report_subscriptions_send_due_task() == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [supervisor_jabar.email]
    assert "Bawaslu Provinsi Jawa Barat" in message.subject
    body = message.body
    assert "Pegawai aktif: 6" in body
    assert "Selesai: 4 (57,1%)" in body
    assert "1 kursus wajib terlambat" in body
    assert "Budi Santoso (Bawaslu Kabupaten Bandung): RPT-A" in body
    assert "Citra Dewi" not in body  # her mandatory course is not due yet
    assert "Fajar" not in body
    assert "/laporan/unit/32/" in body
    html = message.alternatives[0][0]
    assert "Budi Santoso" in html
    # sent once per month
    with django_capture_on_commit_callbacks(execute=True):
        assert report_subscriptions_send_due_task() == 0
    assert len(mail.outbox) == 1


def test_due_rules():
    sub = ReportSubscription(frequency="weekly")
    now = timezone.make_aware(datetime.datetime(2026, 3, 11, 7))  # a Wednesday
    assert subscription_is_due(sub, now=now)
    sub.last_sent_at = now - datetime.timedelta(days=2)  # Monday of the same week
    assert not subscription_is_due(sub, now=now)
    sub.last_sent_at = now - datetime.timedelta(days=3)  # Sunday: last week
    assert subscription_is_due(sub, now=now)
    sub.frequency = "monthly"
    sub.last_sent_at = now - datetime.timedelta(days=9)  # 2 March
    assert not subscription_is_due(sub, now=now)
    sub.last_sent_at = now - datetime.timedelta(days=11)  # 28 February
    assert subscription_is_due(sub, now=now)


def test_subscription_outside_the_scope_is_dropped_not_sent(
    supervisor_jabar, report_data, django_capture_on_commit_callbacks
):
    sub = ReportSubscription.objects.create(
        user=supervisor_jabar, unit=OrgUnit.objects.get(code="33"), frequency="weekly"
    )
    assert subscriptions_due() == [sub.pk]

    with django_capture_on_commit_callbacks(execute=True):
        report_subscriptions_send_due_task()

    assert mail.outbox == []
    assert not ReportSubscription.objects.exists()


def test_overdue_reminder_at_most_once_a_week(report_data):
    now = timezone.now()

    assert overdue_reminders_send(now=now) == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [report_data.people.budi.user.email]
    assert "RPT-A" in message.body and "50%" in message.body
    assert OverdueReminder.objects.get().courses == ["RPT-A"]
    assert overdue_reminders_send(now=now + datetime.timedelta(days=6)) == 0
    assert overdue_reminders_send(now=now + datetime.timedelta(days=7, minutes=1)) == 1
    assert len(mail.outbox) == 2


def test_no_reminder_once_completed_or_for_inactive_people(report_data):
    from kursus.models import Enrollment

    Enrollment.objects.filter(user=report_data.people.budi.user).update(status="completed")
    assert overdue_reminders_send_task() == 0
    assert mail.outbox == []
