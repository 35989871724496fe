import io
import zipfile

import pytest
from django.urls import reverse

from sertifikat.models import Certificate, CertificateArchive, CertificateTemplate

pytestmark = pytest.mark.django_db


def test_admin_previews_a_template_as_a_pdf_with_sample_data(client, admin_lms):
    template = CertificateTemplate.objects.get(is_default=True)
    client.force_login(admin_lms)

    response = client.get(reverse("sertifikat_admin:template_preview", args=[template.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    listing = client.get("/admin/snippets/sertifikat/certificatetemplate/").content.decode()
    assert reverse("sertifikat_admin:template_preview", args=[template.pk]) in listing


def test_a_learner_cannot_preview_or_manage(client, learner, issued):
    client.force_login(learner)
    template = CertificateTemplate.objects.get(is_default=True)
    assert client.get(
        reverse("sertifikat_admin:template_preview", args=[template.pk])
    ).status_code in (302, 403)
    assert client.get(reverse("sertifikat_admin:detail", args=[issued.pk])).status_code in (
        302,
        403,
    )
    assert client.post(
        reverse("sertifikat_admin:revoke", args=[issued.pk]), {"reason": "x"}
    ).status_code in (302, 403)
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED


def test_admin_revokes_with_a_reason(client, admin_lms, issued):
    client.force_login(admin_lms)
    response = client.post(
        reverse("sertifikat_admin:revoke", args=[issued.pk]), {"reason": "Pelanggaran integritas."}
    )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED
    assert issued.revoked_by == admin_lms
    detail = client.get(reverse("sertifikat_admin:detail", args=[issued.pk])).content.decode()
    assert "Pelanggaran integritas." in detail


def test_admin_reissues_from_the_corrected_profile(
    client, admin_lms, issued, django_capture_on_commit_callbacks
):
    employee = issued.user.employee
    employee.full_name = "Nama Sudah Dibetulkan"
    employee.save()
    client.force_login(admin_lms)
    form = client.get(reverse("sertifikat_admin:reissue", args=[issued.pk])).content.decode()
    assert "Nama Sudah Dibetulkan" in form  # prefilled from the profile as it is now

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sertifikat_admin:reissue", args=[issued.pk]),
            {
                "full_name": "Nama Sudah Dibetulkan",
                "nip": employee.nip,
                "position": employee.position,
                "unit_name": employee.unit.name,
                "reason": "Perbaikan ejaan nama.",
            },
        )

    assert response.status_code == 302
    issued.refresh_from_db()
    new = issued.replaced_by
    assert issued.status == Certificate.Status.REPLACED
    assert new.status == Certificate.Status.ISSUED
    assert new.full_name == "Nama Sudah Dibetulkan"


def test_failed_certificates_show_their_error_to_admin(client, admin_lms, issued):
    Certificate.objects.filter(pk=issued.pk).update(
        status=Certificate.Status.FAILED, error="OSError: disk penuh"
    )
    client.force_login(admin_lms)
    assert (
        "disk penuh"
        in client.get(reverse("sertifikat_admin:detail", args=[issued.pk])).content.decode()
    )
    assert "disk penuh" in client.get(reverse("sertifikat_admin:bulk")).content.decode()
    assert client.get("/admin/sertifikat/").status_code == 200


def test_bulk_regenerate_by_course_renders_again_with_the_same_number(
    client, admin_lms, issued, django_capture_on_commit_callbacks
):
    old_file, number = issued.pdf.name, issued.number
    client.force_login(admin_lms)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("sertifikat_admin:bulk"),
            {"action": "regenerate", "regen-subject": issued.subject_id},
        )
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED
    assert issued.generation == 2
    assert issued.number == number
    assert issued.pdf.name != old_file
    from django.core.files.storage import default_storage

    assert default_storage.exists(old_file)  # the earlier file is kept


def test_zip_of_a_unit_subtree_is_built_by_a_job_with_progress(
    client, admin_lms, issued, django_capture_on_commit_callbacks
):
    client.force_login(admin_lms)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sertifikat_admin:bulk"), {"action": "archive", "zip-unit": "32"}
        )
    archive = CertificateArchive.objects.get()
    assert response.status_code == 302
    status = client.get(reverse("sertifikat_admin:archive_status", args=[archive.pk])).json()
    assert status["finished"] is True
    assert (status["done"], status["total"], status["progress"]) == (1, 1, 100)
    download = client.get(reverse("sertifikat_admin:archive_download", args=[archive.pk]))
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as zf:
        (name,) = zf.namelist()
        assert name.startswith(issued.number.replace("/", "_"))
        assert zf.read(name).startswith(b"%PDF")


def test_zip_of_another_unit_holds_nothing_of_it(
    client, admin_lms, issued, django_capture_on_commit_callbacks
):
    client.force_login(admin_lms)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sertifikat_admin:bulk"), {"action": "archive", "zip-unit": "33"})
    archive = CertificateArchive.objects.get()
    assert (archive.status, archive.total) == ("done", 0)
