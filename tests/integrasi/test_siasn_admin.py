"""HR's SIASN screens: the mapping table, the status per person, a person's records with
their audit rows, and "Perbaiki & kirim ulang"."""

import pytest
from django.urls import reverse

from integrasi.models import SiasnRecord, SiasnTrainingType
from kursus.models import CourseCategory
from lms.organisasi.models import Employee

from ..factories import EmployeeFactory, make_course
from .siasn_fixtures import *  # noqa: F403
from .siasn_fixtures import issue_and_run

pytestmark = pytest.mark.django_db

S = SiasnRecord.Status
STATUS_URL = "/admin/integrasi/siasn/"


@pytest.fixture
def stranger_needing_fix(fake, org_tree, course, mapped, django_capture_on_commit_callbacks):
    """A PPPK whose NIP SIASN does not know: the record needs a correction."""
    employee = EmployeeFactory(employment_type=Employee.EmploymentType.PPPK, full_name="Rina Wati")
    issue_and_run(employee, course, django_capture_on_commit_callbacks)
    record = SiasnRecord.objects.get(user=employee.user)
    assert record.status == S.NEEDS_FIX
    return record


def test_only_admin_lms_sees_the_screens(client, trainer, admin_lms):
    client.force_login(trainer)
    denied = client.get(STATUS_URL)
    assert denied.status_code in (302, 403) and "SIASN" not in denied.content.decode()
    assert client.get(reverse("siasn-jenis-diklat:index")).status_code in (302, 403)
    client.force_login(admin_lms)
    assert client.get(STATUS_URL).status_code == 200
    assert client.get(reverse("siasn-jenis-diklat:index")).status_code == 200


def test_a_banner_says_when_the_connector_is_off(settings, client, admin_lms):
    client.force_login(admin_lms)
    settings.LMS_SIASN_ENABLED = False
    assert "Konektor SIASN tidak aktif" in client.get(STATUS_URL).content.decode()
    settings.LMS_SIASN_ENABLED = True
    assert "Konektor SIASN tidak aktif" not in client.get(STATUS_URL).content.decode()


def test_people_are_searched_by_nip_or_name_and_filtered_by_status_and_unit(
    client,
    admin_lms,
    asn,
    stranger_needing_fix,
    mapped,
    django_capture_on_commit_callbacks,
):
    issue_and_run(asn, make_course("SIA-41", modules=(1,)), django_capture_on_commit_callbacks)
    client.force_login(admin_lms)
    page = client.get(STATUS_URL).content.decode()
    assert asn.full_name in page and "Rina Wati" in page
    page = client.get(STATUS_URL, {"q": asn.nip}).content.decode()
    assert asn.full_name in page and "Rina Wati" not in page
    page = client.get(STATUS_URL, {"q": "rina"}).content.decode()
    assert "Rina Wati" in page and asn.full_name not in page
    page = client.get(STATUS_URL, {"status": "needs_fix"}).content.decode()
    assert "Rina Wati" in page and asn.full_name not in page
    page = client.get(STATUS_URL, {"unit": "32"}).content.decode()  # Jawa Barat, 32.04 below
    assert "Rina Wati" in page
    page = client.get(STATUS_URL, {"unit": "11"}).content.decode()
    assert "Rina Wati" not in page and "Tidak ada pegawai yang cocok" in page


def test_a_person_shows_each_record_with_its_reason_and_audit_rows(
    client, admin_lms, stranger_needing_fix
):
    client.force_login(admin_lms)
    page = client.get(
        reverse("integrasi_siasn:person", args=[stranger_needing_fix.user_id])
    ).content.decode()
    assert "Perlu perbaikan" in page
    assert "tidak ditemukan" in page  # SIASN's answer to the NIP
    assert "Cari pegawai" in page and "Ditolak SIASN" in page
    assert "Perbaiki & kirim ulang" in page


def test_fix_and_resend_sends_with_the_correction(
    client,
    admin_lms,
    fake,
    stranger_needing_fix,
    django_capture_on_commit_callbacks,
):
    # given HR finds the person's id in SIASN and a more fitting training type
    record = stranger_needing_fix
    person_id = fake.add_person("000000000000000000")  # known to SIASN under another NIP
    workshop = SiasnTrainingType.objects.create(
        applies_to="programme", jenis_diklat_id="4", label="Workshop"
    )
    client.force_login(admin_lms)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("integrasi_siasn:resend", args=[record.pk]),
            {f"r{record.pk}-pns_orang_id": person_id, f"r{record.pk}-training": workshop.pk},
        )
    assert response.status_code == 302
    # then it is sent with them, attempts counted afresh
    record.refresh_from_db()
    assert record.status == S.SENT, record.reason
    assert record.attempts == 1 and record.pns_orang_id == person_id
    (save,) = fake.saved
    assert (save.json["pnsOrangId"], save.json["jenisDiklatId"]) == (person_id, "4")
    # and a record sent is not resent
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("integrasi_siasn:resend", args=[record.pk]),
            {f"r{record.pk}-pns_orang_id": person_id},
        )
    assert len(fake.saved) == 1


def test_the_mapping_is_kept_in_the_admin_with_indonesian_errors(client, admin_lms):
    client.force_login(admin_lms)
    category = CourseCategory.objects.get(slug="ikp")
    url = reverse("siasn-jenis-diklat:add")
    data = {
        "applies_to": "category",
        "category": category.pk,
        "jenis_diklat_id": "8",
        "label": "Bimbingan Teknis",
    }
    assert client.post(url, data).status_code == 302
    assert SiasnTrainingType.objects.get().category == category
    again = client.post(url, {**data, "jenis_diklat_id": "3"})
    assert "Kategori ini sudah dipetakan" in again.content.decode()
    missing = client.post(url, {**data, "category": ""})
    assert "Pilih kategori kursus" in missing.content.decode()
    assert SiasnTrainingType.objects.count() == 1


def test_the_screens_read_in_indonesian(settings, client, admin_lms, stranger_needing_fix, mapped):
    from tests.test_admin_language import english_in, visible_text

    settings.LMS_SIASN_ENABLED = False  # with the banner
    client.force_login(admin_lms)
    for url in (
        STATUS_URL,
        reverse("integrasi_siasn:person", args=[stranger_needing_fix.user_id]),
        reverse("siasn-jenis-diklat:index"),
        reverse("siasn-jenis-diklat:add"),
        reverse("siasn-jenis-diklat:edit", args=[mapped.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        assert english_in(text) == [], f"{url} shows: {english_in(text)}"
