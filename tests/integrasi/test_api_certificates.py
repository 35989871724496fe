"""Certificates through the API: metadata and status by code or number, the signed PDF of an
issued one (as the owner's download serves it), 410 for a revoked one, 409 while it is being
made, and nothing of a person outside the client's unit scope."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from sertifikat.models import Certificate
from sertifikat.services import CertificateFacts, certificate_request, certificate_revoke

from ..factories import make_course
from ..sertifikat import conftest as certificate_fixtures
from .learning_helpers import get, ids, people, queries_of

pytestmark = pytest.mark.django_db

# The certificates' own fixtures: the signing key (autouse), a course, a certificate issued
# end to end (eager Celery renders and signs it).
signing_key_file = certificate_fixtures.signing_key_file
signing_key = certificate_fixtures.signing_key
course = certificate_fixtures.course
issued = certificate_fixtures.issued
complete_course = certificate_fixtures.complete_course

URL = "/api/v1/certificates/"


@pytest.fixture
def jabar(make_service_client):
    return make_service_client("32")[1]


def pending_for(user, subject) -> Certificate:
    return certificate_request(
        user=user,
        subject=subject,
        facts=CertificateFacts(
            code=subject.code, title=subject.title, jp=4, completed_at=timezone.now()
        ),
        enqueue=False,
    )


def test_metadata_by_code_or_number(client, jabar, issued, settings):
    by_code = get(client, f"{URL}{issued.code}", jabar)
    typed = get(client, f"{URL}{issued.code.replace('-', '').lower()}", jabar)
    by_number = get(client, f"{URL}{issued.number}", jabar)

    assert "/" in issued.number
    assert by_code.status_code == typed.status_code == by_number.status_code == 200
    body = by_code.json()
    assert body == typed.json() == by_number.json()
    assert (body["id"], body["code"], body["number"]) == (issued.pk, issued.code, issued.number)
    assert body["status"] == "issued"
    assert body["kind"] == "course"
    assert (body["subject_code"], body["jp"]) == ("SRT-01", 6)
    assert body["nip"] == issued.user.employee.nip
    assert body["unit_code"] == "32.04"
    assert body["sha256"] == issued.sha256
    assert body["verification_url"] == (
        settings.WAGTAILADMIN_BASE_URL.rstrip("/") + f"/sertifikat/verifikasi/{issued.code}/"
    )
    assert body["pdf_url"] == f"/api/v1/certificates/{issued.code}/pdf"


def test_the_pdf_of_an_issued_certificate_is_its_stored_signed_file(client, jabar, issued):
    response = get(client, f"{URL}{issued.code}/pdf", jabar)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert issued.number.replace("/", "-") in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert body == default_storage.open(issued.pdf.name).read()


def test_a_revoked_certificate_keeps_its_metadata_but_its_pdf_is_gone(
    client, jabar, issued, admin_lms
):
    certificate_revoke(certificate=issued, reason="Nilai salah dimasukkan", by=admin_lms)

    pdf = get(client, f"{URL}{issued.code}/pdf", jabar)
    meta = get(client, f"{URL}{issued.code}", jabar).json()

    assert pdf.status_code == 410
    assert pdf["Content-Type"] == "application/problem+json"
    assert pdf.json()["title"] == "Sertifikat dicabut"
    assert pdf.json()["detail"] == "Nilai salah dimasukkan"
    assert meta["status"] == "revoked"
    assert meta["revoked_reason"] == "Nilai salah dimasukkan"
    assert meta["revoked_at"] is not None
    assert meta["pdf_url"] is None


def test_a_pending_certificate_answers_409(client, jabar, learner, course):
    enrollment = complete_course(learner, course)
    cert = Certificate.objects.get(user=learner, subject=enrollment.course)
    assert cert.status == Certificate.Status.PENDING

    response = get(client, f"{URL}{cert.code}/pdf", jabar)

    assert response.status_code == 409
    assert response.json()["title"] == "Sertifikat masih dibuat"
    assert get(client, f"{URL}{cert.code}", jabar).json()["number"] is None


def test_another_units_certificate_is_not_found_by_any_parameter(
    client, make_service_client, issued
):
    jateng = make_service_client("33")[1]
    nip = issued.user.employee.nip

    for path in (issued.code, issued.number, f"{issued.code}/pdf"):
        response = get(client, f"{URL}{path}", jateng)
        assert response.status_code == 404, path
        assert response.json()["title"] == "Tidak ditemukan"
    assert ids(get(client, URL, jateng)) == []
    assert ids(get(client, URL, jateng, nip=nip)) == []
    assert ids(get(client, URL, jateng, status="issued", year=issued.issued_on.year)) == []


def test_the_certificate_follows_its_owner_to_another_unit(
    client, make_service_client, jabar, issued, org_tree
):
    employee = issued.user.employee
    employee.unit = org_tree["33"]
    employee.save()
    jateng = make_service_client("33")[1]

    assert get(client, f"{URL}{issued.code}", jabar).status_code == 404
    assert get(client, f"{URL}{issued.code}", jateng).status_code == 200


def test_list_filters_by_nip_status_year_and_updated_since(
    client, jabar, issued, make_employee, admin_lms
):
    other = make_employee("32")
    waiting = pending_for(other.user, make_course("SRT-02", modules=(1,)))
    year = issued.issued_on.year

    assert ids(get(client, URL, jabar)) == [issued.pk, waiting.pk]
    assert ids(get(client, URL, jabar, nip=other.nip)) == [waiting.pk]
    assert ids(get(client, URL, jabar, status="issued")) == [issued.pk]
    assert ids(get(client, URL, jabar, year=year - 1)) == []
    old = timezone.now() - datetime.timedelta(days=30)
    Certificate.objects.update(created_at=old, issued_at=old)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert ids(get(client, URL, jabar, updated_since=since)) == []
    certificate_revoke(certificate=issued, reason="Ganda", by=admin_lms)
    response = get(client, URL, jabar, updated_since=since)
    assert ids(response) == [issued.pk]
    assert response.json()["items"][0]["updated_at"] == response.json()["items"][0]["revoked_at"]


def test_each_endpoint_needs_records_read(client, make_service_client, issued):
    token = make_service_client("32", scopes=["units_employees:read", "enrolments:write"])[1]

    for path in ("", issued.code, f"{issued.code}/pdf"):
        assert get(client, f"{URL}{path}", token).status_code == 403, path


def test_the_list_runs_as_many_queries_for_50_rows_as_for_5(client, jabar, course):
    for employee in people("32.04", 5):
        pending_for(employee.user, course)
    few, body = queries_of(client, URL, jabar)
    assert len(body["items"]) == 5
    for employee in people("32", 45):
        pending_for(employee.user, course)
    many, body = queries_of(client, URL, jabar)
    assert len(body["items"]) == 50
    assert many == few


def test_the_openapi_document_declares_the_pdf(client):
    doc = client.get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/certificates/{code}/pdf"]["get"]

    assert "application/pdf" in operation["responses"]["200"]["content"]
    assert {"404", "409", "410"} <= set(operation["responses"])
