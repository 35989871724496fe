"""The SIASN connector under the review's cases: a send that outlives its lease, a reissue
while a save is unconfirmed, a certificate being replaced, corrections of a record SIASN
holds already, a programme and its courses in the JP ledger, secrets echoed by a token
endpoint."""

import base64
import datetime
import json
import time
from urllib.parse import urlencode

import pytest
import requests
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from integrasi.models import SiasnRecord, SiasnTrainingType
from integrasi.siasn import client as siasn_client
from integrasi.siasn.services import siasn_record_resend, siasn_record_send
from kursus.models import JPCredit
from kursus.services.jp import jp_credit_programme
from sertifikat.models import Certificate

from ..factories import make_course
from ..program_factories import make_programme
from .siasn_fixtures import *  # noqa: F403
from .siasn_fixtures import issue_and_run, issued_certificate, make_due

pytestmark = pytest.mark.django_db
S = SiasnRecord.Status


def queued_record(asn, subject, monkeypatch) -> SiasnRecord:
    """A record queued for `subject`, its message not sent (the test runs the send)."""
    with monkeypatch.context() as patch:
        patch.setattr("integrasi.siasn.services._queue", lambda *a, **k: None)
        issued_certificate(asn, subject)
    return SiasnRecord.objects.get(subject=subject)


def siasn_hours(fake, asn) -> int:
    return sum(row["jumlahJam"] for row in fake.records.get(fake.persons[asn.nip], []))


# A send that outlived its lease


def test_a_send_that_outlived_its_lease_stops_before_its_save(
    fake, asn, course, mapped, monkeypatch
):
    # given a queued record whose send (worker A) is held up right before its save (a paused
    # worker, slow token requests) longer than the lease; meanwhile the record's lease runs
    # out and worker B takes it and sends it
    record = queued_record(asn, course, monkeypatch)
    real_save = siasn_client.SiasnClient.course_save
    seen = {}

    def held_up_save(self, fields):
        if "b" not in seen:
            seen["b"] = "running"
            SiasnRecord.objects.filter(pk=record.pk).update(
                lease_until=timezone.now() - datetime.timedelta(seconds=1)
            )
            seen["b"] = siasn_record_send(record_id=record.pk).status
        return real_save(self, fields)

    monkeypatch.setattr(siasn_client.SiasnClient, "course_save", held_up_save)
    # when worker A goes on
    result_a = siasn_record_send(record_id=record.pk)
    # then B sent it once, and A stopped without a call or a write
    assert seen["b"] == S.SENT
    assert result_a.status == ""
    assert len(fake.saved) == 1
    record.refresh_from_db()
    assert record.status == S.SENT and record.lease_token is None


def test_a_send_whose_record_was_taken_stops_at_its_next_call(
    fake, asn, course, mapped, monkeypatch
):
    # given a send whose save is patched to find the record taken by another run just before
    record = queued_record(asn, course, monkeypatch)
    real_save = siasn_client.SiasnClient.course_save

    def taken_then_save(self, fields):
        SiasnRecord.objects.filter(pk=record.pk).update(lease_token=None)
        return real_save(self, fields)

    monkeypatch.setattr(siasn_client.SiasnClient, "course_save", taken_then_save)
    # when it runs
    result = siasn_record_send(record_id=record.pk)
    # then nothing was saved in SIASN and the send wrote nothing after losing the record
    assert result.status == ""
    assert fake.saved == []
    assert SiasnRecord.objects.get(pk=record.pk).status == S.SENDING


def test_an_answer_trickling_past_the_call_deadline_is_a_timeout(settings, monkeypatch):
    # given a call deadline of 0.2 s and an answer whose every chunk comes within the read
    # timeout but which as a whole takes longer
    settings.LMS_SIASN_CONNECT_TIMEOUT = 0.1
    settings.LMS_SIASN_READ_TIMEOUT = 0.1

    def trickle(self, chunk_size):
        for chunk in (b"{", b'"a"', b": 1", b"}"):
            time.sleep(0.08)
            yield chunk

    monkeypatch.setattr(requests.Response, "iter_content", trickle)
    response = requests.Response()
    response._content_consumed = True
    # when it is read
    # then it is a timeout, not a slow success
    with pytest.raises(requests.Timeout):
        siasn_client.SiasnClient()._read(response, started=time.monotonic())


# A reissue while a save is unconfirmed


def test_a_reissue_while_a_save_is_unconfirmed_adopts_the_record_saved_with_the_old_number(
    fake, asn, course, mapped, django_capture_on_commit_callbacks
):
    # given SIASN saved the completion but its answer came after the timeout
    fake.delay("/kursus/save", 4)
    first = issue_and_run(asn, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get()
    assert record.status == S.QUEUED and record.save_unconfirmed
    assert record.sent_numbers == [first.number]
    # and HR reissues the certificate (a new number) before the retry
    Certificate.objects.filter(pk=first.pk).update(status=Certificate.Status.REPLACED)
    second = issue_and_run(asn, course, django_capture_on_commit_callbacks)
    record.refresh_from_db()
    assert record.certificate_id == second.pk and second.number != first.number
    # when the retry comes
    make_due(record)
    assert siasn_record_send(record_id=record.pk).status == S.SENT
    # then SIASN holds one record of this completion, the one saved first
    person = fake.persons[asn.nip]
    assert len(fake.records[person]) == 1
    record.refresh_from_db()
    assert record.siasn_record_id == fake.records[person][0]["id"]
    assert record.payload["nomorSertipikat"] == first.number


# A certificate being replaced


def test_a_record_whose_certificate_is_being_replaced_waits_and_goes_with_the_new_one(
    fake, asn, course, mapped, monkeypatch, django_capture_on_commit_callbacks
):
    # given a queued record, and HR reissuing its certificate: the old one is REPLACED at
    # once, the new one still rendering
    record = queued_record(asn, course, monkeypatch)
    first = record.certificate
    Certificate.objects.filter(pk=first.pk).update(status=Certificate.Status.REPLACED)
    # when the due send runs in that window
    result = siasn_record_send(record_id=record.pk)
    # then it waits (retried later), not "needs correction"
    assert result.status == S.QUEUED
    assert "sedang diganti" in result.reason
    assert fake.saved == []
    # and when the new certificate is issued, the completion goes to SIASN with it
    second = issue_and_run(asn, course, django_capture_on_commit_callbacks)
    make_due(record)
    assert siasn_record_send(record_id=record.pk).status == S.SENT
    assert fake.records[fake.persons[asn.nip]][0]["nomorSertipikat"] == second.number


def test_a_record_stopped_before_siasn_had_it_is_queued_again_by_a_new_certificate(
    fake, asn, course, mapped, monkeypatch, django_capture_on_commit_callbacks
):
    # given a record that needs correction and was never saved in SIASN
    record = queued_record(asn, course, monkeypatch)
    Certificate.objects.filter(pk=record.certificate_id).update(status=Certificate.Status.REPLACED)
    SiasnRecord.objects.filter(pk=record.pk).update(status=S.NEEDS_FIX, attempts=10)
    # when the new certificate is issued
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    # then the record is sent without HR having to resend it
    record.refresh_from_db()
    assert record.status == S.SENT, (record.status, record.reason)
    assert record.attempts == 1


# Corrections of a record SIASN holds already


@pytest.fixture
def saved_without_document(fake, asn, course, mapped, django_capture_on_commit_callbacks):
    """A record SIASN saved, whose document it refused."""
    fake.answer("/upload-dok-rw", 400, {"success": False, "message": "dokumen ditolak"})
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get()
    assert record.status == S.NEEDS_FIX and record.siasn_record_id
    return record


def test_a_record_siasn_holds_takes_no_person_or_training_correction(
    fake, saved_without_document, admin_lms
):
    # given a record SIASN holds, and a correction of its person and training type
    record = saved_without_document
    seminar = SiasnTrainingType.objects.create(
        applies_to="programme", jenis_diklat_id="9", label="Seminar"
    )
    other_id = fake.add_person("199001012020121001")
    # when HR resends with them
    # then it is refused, saying the record is corrected in SIASN itself
    for correction in ({"pns_orang_id": other_id}, {"training": seminar}):
        with pytest.raises(ValidationError, match="diperbaiki langsung di SIASN"):
            siasn_record_resend(record=record, by=admin_lms, **correction)
    record.refresh_from_db()
    assert record.status == S.NEEDS_FIX and record.jenis_diklat_id == ""


def test_a_record_siasn_holds_offers_only_uploading_its_document_again(
    client, fake, asn, saved_without_document, admin_lms, django_capture_on_commit_callbacks
):
    # given a record SIASN holds, on its person's page
    record = saved_without_document
    client.force_login(admin_lms)
    page = client.get(reverse("integrasi_siasn:person", args=[asn.user_id])).content.decode()
    # then the page offers only the upload, saying corrections are made in SIASN
    assert "Unggah ulang dokumen" in page
    assert "perbaiki langsung di SIASN" in page
    assert f'name="r{record.pk}-pns_orang_id"' not in page
    # when HR uploads again (a forged person id in the form is ignored)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("integrasi_siasn:resend", args=[record.pk]),
            {f"r{record.pk}-pns_orang_id": "forged"},
        )
    # then the document is uploaded to the record SIASN holds, nothing else changed
    record.refresh_from_db()
    assert record.status == S.SENT and record.document_uploaded
    assert record.pns_orang_id == fake.persons[asn.nip]
    assert len(fake.saved) == 1
    assert fake.uploads[-1]["id_riwayat"] == record.siasn_record_id


# A programme and its courses in the JP ledger


@pytest.fixture
def programme_mapped(db):
    return SiasnTrainingType.objects.create(
        applies_to="programme", jenis_diklat_id="3", label="Diklat Teknis"
    )


def course_credit(asn, course, *, year: int, jp: int) -> JPCredit:
    return JPCredit.objects.create(
        user=asn.user,
        course=course,
        year=year,
        jp=jp,
        completed_at=timezone.make_aware(datetime.datetime(year, 3, 1, 10)),
    )


def pass_programme(asn, programme, courses, *, on: datetime.date) -> JPCredit:
    return jp_credit_programme(
        user=asn.user,
        programme_page=programme,
        jp=programme.jp,
        course_ids=[c.pk for c in courses],
        completed_at=timezone.make_aware(datetime.datetime(on.year, on.month, on.day, 10)),
    )


def test_a_programme_whose_one_course_carries_its_jp_is_not_sent_again(
    fake, asn, course, mapped, programme_mapped, django_capture_on_commit_callbacks
):
    # given a 12-JP programme whose curriculum is one 12-JP course, the course sent
    programme = make_programme(clusters=[("Kluster", [course])], jp=12)
    course_credit(asn, course, year=2026, jp=12)
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    # when the person passes the programme and its certificate is issued
    pass_programme(asn, programme, [course], on=datetime.date(2026, 4, 1))
    issue_and_run(asn, programme, django_capture_on_commit_callbacks)
    # then SIASN has 12 JP, and the programme's record says why it was not sent
    assert siasn_hours(fake, asn) == 12
    record = SiasnRecord.objects.get(subject=programme)
    assert record.status == S.SKIPPED
    assert record.reason == "JP program sudah tercatat lewat kursus-kursusnya."


def test_a_programme_sends_the_jp_its_courses_did_not(
    fake, asn, course, mapped, programme_mapped, django_capture_on_commit_callbacks
):
    # given a 30-JP programme of an 8-JP course completed in 2025 and a 12-JP course of 2026,
    # both sent
    earlier = make_course("SIA-02", modules=(1,), jp=8, title="Dasar Pengawasan")
    programme = make_programme(clusters=[("Kluster", [earlier, course])], jp=30)
    course_credit(asn, earlier, year=2025, jp=8)
    issue_and_run(asn, earlier, django_capture_on_commit_callbacks)
    course_credit(asn, course, year=2026, jp=12)
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    # when the programme is passed in 2026 and its certificate issued
    credit = pass_programme(asn, programme, [earlier, course], on=datetime.date(2026, 4, 1))
    assert credit.jp == 22  # the ledger already leaves out 2025's course
    issue_and_run(asn, programme, django_capture_on_commit_callbacks)
    # then the programme's record carries the rest: SIASN's hours are the programme's JP
    record = SiasnRecord.objects.get(subject=programme)
    assert record.status == S.SENT
    assert record.payload["jumlahJam"] == 10
    assert siasn_hours(fake, asn) == 30


def test_a_course_completed_after_its_programme_was_passed_is_not_sent(
    fake, asn, course, mapped, programme_mapped, django_capture_on_commit_callbacks
):
    # given a programme passed (and sent) before its curriculum's course was completed
    programme = make_programme(clusters=[("Kluster", [course])], jp=12)
    credit = pass_programme(asn, programme, [course], on=datetime.date(2026, 2, 1))
    issue_and_run(asn, programme, django_capture_on_commit_callbacks)
    # when the course is completed afterwards (its credit counted in the programme's)
    later = course_credit(asn, course, year=2026, jp=12)
    JPCredit.objects.filter(pk=later.pk).update(counted_in=credit)
    issue_and_run(asn, course, django_capture_on_commit_callbacks)
    # then SIASN has the programme's 12 JP only, and the course's record says where its JP is
    assert siasn_hours(fake, asn) == 12
    record = SiasnRecord.objects.get(subject=course)
    assert record.status == S.SKIPPED
    assert record.reason == f"JP kursus ini sudah tercatat dalam program {programme.title}."


# Secrets echoed by a token endpoint, and the worker's environment


def test_a_token_endpoint_refusal_reports_only_its_status_and_error_code(fake, monkeypatch):
    # given a token endpoint that echoes the password it was sent, form-encoded
    password = "sandi/operator+5d9a&2b"
    monkeypatch.setenv("LMS_SIASN_SSO_PASSWORD", password)
    echoed = urlencode({"grant_type": "password", "password": password})

    def careless(self, url, **kwargs):
        response = requests.Response()
        response.status_code = 401
        body = {"error": "invalid_grant", "error_description": f"ditolak: {echoed}"}
        response._content = json.dumps(body).encode()
        return response

    monkeypatch.setattr(requests.Session, "post", careless)
    # when the SSO token is asked for
    with pytest.raises(siasn_client.SiasnUnavailable) as caught:
        siasn_client.SiasnClient()._token("sso")
    # then the message has the status and the OAuth error code, nothing of the echo
    assert caught.value.message == "SIASN tidak memberi token SSO (kode 401, invalid_grant)."


def test_secrets_are_masked_in_their_encoded_forms(monkeypatch):
    # given credentials in the environment
    monkeypatch.setenv("LMS_SIASN_CLIENT_ID", "kunci-gateway")
    monkeypatch.setenv("LMS_SIASN_CLIENT_SECRET", 'rahasia/"gw"+1')
    monkeypatch.setenv("LMS_SIASN_SSO_PASSWORD", "sandi/operator+5d9a&2b")
    basic = base64.b64encode(b'kunci-gateway:rahasia/"gw"+1').decode()
    text = " | ".join(
        [
            urlencode({"password": "sandi/operator+5d9a&2b"}),
            "sandi%2Foperator%2B5d9a%262b",
            json.dumps({"secret": 'rahasia/"gw"+1'}),
            f"Basic {basic}",
        ]
    )
    # when a text carrying them is masked
    masked = siasn_client.mask(text)
    # then none of their forms is left
    for leak in ("operator", "5d9a", "rahasia", basic):
        assert leak not in masked, masked


def test_siasn_calls_ignore_the_workers_proxy_environment_unless_told(settings):
    assert siasn_client.SiasnClient().session.trust_env is False
    settings.LMS_SIASN_TRUST_ENV = True
    assert siasn_client.SiasnClient().session.trust_env is True
