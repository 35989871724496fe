"""Reminders a supervisor sends from Kepatuhan JP and a course report: to the people ticked or
to all who miss something, once a week per person, inside the scope only, once per form."""

import datetime
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from laporan.models import Reminder, ReminderBatch
from laporan.services import reminder_batch_send
from lms.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _send(client, code, *, kind="jp", people=(), target="pilih", token=None, **extra):
    data = {
        "jenis": kind,
        "token": str(token or uuid.uuid4()),
        "sasaran": target,
        "pegawai": [str(p.pk) for p in people],
        **extra,
    }
    return client.post(reverse("laporan:reminder_send", args=[code]), data, follow=True)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _reminded(report_data) -> set[str]:
    return {r.user.employee.full_name for r in Reminder.objects.select_related("user__employee")}


def test_selected_people_under_target_get_a_jp_reminder_email(
    client, supervisor_jabar, report_data, django_capture_on_commit_callbacks
):
    p = report_data.people
    client.force_login(supervisor_jabar)

    # when the supervisor ticks Citra (4 JP) and Dedi (8 JP) on Kepatuhan JP
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, "32", people=[p.citra, p.dedi], tahun=report_data.year)

    # then both are recorded and emailed, and the page says so
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("laporan:jp_compliance", args=["32"])
    assert "Pengingat sedang dikirim ke 2 pegawai." in _messages(response)
    assert _reminded(report_data) == {"Citra Dewi", "Dedi Gunawan"}
    batch = ReminderBatch.objects.get()
    assert (batch.sent_by, batch.unit.code, batch.kind, batch.year) == (
        supervisor_jabar,
        "32",
        "jp",
        report_data.year,
    )
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {p.citra.user.email, p.dedi.user.email}
    citra = by_to[p.citra.user.email]
    assert citra.subject.endswith(
        f"Pengingat: JP Anda tahun {report_data.year} belum mencapai 20 JP"
    )
    assert "Yth. Citra Dewi," in citra.body
    assert f"tahun {report_data.year} baru 4 JP dari target 20 JP" in citra.body
    assert "Masih kurang 16 JP." in citra.body
    assert "/dasbor/" in citra.body
    assert supervisor_jabar.employee.full_name in citra.body
    assert "Masih kurang 16 JP." in citra.alternatives[0][0]


def test_all_under_target_in_one_action(
    client, supervisor_jabar, report_data, django_capture_on_commit_callbacks
):
    client.force_login(supervisor_jabar)

    # when the supervisor of the regency list 32.04 sends to everyone under the target
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, "32.04", target="semua")

    # then Budi (0 JP) is reminded, Ani (20 JP) is not, nor the inactive Eka or anyone outside
    assert _reminded(report_data) == {"Budi Santoso"}
    assert [m.to for m in mail.outbox] == [[report_data.people.budi.user.email]]
    assert "Pengingat sedang dikirim ke 1 pegawai." in _messages(response)


def test_a_person_is_reminded_at_most_once_a_week(
    client, supervisor_jabar, admin_lms, report_data, django_capture_on_commit_callbacks
):
    p = report_data.people
    client.force_login(supervisor_jabar)
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, "32", people=[p.citra])

    # when another sender reminds Citra and Gita the same week
    client.force_login(admin_lms)
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, "32", people=[p.citra, p.gita])

    # then only Gita gets one, and the sender is told who was skipped and why
    assert [m.to[0] for m in mail.outbox] == [p.citra.user.email, p.gita.user.email]
    messages = _messages(response)
    assert "Pengingat sedang dikirim ke 1 pegawai." in messages
    assert (
        "1 pegawai dilewati karena sudah diingatkan dalam 7 hari terakhir "
        "(pengingat paling banyak sekali seminggu per orang)." in messages
    )
    assert ReminderBatch.objects.order_by("created_at").last().skipped_recent == 1

    # and eight days later Citra can be reminded again
    Reminder.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, "32", people=[p.citra])
    assert "Pengingat sedang dikirim ke 1 pegawai." in _messages(response)
    assert len(mail.outbox) == 3


def test_a_reminder_that_failed_does_not_count_as_sent(
    client, supervisor_jabar, report_data, django_capture_on_commit_callbacks
):
    # given a reminder to Citra that never reached her (the mail server refused every try)
    p = report_data.people
    client.force_login(supervisor_jabar)
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, "32", people=[p.citra])
    Reminder.objects.update(status=Reminder.Status.FAILED)
    mail.outbox.clear()

    # when the supervisor sends it again the same week
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, "32", people=[p.citra])

    # then it goes out, and the report's last reminder is the one that was sent
    assert "Pengingat sedang dikirim ke 1 pegawai." in _messages(response)
    assert [m.to[0] for m in mail.outbox] == [p.citra.user.email]
    sent = Reminder.objects.exclude(status=Reminder.Status.FAILED).get()
    from laporan.selectors.records import reminder_last_sent

    assert reminder_last_sent([p.citra.user_id]) == {p.citra.user_id: sent.created_at}


def test_people_who_meet_the_target_are_skipped_with_the_reason(
    client, supervisor_jabar, report_data, django_capture_on_commit_callbacks
):
    p = report_data.people
    client.force_login(supervisor_jabar)
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, "32", people=[p.ani, p.budi])
    assert _reminded(report_data) == {"Budi Santoso"}
    assert "1 pegawai dilewati karena JP-nya sudah memenuhi target." in _messages(response)


@pytest.mark.parametrize("kind", ["jp", "kursus"])
def test_ids_outside_the_scope_are_ignored(
    client, make_employee, report_data, django_capture_on_commit_callbacks, kind
):
    from lms.akun.roles import SUPERVISOR
    from tests.factories import enable_totp

    # given a supervisor of the regency 32.04
    user = make_employee("32.04", SUPERVISOR).user
    enable_totp(user)
    client.force_login(user)
    p = report_data.people
    extra = {"kursus": report_data.a.pk} if kind == "kursus" else {}

    # when they post Budi (theirs), Citra (another regency), Fajar (another province) and
    # Eka (inactive), for their own unit and then for the province
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(
            client, "32.04", kind=kind, people=[p.budi, p.citra, p.fajar, p.eka], **extra
        )
        above = _send(client, "32", kind=kind, people=[p.citra], **extra)

    # then only Budi is reminded; the rest is ignored and said so; the province is a 404
    assert _reminded(report_data) == {"Budi Santoso"}
    assert [m.to for m in mail.outbox] == [[p.budi.user.email]]
    reason = "bukan pegawai aktif di unit ini" if kind == "jp" else "bukan peserta kursus ini"
    assert f"3 pilihan diabaikan karena {reason}" in " ".join(_messages(response))
    assert above.status_code == 404


def test_the_same_form_submitted_twice_sends_once(
    client, supervisor_jabar, report_data, django_capture_on_commit_callbacks
):
    p = report_data.people
    client.force_login(supervisor_jabar)
    token = uuid.uuid4()

    with django_capture_on_commit_callbacks(execute=True):
        _send(client, "32", people=[p.citra, p.gita], token=token)
        again = _send(client, "32", people=[p.citra, p.gita], token=token)

    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2 and ReminderBatch.objects.count() == 1
    assert (
        "Pengingat dari formulir ini sudah dicatat sebelumnya; tidak ada yang dikirim ulang."
        in _messages(again)
    )


def test_course_reminder_to_selected_and_to_all_not_completed(
    client, supervisor_jabar, report_data, django_capture_on_commit_callbacks
):
    p = report_data.people
    course = report_data.a
    client.force_login(supervisor_jabar)

    # when Budi (50 %, overdue) and Ani (completed) are ticked on course A's report
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, "32", kind="kursus", kursus=course.pk, people=[p.budi, p.ani])

    # then Budi is reminded of the course, with his progress, due date and a link
    assert response.redirect_chain[-1][0] == reverse(
        "laporan:course_report", args=["32", course.pk]
    )
    assert "1 pegawai dilewati karena sudah menyelesaikan kursus ini." in _messages(response)
    [message] = mail.outbox
    assert message.to == [p.budi.user.email]
    assert message.subject.endswith("Pengingat: selesaikan kursus RPT-A")
    assert 'Anda belum menyelesaikan kursus RPT-A "Kursus A" (8 JP).' in message.body
    assert "Kemajuan Anda saat ini 50%." in message.body
    assert "wajib diselesaikan paling lambat" in message.body
    assert "/rpt-a/" in message.body

    # and "all not completed" reaches Citra (not started), skipping Budi (this week)
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, "32", kind="kursus", kursus=course.pk, target="semua")
    assert [m.to[0] for m in mail.outbox[1:]] == [p.citra.user.email]
    assert "1 pegawai dilewati karena sudah diingatkan" in " ".join(_messages(response))
    batch = ReminderBatch.objects.order_by("created_at").last()
    assert (batch.kind, batch.course) == ("kursus", course)


def test_nothing_selected_or_a_bad_token_changes_nothing(client, supervisor_jabar, report_data):
    client.force_login(supervisor_jabar)
    nothing = _send(client, "32", people=[])
    bad = client.post(
        reverse("laporan:reminder_send", args=["32"]),
        {"jenis": "jp", "token": "x", "sasaran": "semua"},
        follow=True,
    )
    assert "Pilih dahulu pegawai yang akan diingatkan." in _messages(nothing)
    assert "Formulir pengingat tidak sah. Muat ulang halaman lalu coba lagi." in _messages(bad)
    assert not ReminderBatch.objects.exists() and not mail.outbox
    assert client.get(reverse("laporan:reminder_send", args=["32"])).status_code == 405


def test_emails_go_through_the_outbox_and_survive_a_broker_outage(
    client, supervisor_jabar, report_data, monkeypatch, django_capture_on_commit_callbacks
):
    from celery import current_app

    from lms.core.outbox import outbox_sweep

    # given a broker that is down when the request commits
    task = current_app.tasks["laporan.tasks.reminder_batch_send_task"]

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    client.force_login(supervisor_jabar)
    with monkeypatch.context() as patch:
        patch.setattr(task, "apply_async", broker_down)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = _send(client, "32", people=[report_data.people.gita])
    assert callbacks  # the publish was tried at commit, and failed

    # then the request succeeds, the reminder waits, and the sweeper sends it later
    assert "Pengingat sedang dikirim ke 1 pegawai." in _messages(response)
    assert not mail.outbox
    assert Reminder.objects.get().status == "pending"
    row = OutboxMessage.objects.get(task="laporan.tasks.reminder_batch_send_task")
    assert row.sent_at is None and "broker down" in row.last_error
    OutboxMessage.objects.update(available_at=timezone.now())
    assert outbox_sweep() == 1
    assert [m.to for m in mail.outbox] == [[report_data.people.gita.user.email]]
    assert Reminder.objects.get().status == "sent"


def test_a_repeated_message_sends_nothing_twice(
    client, supervisor_jabar, report_data, django_capture_on_commit_callbacks
):
    client.force_login(supervisor_jabar)
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, "32", people=[report_data.people.gita])
    batch = ReminderBatch.objects.get()
    assert reminder_batch_send(batch_id=batch.pk) == (0, 0)
    assert len(mail.outbox) == 1


def test_last_reminder_is_shown_on_the_reports(
    client, supervisor_jabar, report_data, django_capture_on_commit_callbacks
):
    p = report_data.people
    client.force_login(supervisor_jabar)
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, "32", people=[p.citra])
    today = timezone.localtime().strftime("%-d")

    jp = client.get(reverse("laporan:jp_compliance", args=["32"]))
    course = client.get(reverse("laporan:course_report", args=["32", report_data.a.pk]))
    record = client.get(reverse("laporan:employee_record", args=["32", p.citra.pk]))

    for response in (jp, course):
        row = next(
            r
            for r in response.context["rows"]
            if (r.get("name") or r.get("full_name")) == "Citra Dewi"
        )
        assert row["last_reminded"] is not None
        other = next(
            r
            for r in response.context["rows"]
            if (r.get("name") or r.get("full_name")) == "Budi Santoso"
        )
        assert other["last_reminded"] is None
        assert "Pengingat terakhir" in response.content.decode()
    content = record.content.decode()
    assert "Pengingat yang dikirim" in content and "Kekurangan JP" in content
    assert f"oleh {supervisor_jabar.employee.full_name}" in content and today in content


# Concurrency: real transactions in threads (PostgreSQL row locks in CI, SQLite's write lock
# here), each with its own connection.


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_double_clicks_and_two_senders_at_once_remind_once(
    supervisor_jabar, admin_lms, report_data
):
    from laporan.filters import ReportFilters
    from laporan.services import reminder_batch_create
    from lms.organisasi.models import OrgUnit
    from tests.concurrency import run_at_once

    province = OrgUnit.objects.get(code="32")
    filters = ReportFilters(year=report_data.year)
    gita = report_data.people.gita
    same_form = uuid.uuid4()

    def send(sender, token):
        reminder_batch_create(
            sender=sender,
            unit=province,
            kind="jp",
            token=token,
            filters=filters,
            employee_ids=[gita.pk],
        )

    # when one form is submitted four times at once, and two other senders send at once
    run_at_once(send, [(supervisor_jabar, same_form)] * 4)
    run_at_once(send, [(supervisor_jabar, uuid.uuid4()), (admin_lms, uuid.uuid4())])

    # then Gita has one reminder, from the first form
    assert ReminderBatch.objects.filter(token=same_form).count() == 1
    assert list(Reminder.objects.values_list("user_id", "batch__token")) == [
        (gita.user_id, same_form)
    ]
