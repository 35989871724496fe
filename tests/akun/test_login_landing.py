"""Where a sign-in lands, and the word the account forms use for a password."""

import re

import pytest
from django.urls import reverse

from lms.akun.roles import PENGAJAR, SUPERVISOR

from ..factories import enable_totp
from .test_mfa import totp_now

pytestmark = pytest.mark.django_db

PASSWORD = "kata-sandi-uji-123"


def _sign_in(client, user, *, next_url: str | None = None):
    url = reverse("account_login")
    if next_url is not None:
        url += "?next=" + next_url
    return client.post(url, {"login": user.email, "password": PASSWORD})


def test_a_learner_lands_on_the_dashboard(client, learner):
    # when
    response = _sign_in(client, learner)

    # then
    assert response.status_code == 302
    assert response.url == "/dasbor/"
    assert "Dasbor saya" in client.get(response.url).content.decode()


def test_a_safe_next_wins_over_the_dashboard(client, learner):
    response = _sign_in(client, learner, next_url="/kursus/")

    assert response.url == "/kursus/"


def test_an_unsafe_next_is_ignored(client, learner):
    response = _sign_in(client, learner, next_url="https://contoh-jahat.example/curi")

    assert response.url == "/dasbor/"


def test_a_supervisor_lands_on_the_dashboard_after_the_code(client, make_employee):
    # given
    user = make_employee("32", SUPERVISOR).user
    secret = enable_totp(user)
    _sign_in(client, user)

    # when
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})

    # then
    assert response.url == "/dasbor/"


def test_a_trainer_lands_on_the_admin_after_the_code(client, make_employee):
    # given
    user = make_employee("RI", PENGAJAR).user
    secret = enable_totp(user)
    _sign_in(client, user)

    # when
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})

    # then
    assert response.url == reverse("wagtailadmin_home")
    assert client.get(response.url).status_code == 200


def _password_words(html: str) -> list[str]:
    labels = re.findall(r"<label[^>]*>([^<]*)</label>", html)
    placeholders = re.findall(r'placeholder="([^"]*)"', html)
    return labels + placeholders


def test_the_login_form_says_kata_sandi(client, db):
    html = client.get(reverse("account_login")).content.decode()

    assert "Kata sandi:" in _password_words(html)
    assert 'placeholder="Kata sandi"' in html
    assert "kata kunci" not in html.lower()


def test_the_signup_form_says_kata_sandi(client, org_tree, settings):
    settings.LMS_OPEN_SIGNUP = True

    html = client.get(reverse("account_signup")).content.decode()

    assert "Kata sandi:" in _password_words(html)
    assert "kata kunci" not in html.lower()


def test_the_reauthentication_form_says_kata_sandi(client, learner):
    client.force_login(learner)

    html = client.get(reverse("account_reauthenticate")).content.decode()

    assert "Kata sandi:" in _password_words(html)
    assert "kata kunci" not in html.lower()


@pytest.mark.parametrize(
    "name", ["account_change_password", "account_email", "mfa_index", "account_reset_password"]
)
def test_the_account_pages_a_learner_meets_never_say_kata_kunci(client, learner, name):
    client.force_login(learner)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "kata kunci" not in response.content.decode().lower()


def test_setting_a_first_password_says_kata_sandi(client, learner):
    # given: an account made by the import, without a usable password yet
    learner.set_unusable_password()
    learner.save()
    client.force_login(learner)

    # when
    html = client.get(reverse("account_set_password")).content.decode()

    # then
    assert "Kata sandi:" in _password_words(html)
    assert "kata kunci" not in html.lower()
