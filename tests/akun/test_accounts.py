import pytest
from django.core import mail
from django.urls import reverse

from lms.organisasi.models import Employee

pytestmark = pytest.mark.django_db


def test_login_by_email_and_password(client, learner):
    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": "kata-sandi-uji-123"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == learner


def test_wrong_password_is_refused_in_indonesian(client, learner):
    response = client.post(reverse("account_login"), {"login": learner.email, "password": "salah"})
    assert response.status_code == 200
    assert "tidak benar" in response.content.decode()


def test_login_page_is_in_indonesian_and_styled(client):
    content = client.get(reverse("account_login")).content.decode()
    assert '<html lang="id">' in content
    assert "Masuk" in content
    assert "/static/css/lms.css" in content


def test_signup_is_closed_by_default(client, org_tree):
    response = client.get(reverse("account_signup"))
    assert "ditutup" in response.content.decode().lower()


def test_open_signup_is_limited_to_allowed_domains(client, org_tree, settings):
    settings.LMS_OPEN_SIGNUP = True
    settings.LMS_SIGNUP_EMAIL_DOMAINS = ["bawaslu.go.id"]
    data = {
        "email": "orang@gmail.com",
        "password1": "Pengawas-Pemilu-2026",
        "password2": "Pengawas-Pemilu-2026",
        "full_name": "Orang Luar",
        "employment_type": "non_asn",
        "unit": org_tree["32.04"].pk,
    }
    response = client.post(reverse("account_signup"), data)
    assert "@bawaslu.go.id" in response.content.decode()
    assert not Employee.objects.exists()

    data["email"] = "orang@bawaslu.go.id"
    response = client.post(reverse("account_signup"), data)

    assert response.status_code == 302
    employee = Employee.objects.get(user__email="orang@bawaslu.go.id")
    assert employee.unit.code == "32.04"
    assert employee.user.groups.filter(name="Peserta").exists()


def test_password_reset_sends_an_email(client, learner):
    client.post(reverse("account_reset_password"), {"email": learner.email})
    assert len(mail.outbox) == 1
    assert "/akun/password/reset/key/" in mail.outbox[0].body


def test_failed_logins_are_rate_limited(client, learner):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": learner.email, "password": "salah"})

    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": "kata-sandi-uji-123"}
    )

    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()
    assert "_auth_user_id" not in client.session
