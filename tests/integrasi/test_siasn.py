"""The SIASN connector against a fake SIASN on loopback, in every failure mode: the happy
path, expired tokens, 5xx, timeouts, validation errors, a missing mapping, the job running
twice, a crash between save and upload, and credentials that never leak."""

import datetime
import hashlib
import json
import logging

import pytest
from django.db import connection
from django.utils import timezone

from integrasi.models import SiasnRecord, SiasnSendLog, SiasnTrainingType
from integrasi.siasn import client as siasn_client
from integrasi.siasn.services import SEND_TASK, siasn_record_send, siasn_sweep
from kursus.models import CourseCategory, Enrollment
from kursus.services import enrollment_create
from lms.core.models import OutboxMessage
from lms.organisasi.models import Employee
from sertifikat.models import Certificate

from ..concurrency import run_at_once
from ..factories import EmployeeFactory, make_course
from ..program_factories import make_programme
from .fake_siasn import CREDENTIALS
from .siasn_fixtures import *  # noqa: F403
from .siasn_fixtures import PDF, issue_and_run, issued_certificate, make_due

pytestmark = pytest.mark.django_db

S = SiasnRecord.Status


# The happy path


def test_a_completion_is_saved_with_the_documented_fields_and_its_certificate_uploaded(
    fake, asn, course, mapped, django_capture_on_commit_callbacks
):
    # when a PNS's certificate is issued (the send runs after the commit)
    cert = issue_and_run(asn, course, django_capture_on_commit_callbacks)

    # then the record is sent
    record = SiasnRecord.objects.get(user=asn.user, subject=course)
    assert record.status == S.SENT, record.reason
    assert record.certificate_id == cert.pk
    assert record.document_uploaded and record.siasn_record_id == "rw-1"
    person = fake.persons[asn.nip]
    assert record.pns_orang_id == person
    # the person was found by NIP, then one save with the documented fields and date format
    assert [r.path for r in fake.calls("/pns/data-utama/")] == [
        f"/apisiasn/1.0/pns/data-utama/{asn.nip}"
    ]
    (save,) = fake.saved
    assert save.json == {
        "instansiId": "A5EB03E23BFBF6A0E040640A040252AD",
        "institusiPenyelenggara": "Bawaslu RI",
        "jenisDiklatId": "8",
        "jenisKursus": "",
        "jenisKursusSertipikat": "Bimbingan Teknis",
        "jumlahJam": 12,
        "lokasiId": "A5EB03E2-LOKASI",
        "namaKursus": "Pengawasan Tahapan Kampanye",
        "nomorSertipikat": cert.number,
        "pnsOrangId": person,
        "tahunKursus": 2026,
        "tanggalKursus": "14-03-2026",  # no enrolment here: the completion day
        "tanggalSelesaiKursus": "14-03-2026",
    }
    # both tokens on every API call
    for call in fake.calls("/"):
        assert call.headers["Authorization"].startswith("Bearer gateway-")
        assert call.headers["Auth"].startswith("bearer sso-")
    assert fake.token_requests == {"gateway": 1, "sso": 1}
    # the signed PDF attached to the new record as document 881
    (upload,) = fake.uploads
    assert upload["id_riwayat"] == "rw-1" and upload["id_ref_dokumen"] == "881"
    assert upload["file"] == (f"sertifikat-{cert.code}.pdf", PDF)
    # one audit row per call, the document by name and digest only
    logs = list(record.logs.order_by("at", "pk"))
    assert [(log.step, log.outcome, log.status_code) for log in logs] == [
        ("person", "ok", 200),
        ("save", "ok", 200),
        ("upload", "ok", 200),
    ]
    assert logs[1].request == save.json
    assert logs[2].request["file"] == {
        "name": f"sertifikat-{cert.code}.pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }
    assert "rwKursusId" in logs[1].response_excerpt
    assert logs[0].response_excerpt == ""  # the person's data from SIASN is not kept


def test_a_course_starts_on_the_enrolment_day(
    fake, asn, course, mapped, django_capture_on_commit_callbacks
):
    enrollment_create(user=asn.user, course=course)
    Enrollment.objects.filter(user=asn.user, course=course).update(
        enrolled_at=datetime.datetime(2026, 2, 20, 9, 0, tzinfo=datetime.UTC)
    )
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    (save,) = fake.saved
    assert (save.json["tanggalKursus"], save.json["tanggalSelesaiKursus"]) == (
        "20-02-2026",
        "14-03-2026",
    )


def test_tokens_are_reused_across_sends(fake, asn, mapped, django_capture_on_commit_callbacks):
    for code in ("SIA-11", "SIA-12"):
        issue_and_run(asn, make_course(code, modules=(1,)), django_capture_on_commit_callbacks)
    assert SiasnRecord.objects.filter(status=S.SENT).count() == 2
    assert fake.token_requests == {"gateway": 1, "sso": 1}


def test_a_programme_completion_uses_the_programme_row_and_the_run_dates(
    fake, asn, django_capture_on_commit_callbacks
):
    SiasnTrainingType.objects.create(
        applies_to="programme", jenis_diklat_id="3", label="Diklat Teknis"
    )
    programme = make_programme()
    issue_and_run(
        asn,
        programme,
        django_capture_on_commit_callbacks,
        period_start=datetime.date(2026, 2, 2),
        period_end=datetime.date(2026, 2, 27),
        completed_on=datetime.date(2026, 3, 1),
        edition="Angkatan I",
    )
    record = SiasnRecord.objects.get(subject=programme)
    assert record.status == S.SENT, record.reason
    (save,) = fake.saved
    assert (save.json["jenisDiklatId"], save.json["jenisKursusSertipikat"]) == (
        "3",
        "Diklat Teknis",
    )
    assert (save.json["tanggalKursus"], save.json["tanggalSelesaiKursus"]) == (
        "02-02-2026",
        "27-02-2026",
    )
    assert save.json["jumlahJam"] == programme.jp


# Tokens


def test_a_token_refused_on_the_second_call_is_renewed_once(
    fake, asn, course, mapped, django_capture_on_commit_callbacks
):
    # given tokens that SIASN accepts for one call only
    fake.token_life_calls = 1
    # when
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    # then each refused call was made again once with fresh tokens, and all went through
    record = SiasnRecord.objects.get()
    assert record.status == S.SENT, record.reason
    assert len(fake.records[record.pns_orang_id]) == 1 and len(fake.uploads) == 1
    assert len(fake.saved) == 2  # the refused one, then the one with fresh tokens
    assert fake.token_requests == {"gateway": 3, "sso": 3}


def test_expired_tokens_are_renewed_for_the_next_send(
    fake, asn, mapped, django_capture_on_commit_callbacks
):
    issue_and_run(asn, make_course("SIA-21", modules=(1,)), django_capture_on_commit_callbacks)
    fake.expire_tokens()
    issue_and_run(asn, make_course("SIA-22", modules=(1,)), django_capture_on_commit_callbacks)
    assert SiasnRecord.objects.filter(status=S.SENT).count() == 2
    assert fake.token_requests == {"gateway": 2, "sso": 2}


def test_tokens_refused_even_when_fresh_mean_a_retry_later(
    fake, asn, course, mapped, django_capture_on_commit_callbacks
):
    fake.answer("/kursus/save", 401, {"message": "Invalid Credentials"}, times=2)
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get()
    assert record.status == S.QUEUED
    assert "menolak token" in record.reason
    assert not fake.records.get(record.pns_orang_id)


# SIASN down, slow or refusing


def test_a_5xx_is_retried_later_then_sent_once(
    fake, asn, course, mapped, django_capture_on_commit_callbacks
):
    # given SIASN answers the save with a 503 once
    fake.answer("/kursus/save", 503, {"message": "Service Unavailable"})
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get()
    # then the record waits for its next attempt, written as a delayed outbox message
    assert record.status == S.QUEUED and record.attempts == 1
    assert "503" in record.reason and "Dicoba lagi" in record.reason
    assert record.next_attempt_at > timezone.now() + datetime.timedelta(minutes=4)
    retry = OutboxMessage.objects.filter(task=SEND_TASK, sent_at=None).get()
    assert retry.args == [record.pk]
    assert retry.available_at >= record.next_attempt_at
    # a message arriving early does nothing
    assert siasn_record_send(record_id=record.pk).status == ""
    # when the attempt is due
    make_due(record)
    result = siasn_record_send(record_id=record.pk)
    # then it is sent, saved once
    assert result.status == S.SENT
    assert len(fake.records[record.pns_orang_id]) == 1
    assert [log.outcome for log in record.logs.order_by("at", "pk")] == [
        "ok",  # person
        "retry",  # save: 503
        "ok",  # lookup (the 503 might have saved it)
        "ok",  # save
        "ok",  # upload
    ]


def test_a_save_answered_too_late_is_not_saved_again(
    fake, asn, course, mapped, django_capture_on_commit_callbacks
):
    # given SIASN saves the record but answers after the client's timeout
    fake.delay("/kursus/save", 4)
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get()
    assert record.status == S.QUEUED and record.save_unconfirmed
    assert "batas waktu" in record.reason
    # when the retry comes
    make_due(record)
    assert siasn_record_send(record_id=record.pk).status == S.SENT
    # then it found the saved record among the person's and only uploaded the certificate
    record.refresh_from_db()
    assert len(fake.saved) == 1
    assert len(fake.records[record.pns_orang_id]) == 1
    assert record.siasn_record_id == fake.records[record.pns_orang_id][0]["id"]
    assert [u["id_riwayat"] for u in fake.uploads] == [record.siasn_record_id]


def test_siasn_unreachable_fails_for_good_after_the_last_attempt(
    settings, fake, asn, course, mapped, django_capture_on_commit_callbacks
):
    settings.LMS_SIASN_MAX_ATTEMPTS = 2
    fake.answer("/pns/data-utama/", 502, {"message": "Bad Gateway"}, times=5)
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get()
    assert record.status == S.QUEUED
    make_due(record)
    siasn_record_send(record_id=record.pk)
    record.refresh_from_db()
    assert record.status == S.FAILED and record.attempts == 2
    assert "502" in record.reason and "2 kali" in record.reason
    assert not fake.saved


def test_no_connection_is_a_retry_too(
    settings, fake, asn, course, mapped, django_capture_on_commit_callbacks
):
    settings.LMS_SIASN_BASE_URL = "http://127.0.0.1:9/apisiasn/1.0"  # nothing listens there
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get()
    assert record.status == S.QUEUED and "Tidak dapat terhubung" in record.reason


@pytest.mark.parametrize(
    ("status", "body", "shown"),
    [
        (
            422,
            {"success": False, "message": "tanggalKursus tidak valid"},
            "tanggalKursus tidak valid",
        ),
        (400, {"message": "jenisDiklatId wajib diisi"}, "jenisDiklatId wajib diisi"),
        (200, {"success": False, "message": "Data kursus sudah ada"}, "Data kursus sudah ada"),
    ],
)
def test_a_validation_error_needs_correction_and_is_not_retried(
    fake, asn, course, mapped, django_capture_on_commit_callbacks, status, body, shown
):
    fake.answer("/kursus/save", status, body)
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get()
    assert record.status == S.NEEDS_FIX
    assert shown in record.reason
    assert not record.save_unconfirmed and not record.siasn_record_id
    assert not OutboxMessage.objects.filter(task=SEND_TASK, sent_at=None).exists()
    assert record.logs.filter(step="save", outcome="rejected").count() == 1


def test_a_nip_unknown_to_siasn_needs_correction(
    fake, org_tree, course, mapped, django_capture_on_commit_callbacks
):
    stranger = EmployeeFactory(employment_type=Employee.EmploymentType.PPPK)
    issue_and_run(stranger, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get()
    assert record.status == S.NEEDS_FIX
    assert "404" in record.reason
    assert not fake.saved


def test_an_unmapped_category_needs_correction_before_any_call(
    fake, asn, course, django_capture_on_commit_callbacks
):
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get()
    assert record.status == S.NEEDS_FIX
    assert "belum diatur" in record.reason
    category = CourseCategory.objects.get(slug="ikp").name
    assert f"\u201c{category}\u201d" in record.reason
    assert fake.received == []
    assert not record.logs.exists()


# Exactly once


def test_the_job_running_twice_sends_once(
    fake, asn, course, mapped, django_capture_on_commit_callbacks
):
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get()
    # a redelivered message, and the sweeper
    assert siasn_record_send(record_id=record.pk).status == ""
    with django_capture_on_commit_callbacks(execute=True):
        siasn_sweep()
    assert len(fake.saved) == 1 and len(fake.uploads) == 1


def test_a_reissued_certificate_keeps_the_one_record(
    fake, asn, course, mapped, django_capture_on_commit_callbacks
):
    first = issue_and_run(asn, course, django_capture_on_commit_callbacks)
    Certificate.objects.filter(pk=first.pk).update(status=Certificate.Status.REPLACED)
    second = issue_and_run(asn, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get()
    assert record.certificate_id == second.pk
    assert OutboxMessage.objects.filter(task=SEND_TASK).count() == 1
    assert len(fake.saved) == 1


class WorkerKilled(BaseException):
    """What a killed worker looks like from the inside: nothing after it runs."""


def test_a_crash_between_save_and_upload_does_not_save_again(
    fake, asn, course, mapped, monkeypatch, django_capture_on_commit_callbacks
):
    # given the worker dies right after SIASN saved the record
    real_upload = siasn_client.SiasnClient.document_upload

    def die(self, **kwargs):
        raise WorkerKilled

    monkeypatch.setattr(siasn_client.SiasnClient, "document_upload", die)
    with pytest.raises(WorkerKilled):
        issue_and_run(asn, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get()
    assert record.status == S.SENDING and record.siasn_record_id == "rw-1"
    # while its lease runs, nothing else may take it
    assert siasn_record_send(record_id=record.pk).status == ""
    # when the lease has run out, the sweeper sends it again
    monkeypatch.setattr(siasn_client.SiasnClient, "document_upload", real_upload)
    SiasnRecord.objects.filter(pk=record.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert siasn_sweep() == 1
    # then only the upload was made: one save in all
    record.refresh_from_db()
    assert record.status == S.SENT and record.attempts == 2
    assert len(fake.saved) == 1
    assert [u["id_riwayat"] for u in fake.uploads] == ["rw-1"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_two_workers_at_once_send_once(fake, asn, course, mapped, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("a race of connections: PostgreSQL (SQLite serialises every write)")
    # given a queued record whose message is held back (here the commit would run it)
    with monkeypatch.context() as patch:
        patch.setattr("integrasi.siasn.services._queue", lambda *a, **k: None)
        issued_certificate(asn, course)
    record = SiasnRecord.objects.get()
    fake.delay("/kursus/save", 0.2)  # widen the window
    results = []
    # when four workers take its message at the same moment
    run_at_once(lambda: results.append(siasn_record_send(record_id=record.pk).status), [()] * 4)
    # then one sent it, the others found it taken
    assert sorted(results) == ["", "", "", S.SENT], SiasnRecord.objects.get().reason
    assert len(fake.saved) == 1 and len(fake.uploads) == 1


# Who is queued


def test_the_connector_off_queues_nothing(
    settings, fake, asn, course, mapped, django_capture_on_commit_callbacks
):
    settings.LMS_SIASN_ENABLED = False
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    assert not SiasnRecord.objects.exists()
    assert not OutboxMessage.objects.filter(task=SEND_TASK).exists()
    assert fake.received == []


@pytest.mark.parametrize("kind", ["non_asn", "ad_hoc"])
def test_non_asn_are_never_queued(
    fake, org_tree, course, mapped, kind, django_capture_on_commit_callbacks
):
    other = EmployeeFactory(employment_type=kind, nip=None)
    issue_and_run(other, course, django_capture_on_commit_callbacks)
    assert not SiasnRecord.objects.exists()
    assert not OutboxMessage.objects.filter(task=SEND_TASK).exists()


def test_a_fault_in_queueing_never_costs_the_certificate(
    fake, asn, course, mapped, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("integrasi.siasn.receivers.siasn_record_queue", broken)
    cert = issue_and_run(asn, course, django_capture_on_commit_callbacks)
    assert Certificate.objects.filter(pk=cert.pk, status="issued").exists()


# Secrets


def test_credentials_and_tokens_never_reach_logs_rows_or_queue(
    fake, asn, mapped, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    issued_tokens = []
    issue = fake._issue

    def remember(kind):
        body = issue(kind)
        issued_tokens.append(body["access_token"])
        return body

    monkeypatch.setattr(fake, "_issue", remember)
    # a send that works, one with a 5xx echoing the request's headers, one with a token
    # refused, and one with the SSO refusing a password it repeats back
    fake.answer("/kursus/save", 500, {"message": "boom"})
    issue_and_run(asn, make_course("SIA-31", modules=(1,)), django_capture_on_commit_callbacks)
    issue_and_run(asn, make_course("SIA-32", modules=(1,)), django_capture_on_commit_callbacks)
    fake.answer("/kursus/save", 401, {"message": "token ditolak"}, times=2)
    issue_and_run(asn, make_course("SIA-33", modules=(1,)), django_capture_on_commit_callbacks)
    siasn_client.tokens_forget()
    monkeypatch.setenv("LMS_SIASN_SSO_PASSWORD", "sandi-salah-77xq")
    issue_and_run(asn, make_course("SIA-34", modules=(1,)), django_capture_on_commit_callbacks)
    assert SiasnRecord.objects.filter(status=S.SENT).count() >= 1
    assert SiasnRecord.objects.filter(reason__contains="token SSO").exists()
    # then no secret anywhere
    rows = json.dumps(
        [
            *SiasnRecord.objects.values(),
            *SiasnSendLog.objects.values(),
            *OutboxMessage.objects.values("task", "args", "last_error"),
        ],
        default=str,
    )
    secrets = [*CREDENTIALS.values(), "sandi-salah-77xq", *issued_tokens]
    assert issued_tokens
    for secret in secrets:
        assert secret not in rows
        assert secret not in caplog.text
    for message in OutboxMessage.objects.filter(task=SEND_TASK):
        assert all(isinstance(arg, int) for arg in message.args)


def test_error_text_is_masked(fake, monkeypatch):
    monkeypatch.setenv("LMS_SIASN_SSO_PASSWORD", "sandi-operator-5d9a2b")
    error = siasn_client.SiasnUnavailable("login gagal: sandi-operator-5d9a2b")
    assert "sandi-operator-5d9a2b" not in str(error) and "***" in str(error)
