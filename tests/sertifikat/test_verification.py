from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from sertifikat import services
from sertifikat.models import Certificate, VerificationLog
from sertifikat.selectors import nip_mask

pytestmark = pytest.mark.django_db


def test_a_valid_certificate_shows_its_frozen_details(client, issued):
    response = client.get(f"/sertifikat/verifikasi/{issued.code}/", REMOTE_ADDR="10.1.2.3")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sertifikat ini sah dan berlaku." in page
    for text in (
        issued.number,
        issued.full_name,
        nip_mask(issued.nip),
        "SRT-01",
        "Pengawasan Kampanye Pemilu",
    ):
        assert text in page
    log = VerificationLog.objects.get()
    assert (log.query, log.result, log.channel, log.client_address, log.certificate) == (
        issued.code,
        "valid",
        "page",
        "10.1.2.3",
        issued,
    )


def test_the_form_accepts_a_typed_code(client, issued):
    typed = issued.code.lower().replace("-", " ")
    assert "sah dan berlaku" in client.get("/sertifikat/verifikasi/", {"q": typed}).content.decode()
    assert client.get("/sertifikat/verifikasi/").status_code == 200  # the empty form
    assert VerificationLog.objects.count() == 1


def _result_card(page: str) -> str:
    start = page.index('class="card verify-result')
    return page[start : page.index("</div>", start)]


def test_the_sequential_number_finds_nothing(client, issued):
    # given: a certificate whose number follows a guessable sequence
    assert issued.number.startswith("00001/SERT/")

    # when someone looks it up by that number, on the page and in the API
    by_number = client.get("/sertifikat/verifikasi/", {"q": issued.number})
    wrong_code = client.get("/sertifikat/verifikasi/", {"q": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    api = client.get("/sertifikat/api/verifikasi/", {"q": issued.number})
    api_lower = client.get("/sertifikat/api/verifikasi/", {"q": issued.number.lower()})

    # then it is the same "not found" as a wrong code, with nothing of the certificate in it
    assert by_number.status_code == 404
    page = by_number.content.decode()
    assert "Tidak ditemukan" in page
    assert _result_card(page) == _result_card(wrong_code.content.decode())
    for secret in (issued.code, issued.full_name, issued.nip, nip_mask(issued.nip)):
        assert secret not in page
        assert secret not in api.content.decode()
    assert api.status_code == api_lower.status_code == 404
    assert api.json() == api_lower.json() == {"found": False, "status": "not_found"}
    assert (
        list(VerificationLog.objects.values_list("result", "certificate"))
        == [("not_found", None)] * 4
    )


def test_the_answer_masks_the_nip_and_leaves_out_the_score(client, issued):
    # given: a certificate with a full NIP (birth date, appointment, sex) and a final score
    Certificate.objects.filter(pk=issued.pk).update(
        nip="198603122010031008", final_score=Decimal("87.50")
    )

    # when its code is checked on the page and in the API
    page = client.get(f"/sertifikat/verifikasi/{issued.code}/").content.decode()
    response = client.get(f"/sertifikat/api/verifikasi/{issued.code}/")

    # then the NIP shows only its first four and last two digits, and no score at all
    assert "1986************08" in page
    assert "198603122010031008" not in page
    assert "Nilai akhir" not in page and "87.5" not in page and "87,5" not in page
    data = response.json()
    assert data["nip"] == "1986************08"
    assert "198603122010031008" not in response.content.decode()
    assert "final_score" not in data and "87.5" not in response.content.decode()
    assert (data["name"], data["number"], data["jp"], data["status"]) == (
        issued.full_name,
        issued.number,
        6,
        "valid",
    )


@pytest.mark.parametrize(
    "nip, masked",
    [
        ("198603122010031008", "1986************08"),
        ("1234567", "1234*67"),
        ("123456", "******"),
        ("", ""),
    ],
)
def test_nip_mask(nip, masked):
    assert nip_mask(nip) == masked


def test_a_revoked_certificate_says_when_and_why(client, issued, admin_lms):
    services.certificate_revoke(
        certificate=issued, reason="Data kelulusan tidak sah.", by=admin_lms
    )
    page = client.get(f"/sertifikat/verifikasi/{issued.code}/").content.decode()
    assert "telah dicabut pada" in page
    assert "Data kelulusan tidak sah." in page
    assert "sah dan berlaku" not in page
    data = client.get(f"/sertifikat/api/verifikasi/{issued.code}/").json()
    assert data["status"] == "revoked"
    assert data["revoked_reason"] == "Data kelulusan tidak sah."
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED
    assert default_storage.exists(issued.pdf.name)  # nothing is deleted


def test_a_replaced_certificate_links_to_the_new_one(
    client, issued, admin_lms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_reissue(
            certificate=issued,
            reason="Perbaikan ejaan nama.",
            by=admin_lms,
            corrections={"full_name": "Nama Yang Benar"},
        )
    new.refresh_from_db()
    assert new.status == Certificate.Status.ISSUED
    assert new.number != issued.number and new.code != issued.code
    assert new.full_name == "Nama Yang Benar"
    assert new.completed_on == issued.completed_on

    page = client.get(f"/sertifikat/verifikasi/{issued.code}/").content.decode()
    assert "telah diganti dengan sertifikat baru" in page
    assert f"/sertifikat/verifikasi/{new.code}/" in page
    data = client.get(f"/sertifikat/api/verifikasi/{issued.code}/").json()
    assert data["status"] == "replaced"
    assert data["replaced_by"]["number"] == new.number
    assert data["replaced_by"]["url"].endswith(f"/sertifikat/verifikasi/{new.code}/")
    assert client.get(f"/sertifikat/api/verifikasi/{new.code}/").json()["name"] == "Nama Yang Benar"
    assert Certificate.objects.count() == 2  # the old one stays


def test_an_unknown_code_is_plainly_not_found(client, issued):
    response = client.get("/sertifikat/verifikasi/ZZZZ-ZZZZ-ZZZZ-ZZZZ/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Tidak ditemukan" in page
    assert issued.full_name not in page
    api = client.get("/sertifikat/api/verifikasi/ZZZZ-ZZZZ-ZZZZ-ZZZZ/")
    assert api.status_code == 404
    assert api.json() == {"found": False, "status": "not_found"}
    assert list(VerificationLog.objects.values_list("result", flat=True)) == [
        "not_found",
        "not_found",
    ]


def test_a_pending_certificate_is_not_shown_as_valid(client, learner, course):
    from .conftest import complete_course, issue

    cert = issue(complete_course(learner, course))
    assert cert.status == Certificate.Status.PENDING
    assert client.get(f"/sertifikat/api/verifikasi/{cert.code}/").json()["found"] is False


def test_the_json_answer_carries_the_frozen_details(client, issued):
    data = client.get(f"/sertifikat/api/verifikasi/{issued.code}/").json()
    assert data["found"] is True
    assert data["status"] == "valid"
    assert (data["number"], data["name"], data["course_code"], data["jp"]) == (
        issued.number,
        issued.full_name,
        "SRT-01",
        6,
    )
    assert data["sha256"] == issued.sha256
    by_query = client.get("/sertifikat/api/verifikasi/", {"q": issued.code.lower()}).json()
    assert by_query["code"] == issued.code


def test_verification_is_rate_limited_per_client(client, issued, settings):
    settings.LMS_CERT_VERIFY_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert (
            client.get(f"/sertifikat/verifikasi/{issued.code}/", REMOTE_ADDR="10.0.0.1").status_code
            == 200
        )
    limited = client.get(f"/sertifikat/verifikasi/{issued.code}/", REMOTE_ADDR="10.0.0.1")
    assert limited.status_code == 429
    assert "Terlalu banyak" in limited.content.decode()
    assert (
        client.get(f"/sertifikat/api/verifikasi/{issued.code}/", REMOTE_ADDR="10.0.0.1").status_code
        == 429
    )
    # another client is not affected
    assert (
        client.get(f"/sertifikat/verifikasi/{issued.code}/", REMOTE_ADDR="10.0.0.2").status_code
        == 200
    )
    assert VerificationLog.objects.count() == 4


def test_behind_a_proxy_the_forwarded_address_is_used(client, issued, settings):
    settings.LMS_TRUSTED_PROXY_COUNT = 1
    client.get(
        f"/sertifikat/verifikasi/{issued.code}/",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert VerificationLog.objects.get().client_address == "203.0.113.9"


def test_admin_lms_reads_the_verification_log(client, issued, admin_lms, learner):
    client.get(f"/sertifikat/verifikasi/{issued.code}/")
    client.force_login(admin_lms)
    listing = client.get("/admin/log-verifikasi/")
    assert listing.status_code == 200
    assert issued.code in listing.content.decode()
    client.force_login(learner)
    assert client.get("/admin/log-verifikasi/").status_code in (302, 403)
