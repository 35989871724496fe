"""The learner's dashboard is cached per learner: every change to their certificates, by the
worker or by Admin LMS, shows on the next request."""

import pytest

from sertifikat import services
from sertifikat.models import Certificate

from .conftest import complete_course

pytestmark = pytest.mark.django_db


def dashboard(client) -> str:
    response = client.get("/dasbor/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_shows_the_certificate_once_the_worker_issued_it(client, learner, course):
    client.force_login(learner)
    complete_course(learner, course)
    assert "Sedang disiapkan" in dashboard(client)

    cert = Certificate.objects.get(user=learner, subject=course)
    services.certificate_render(certificate_id=cert.pk, generation=cert.generation)

    page = dashboard(client)
    assert "Unduh PDF" in page
    assert "Sedang disiapkan" not in page


def test_the_dashboard_follows_a_failure_regeneration_and_revocation(
    client, learner, course, admin_lms
):
    client.force_login(learner)
    complete_course(learner, course)
    cert = Certificate.objects.get(user=learner, subject=course)
    dashboard(client)

    services.certificate_mark_failed(
        certificate_id=cert.pk, generation=cert.generation, error=RuntimeError("font hilang")
    )
    page = dashboard(client)
    assert "Gagal" in page
    assert "Pembuatan sertifikat gagal; Admin LMS" in page
    assert "Sedang disiapkan" not in page
    assert "menunggu nomor" not in page  # it gets none until Admin LMS retries it

    services.certificate_regenerate(certificates=Certificate.objects.filter(pk=cert.pk))
    assert "Sedang disiapkan" in dashboard(client)

    cert.refresh_from_db()
    services.certificate_render(certificate_id=cert.pk, generation=cert.generation)
    assert "Unduh PDF" in dashboard(client)

    services.certificate_revoke(certificate=cert, reason="Tidak sah.", by=admin_lms)
    page = dashboard(client)
    assert "Lihat alasan" in page
    assert "Unduh PDF" not in page
