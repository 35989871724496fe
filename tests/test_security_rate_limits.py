"""Rate limits behind the reverse proxy: they key on the client, not on the proxy, and a
locked account opens again by email."""

import re

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from lms.akun.roles import PENGAJAR
from lms.core.http import client_address

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "kata-sandi-uji-123"
PROXY = "10.0.0.1"  # the reverse proxy: every request reaches the site from it


def _client_ip(n: int) -> str:
    return f"198.51.{n // 250}.{n % 250 + 1}"


def _login(client, email: str, password: str, *, client_ip: str):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_ip,
    )


@pytest.fixture
def client_factory():
    """A browser of its own per call: its own session and cookies."""
    return Client


@pytest.fixture
def behind_proxy(settings):
    """The project's one setting; allauth's limits must follow it without their own."""
    settings.LMS_TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def class_of_200(db):
    return UserFactory.create_batch(200)


def test_a_class_of_200_logs_in_within_a_minute_from_200_addresses(
    client_factory, class_of_200, behind_proxy
):
    answers = [
        _login(client_factory(), user.email, PASSWORD, client_ip=_client_ip(n)).status_code
        for n, user in enumerate(class_of_200)
    ]

    assert answers == [302] * 200


def test_the_same_200_logins_from_one_address_are_limited(
    client_factory, class_of_200, behind_proxy, settings
):
    answers = [
        _login(client_factory(), user.email, PASSWORD, client_ip="203.0.113.7")
        for user in class_of_200
    ]

    codes = [response.status_code for response in answers]
    per_address = settings.LMS_LOGIN_RATE_PER_ADDRESS
    assert codes[:per_address] == [302] * per_address  # an office's class gets in
    assert set(codes[per_address:]) == {429}
    page = answers[-1].content.decode()
    assert "Terlalu banyak permintaan" in page
    assert '<link rel="stylesheet" href="/static/css/lms.css">' in page  # the site's template
    # another client behind the same proxy is not affected
    other = _login(client_factory(), class_of_200[0].email, PASSWORD, client_ip="203.0.113.8")
    assert other.status_code == 302


def test_failed_logins_from_one_client_do_not_lock_out_the_others(
    client_factory, class_of_200, behind_proxy, settings
):
    victim, *others = class_of_200
    failures = settings.LMS_LOGIN_FAILURES_PER_ADDRESS
    attacker = client_factory()
    for user in others[:failures]:
        _login(attacker, user.email, "salah-tebak", client_ip="203.0.113.66")
    blocked = _login(attacker, victim.email, PASSWORD, client_ip="203.0.113.66")
    assert "Terlalu banyak percobaan masuk" in blocked.content.decode()

    response = _login(client_factory(), victim.email, PASSWORD, client_ip="198.51.100.4")

    assert response.status_code == 302


def _stranger_fails(client_factory, email: str, times: int, *, first: int = 0) -> None:
    """A stranger failing on `email` from a new address each time (past the per-address
    limit), as a botnet would."""
    for n in range(first, first + times):
        _login(client_factory(), email, "salah-tebak", client_ip=f"203.0.{n // 250}.{n % 250 + 1}")


def _reset_by_email(owner, email: str, new_password: str):
    """The owner asks for the reset email and saves a new password through its link."""
    mail.outbox.clear()
    owner.post(
        reverse("account_reset_password"),
        {"email": email},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/akun/password/reset/key/\S+/)", mail.outbox[0].body)
    form_url = owner.get(link.group(1)).url  # allauth moves the key into the session
    return form_url, lambda: owner.post(
        form_url,
        {"password1": new_password, "password2": new_password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )


def test_a_locked_owner_gets_in_by_email_while_the_stranger_keeps_failing(
    client_factory, class_of_200, behind_proxy
):
    # given: a stranger fails on someone else's address from many addresses
    victim = class_of_200[0]
    _stranger_fails(client_factory, victim.email, 6)
    owner = client_factory()
    locked = _login(owner, victim.email, PASSWORD, client_ip="198.51.100.4")
    page = locked.content.decode()
    assert locked.status_code == 200
    assert "Terlalu banyak percobaan masuk yang gagal" in page
    assert "Anda langsung masuk" in page  # the message says what the email path does
    reset_link = f'<a href="{reverse("account_reset_password")}">Lupa kata sandi atau akun'
    assert reset_link in page  # the way out is on the page

    # when: the owner resets the password through the mailed link, while the stranger goes on
    # failing before and after the new password is saved
    _form_url, save = _reset_by_email(owner, victim.email, "Pengawas-Pemilu-2026!")
    _stranger_fails(client_factory, victim.email, 6, first=10)
    done = save()
    _stranger_fails(client_factory, victim.email, 6, first=20)

    # then: the owner is signed in by the link itself, and stays in
    assert done.status_code == 302
    assert owner.session.get("_auth_user_id") == str(victim.pk)
    assert owner.get("/").context["user"] == victim
    # and the login form is locked again for everyone, the owner included: only the link helps
    again = _login(
        client_factory(), victim.email, "Pengawas-Pemilu-2026!", client_ip="198.51.100.9"
    )
    assert "Terlalu banyak percobaan masuk yang gagal" in again.content.decode()


def test_a_reset_by_email_still_asks_staff_for_their_totp_code(
    client_factory, make_employee, behind_proxy
):
    from allauth.mfa.models import Authenticator

    from .akun.test_mfa import totp_now
    from .factories import enable_totp

    staff = make_employee("32", PENGAJAR).user
    secret = enable_totp(staff)
    assert Authenticator.objects.filter(user=staff).exists()
    _stranger_fails(client_factory, staff.email, 6)
    owner = client_factory()

    _form_url, save = _reset_by_email(owner, staff.email, "Pengawas-Pemilu-2026!")
    done = save()

    # the link leads to the TOTP stage, not into the site
    assert done.status_code == 302
    assert done.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in owner.session
    assert owner.get("/laporan/unit/32/").url.startswith(reverse("account_login"))
    wrong = owner.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in owner.session

    passed = owner.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})

    assert passed.status_code == 302
    assert owner.session.get("_auth_user_id") == str(staff.pk)


def test_the_client_address_is_the_entry_the_trusted_proxy_added(settings):
    settings.LMS_TRUSTED_PROXY_COUNT = 1
    factory = RequestFactory()
    spoofed = factory.get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9"
    )  # the client wrote 1.2.3.4 itself; the proxy appended what it saw
    assert client_address(spoofed) == "198.51.100.9"
    assert client_address(factory.get("/", REMOTE_ADDR=PROXY)) == PROXY  # bypassed the proxy
    assert client_address(factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="x")) == PROXY
    with_port = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="[2001:db8::1]:4711")
    assert client_address(with_port) == "2001:db8::1"

    settings.LMS_TRUSTED_PROXY_COUNT = 0
    assert client_address(spoofed) == PROXY  # no proxy configured: the header is ignored


def test_certificate_verification_is_limited_per_client_behind_the_proxy(
    client, behind_proxy, settings, db
):
    settings.LMS_CERT_VERIFY_RATE_PER_MINUTE = 3

    def verify(client_ip: str) -> int:
        return client.get(
            "/sertifikat/api/verifikasi/TIDAK-ADA/",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=client_ip,
        ).status_code

    assert [verify("203.0.113.7") for _ in range(4)] == [404, 404, 404, 429]
    assert verify("203.0.113.8") == 404
