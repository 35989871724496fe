"""Staff without TOTP download no certificate: the MFA requirement covers every path."""

import pytest
from django.urls import reverse

from lms.akun.roles import ADMIN_LMS, PENGAJAR, SUPERVISOR

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("unit, role", [("32", SUPERVISOR), ("RI", PENGAJAR), ("RI", ADMIN_LMS)])
def test_staff_without_totp_cannot_download_a_certificate(
    client, issued, make_employee, unit, role
):
    staff = make_employee(unit, role).user
    client.force_login(staff)

    response = client.get(f"/sertifikat/unduh/{issued.code}/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    assert response.get("Content-Type", "").startswith("text/html")


def test_the_same_supervisor_downloads_once_totp_is_on(client, issued, supervisor_jabar):
    client.force_login(supervisor_jabar)

    response = client.get(f"/sertifikat/unduh/{issued.code}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
