"""Single sign-on through an OpenID Connect provider, against a fake one on loopback: who is
let in and linked, who is refused, and that no secret or token is kept or logged."""

import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from lms.akun.models import User
from lms.akun.roles import PENGAJAR
from lms.settings.base import oidc_socialaccount_providers

from ..factories import UserFactory, enable_totp
from .fake_oidc import FakeOidcProvider

pytestmark = pytest.mark.django_db

CLIENT_ID = "lms-bawaslu"
CLIENT_SECRET = "rahasia-klien-sso-7f3a9c1e5b"
LOGIN_URL = "/akun/oidc/sso/login/"


@pytest.fixture
def provider(settings):
    fake = FakeOidcProvider(client_id=CLIENT_ID, client_secret=CLIENT_SECRET).start()
    settings.LMS_OIDC_NAME = "SSO Bawaslu"
    settings.SOCIALACCOUNT_PROVIDERS = oidc_socialaccount_providers(
        issuer=fake.issuer, client_id=CLIENT_ID, secret=CLIENT_SECRET, name="SSO Bawaslu"
    )
    yield fake
    fake.stop()


def sso_login(client, provider, *, next_url=None, follow=True):
    """Press the SSO button, let the provider send the browser back, and follow the LMS."""
    response = client.post(LOGIN_URL, {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.status_code
    assert response.url.startswith(provider.issuer + "/authorize?")
    back = requests.get(response.url, allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/akun/oidc/sso/login/callback/"
    return client.get(f"{callback.path}?{callback.query}", follow=follow)


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


# -- linking --------------------------------------------------------------------------------


def test_sso_links_by_the_nip_claim(client, provider, make_employee):
    # given an employee whose LMS email the provider does not know
    employee = make_employee("32.04")
    provider.identity = {
        "sub": "nip-person",
        "nip": employee.nip,
        "email": "lain@contoh.go.id",
        "email_verified": False,
    }

    # when they sign in through SSO
    response = sso_login(client, provider)

    # then they are in as that employee, and the link is recorded
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/dasbor/"
    assert signed_in_user(client) == employee.user
    account = SocialAccount.objects.get()
    assert (account.provider, account.uid, account.user) == ("sso", "nip-person", employee.user)


def test_a_nip_written_in_groups_still_matches(client, provider, make_employee):
    employee = make_employee("32.04")
    nip = employee.nip
    provider.identity = {"sub": "s", "nip": f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"}

    sso_login(client, provider)

    assert signed_in_user(client) == employee.user


def test_a_nip_with_a_verified_email_unknown_here_still_matches(client, provider, make_employee):
    employee = make_employee("32.04")
    provider.identity = {
        "sub": "s",
        "nip": employee.nip,
        "email": "pribadi@contoh.go.id",
        "email_verified": True,
    }

    sso_login(client, provider)

    assert signed_in_user(client) == employee.user


def test_a_nip_with_the_verified_email_of_another_account_is_refused(
    client, provider, make_employee, caplog
):
    # given the provider's account carries A's NIP but B's verified email
    a, b = make_employee("32.04"), make_employee("32.04")
    provider.identity = {
        "sub": "mixed",
        "nip": a.nip,
        "email": b.user.email.upper(),
        "email_verified": True,
    }

    # when they sign in through SSO
    response = sso_login(client, provider)

    # then the two systems disagree about who this is: nobody is signed in, nothing is linked
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "NIP dan alamat email dari SSO Bawaslu tidak cocok" in response.content.decode()
    assert signed_in_user(client) is None
    assert SocialAccount.objects.count() == 0
    assert "SSO login refused: reason=other_person sub=mixed" in caplog.text


def test_a_nip_with_the_verified_email_of_another_account_keeps_an_earlier_link_as_it_is(
    client, provider, make_employee
):
    a, b = make_employee("32.04"), make_employee("32.04")
    SocialAccount.objects.create(user=a.user, provider="sso", uid="mixed", extra_data={})
    provider.identity = {
        "sub": "mixed",
        "nip": a.nip,
        "email": b.user.email,
        "email_verified": True,
    }

    sso_login(client, provider)

    assert signed_in_user(client) is None
    assert SocialAccount.objects.get().user == a.user


def test_sso_links_by_a_verified_email_whatever_its_case(client, provider, make_employee):
    employee = make_employee("32.04")
    provider.identity = {
        "sub": "email-person",
        "email": employee.user.email.upper(),
        "email_verified": True,
    }

    response = sso_login(client, provider)

    assert response.status_code == 200
    assert signed_in_user(client) == employee.user
    assert SocialAccount.objects.get().user == employee.user


def test_a_second_login_reuses_the_link(client, provider, make_employee):
    employee = make_employee("32.04")
    provider.identity = {"sub": "again", "nip": employee.nip}
    sso_login(client, provider)
    client.post(reverse("account_logout"))

    sso_login(client, provider)

    assert signed_in_user(client) == employee.user
    assert SocialAccount.objects.count() == 1


def test_the_link_follows_the_lms_records(client, provider, make_employee):
    # given an SSO subject linked earlier to one account, whose NIP now names another
    earlier, now = make_employee("32.04").user, make_employee("32.04")
    SocialAccount.objects.create(user=earlier, provider="sso", uid="moved", extra_data={})
    provider.identity = {"sub": "moved", "nip": now.nip}

    sso_login(client, provider)

    assert signed_in_user(client) == now.user
    assert SocialAccount.objects.get().user == now.user


def test_an_unverified_email_is_refused(client, provider, make_employee):
    # given the provider does not vouch for the address
    employee = make_employee("32.04")
    provider.identity = {"sub": "x", "email": employee.user.email, "email_verified": False}
    users_before = User.objects.count()

    # when
    response = sso_login(client, provider)

    # then the login page says why, and nothing was linked or created
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "Akun SSO Anda belum terdaftar di LMS" in response.content.decode()
    assert signed_in_user(client) is None
    assert SocialAccount.objects.count() == 0
    assert User.objects.count() == users_before


def test_an_unknown_person_is_refused_and_nothing_is_created(client, provider, org_tree):
    provider.identity = {
        "sub": "stranger",
        "nip": "198001012005011001",
        "email": "orang.asing@bawaslu.go.id",
        "email_verified": True,
    }
    users_before = User.objects.count()

    response = sso_login(client, provider)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Akun SSO Anda belum terdaftar di LMS" in page
    assert 'name="login"' in page  # the local form is there to use instead
    assert signed_in_user(client) is None
    assert User.objects.count() == users_before
    assert SocialAccount.objects.count() == 0
    assert not User.objects.filter(email__iexact="orang.asing@bawaslu.go.id").exists()


def test_an_unverified_pending_address_of_another_account_links_nothing(
    client, provider, make_employee
):
    # given someone added the address as an unverified (pending) one of their own account
    intruder = make_employee("32.04").user
    EmailAddress.objects.create(user=intruder, email="korban@bawaslu.go.id", verified=False)
    provider.identity = {"sub": "v", "email": "korban@bawaslu.go.id", "email_verified": True}

    sso_login(client, provider)

    assert signed_in_user(client) is None
    assert SocialAccount.objects.count() == 0


@pytest.mark.parametrize("row", ["unverified", "none"])
def test_a_login_address_that_is_not_verified_here_links_nothing(
    client, provider, make_employee, row
):
    # given an account whose login address was never verified in the LMS (an open sign-up with
    # someone else's address, an admin's typo): no verified address row of allauth's holds it
    intruder = make_employee("32.04", employment_type="non_asn", nip=None).user
    intruder.email = "korban@bawaslu.go.id"
    intruder.save()
    EmailAddress.objects.filter(user=intruder).delete()
    if row == "unverified":
        EmailAddress.objects.create(
            user=intruder, email="korban@bawaslu.go.id", verified=False, primary=True
        )

    # when the real owner of the address signs in through SSO, which verified it
    provider.identity = {"sub": "owner", "email": "korban@bawaslu.go.id", "email_verified": True}
    response = sso_login(client, provider)

    # then they are refused as unknown, and no link to that account is recorded
    assert "Akun SSO Anda belum terdaftar di LMS" in response.content.decode()
    assert signed_in_user(client) is None
    assert SocialAccount.objects.count() == 0


def test_an_email_of_an_employee_with_another_nip_is_refused(client, provider, make_employee):
    # given the provider's NIP names nobody here, and the email an employee with another NIP
    employee = make_employee("32.04")
    provider.identity = {
        "sub": "conflict",
        "nip": "197001012000031002",
        "email": employee.user.email,
        "email_verified": True,
    }

    response = sso_login(client, provider)

    assert "NIP dan alamat email dari SSO Bawaslu tidak cocok" in response.content.decode()
    assert signed_in_user(client) is None
    assert SocialAccount.objects.count() == 0


def test_an_email_of_an_employee_without_nip_may_link_despite_a_nip_claim(
    client, provider, make_employee
):
    employee = make_employee("32.04", employment_type="non_asn", nip=None)
    provider.identity = {
        "sub": "non-asn",
        "nip": "197001012000031002",
        "email": employee.user.email,
        "email_verified": "true",
    }

    sso_login(client, provider)

    assert signed_in_user(client) == employee.user


@pytest.mark.parametrize("what", ["user", "employee"])
def test_an_inactive_account_is_refused(client, provider, make_employee, what):
    employee = make_employee("32.04")
    target = employee.user if what == "user" else employee
    target.is_active = False
    target.save()
    provider.identity = {"sub": "gone", "nip": employee.nip}

    response = sso_login(client, provider)

    assert signed_in_user(client) is None
    assert "Akun LMS Anda tidak aktif" in response.content.decode()
    assert SocialAccount.objects.count() == 0


def test_an_inactive_employee_with_an_earlier_link_is_refused(client, provider, make_employee):
    employee = make_employee("32.04")
    provider.identity = {"sub": "linked", "nip": employee.nip}
    sso_login(client, provider)
    client.post(reverse("account_logout"))
    employee.is_active = False
    employee.save()

    sso_login(client, provider)

    assert signed_in_user(client) is None


def test_userinfo_of_another_subject_is_refused(client, provider, make_employee):
    employee = make_employee("32.04")
    provider.identity = {"sub": "one", "nip": employee.nip}
    provider.userinfo_overrides = {"sub": "two"}

    response = sso_login(client, provider)

    assert "tidak lengkap atau tidak konsisten" in response.content.decode()
    assert signed_in_user(client) is None
    assert SocialAccount.objects.count() == 0


def test_a_signed_in_user_cannot_connect_someone_elses_sso_account(client, provider, make_employee):
    me, other = make_employee("32.04").user, make_employee("32.04")
    client.force_login(me)
    provider.identity = {"sub": "theirs", "nip": other.nip}

    response = client.post(LOGIN_URL, {"process": "connect"})
    back = requests.get(response.url, allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    client.get(f"{callback.path}?{callback.query}", follow=True)

    assert SocialAccount.objects.count() == 0


def test_a_provider_error_ends_on_the_login_page(client, provider, make_employee):
    employee = make_employee("32.04")
    provider.identity = {"sub": "e", "nip": employee.nip}
    provider.token_status = 503

    response = sso_login(client, provider)

    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "Masuk dengan SSO Bawaslu gagal" in response.content.decode()
    assert signed_in_user(client) is None


def test_the_flow_uses_pkce_and_the_next_page(client, provider, make_employee):
    employee = make_employee("32.04")
    provider.identity = {"sub": "p", "nip": employee.nip}

    response = sso_login(client, provider, next_url="/kursus/")

    authorize = provider.authorize_requests[-1]
    assert authorize["code_challenge_method"] == "S256"
    assert provider.token_requests[-1]["code_verifier"]
    assert response.redirect_chain[0][0] == "/kursus/"


# -- the button and SSO off -----------------------------------------------------------------


def test_the_login_page_offers_sso_when_configured(client, provider):
    page = client.get(reverse("account_login")).content.decode()

    assert "Masuk dengan SSO Bawaslu" in page
    assert f'action="{LOGIN_URL}"' in page


def test_sso_off_hides_the_button_and_its_urls(client, settings, db):
    settings.SOCIALACCOUNT_PROVIDERS = oidc_socialaccount_providers(
        issuer="", client_id="", secret="", name="SSO"
    )

    page = client.get(reverse("account_login")).content.decode()

    assert "Masuk dengan SSO" not in page
    assert "/akun/oidc/" not in page
    assert 'name="login"' in page
    assert client.get(LOGIN_URL).status_code == 404
    assert client.post(LOGIN_URL).status_code == 404
    assert client.get(LOGIN_URL + "callback/?code=x&state=y").status_code == 404


def test_local_login_still_works_with_sso_on(client, provider, org_tree):
    user = UserFactory(roles=["Peserta"])

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "kata-sandi-uji-123"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/dasbor/"
    assert signed_in_user(client) == user


# -- secrets --------------------------------------------------------------------------------


def _database_text() -> str:
    """Every row of every table as text, and every session decoded."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.extend(repr(row) for row in cursor.fetchall())
    parts.extend(repr(session.get_decoded()) for session in Session.objects.all())
    return "\n".join(parts)


def test_the_secret_and_tokens_are_never_logged_nor_stored(client, provider, make_employee, caplog):
    # given a trainer with TOTP, whose login waits in the session for the code
    caplog.set_level(logging.DEBUG)
    user = make_employee("RI", PENGAJAR).user
    enable_totp(user)
    provider.identity = {"sub": "secret-check", "nip": user.employee.nip}

    # when they sign in through SSO and stop at the TOTP step
    response = sso_login(client, provider)
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")

    # then neither the client secret nor any token is in the logs or the database
    secrets_seen = [CLIENT_SECRET, *provider.issued]
    assert len(provider.issued) == 3
    stored = _database_text()
    for value in secrets_seen:
        assert value not in caplog.text
        assert value not in stored
    assert "SSO login matched" in caplog.text  # the log is there, without them
    assert SocialApp.objects.count() == 0
    assert SocialToken.objects.count() == 0


def test_a_refusal_logs_no_secret_either(client, provider, org_tree, caplog):
    caplog.set_level(logging.DEBUG)
    provider.identity = {"sub": "nobody", "email": "x@bawaslu.go.id", "email_verified": True}

    sso_login(client, provider)

    assert "SSO login refused: reason=unknown sub=nobody" in caplog.text
    for value in [CLIENT_SECRET, *provider.issued]:
        assert value not in caplog.text
    assert SocialApp.objects.count() == 0


def test_the_authorize_redirect_carries_no_secret(client, provider):
    response = client.post(LOGIN_URL)

    query = parse_qs(urlsplit(response.url).query)
    assert query["client_id"] == [CLIENT_ID]
    assert CLIENT_SECRET not in response.url


# -- MFA ------------------------------------------------------------------------------------


def totp_now(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def staff_with_totp(make_employee):
    user = make_employee("RI", PENGAJAR).user
    return user, enable_totp(user)


def test_staff_without_an_mfa_assertion_enter_their_totp_code(client, provider, staff_with_totp):
    # given a trainer with TOTP, and a provider that asserts a password only
    user, secret = staff_with_totp
    provider.identity = {"sub": "t", "nip": user.employee.nip, "amr": ["pwd"]}

    # when they sign in through SSO
    response = sso_login(client, provider)

    # then they are asked for the code, and nothing is usable before it
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert signed_in_user(client) is None
    assert client.get("/dasbor/").status_code == 302
    assert client.get("/dasbor/").url.startswith(reverse("account_login"))

    # when they enter a valid code
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})

    # then they are in, on the admin
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    assert signed_in_user(client) == user
    assert client.get("/admin/").status_code == 200


def test_a_wrong_totp_code_after_sso_keeps_them_out(client, provider, staff_with_totp):
    user, _ = staff_with_totp
    provider.identity = {"sub": "t", "nip": user.employee.nip}
    sso_login(client, provider)

    client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert signed_in_user(client) is None


@pytest.mark.parametrize("amr", [["mfa"], ["pwd", "mfa"], "mfa"])
def test_staff_whose_provider_asserts_mfa_by_amr_get_in_directly(
    client, provider, staff_with_totp, amr
):
    user, _ = staff_with_totp
    provider.identity = {"sub": "t", "nip": user.employee.nip, "amr": amr}

    response = sso_login(client, provider)

    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert signed_in_user(client) == user


@pytest.mark.parametrize("amr", [["otp"], ["hwk"], "swk", ["pwd", "otp"], ["sms"]])
def test_one_method_alone_is_no_mfa_assertion_by_default(client, provider, staff_with_totp, amr):
    # a single method (RFC 8176) may have been the only factor: the LMS's TOTP code is asked
    user, _ = staff_with_totp
    provider.identity = {"sub": "t", "nip": user.employee.nip, "amr": amr}

    response = sso_login(client, provider)

    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert signed_in_user(client) is None


def test_the_amr_values_that_assert_mfa_are_configurable(
    client, provider, staff_with_totp, settings
):
    # given a provider whose hardware key login is known to be a second factor
    settings.LMS_OIDC_MFA_AMR = ["mfa", "hwk"]
    user, _ = staff_with_totp
    provider.identity = {"sub": "t", "nip": user.employee.nip, "amr": ["pwd", "hwk"]}

    response = sso_login(client, provider)

    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert signed_in_user(client) == user


def test_an_acr_asserts_mfa_only_when_configured(client, provider, staff_with_totp, settings):
    user, _ = staff_with_totp
    provider.identity = {"sub": "t", "nip": user.employee.nip, "acr": "urn:bawaslu:loa:mfa"}

    # not configured: the TOTP step
    assert sso_login(client, provider).redirect_chain[-1][0] == reverse("mfa_authenticate")

    # configured: straight in
    settings.LMS_OIDC_MFA_ACR = ["urn:bawaslu:loa:mfa"]
    client.cookies.clear()
    assert sso_login(client, provider).redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert signed_in_user(client) == user


def test_amr_from_userinfo_alone_asserts_nothing(client, provider, staff_with_totp):
    # amr belongs to the ID token; a userinfo claim of that name is not an assertion
    user, _ = staff_with_totp
    provider.identity = {"sub": "t", "nip": user.employee.nip}
    provider.userinfo_overrides = {"amr": ["mfa"]}

    assert sso_login(client, provider).redirect_chain[-1][0] == reverse("mfa_authenticate")


def test_staff_without_totp_and_an_mfa_assertion_are_not_pushed_to_setup(
    client, provider, make_employee
):
    # given a supervisor who never set TOTP up
    user = make_employee("32", "Supervisor").user
    provider.identity = {"sub": "sv", "nip": user.employee.nip, "amr": ["pwd", "mfa"]}

    # when they sign in through SSO that asserted MFA
    response = sso_login(client, provider)

    # then they use the site without being sent to TOTP setup
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/dasbor/"
    laporan = client.get("/laporan/")
    assert (
        not laporan.url.startswith(reverse("mfa_activate_totp"))
        if laporan.status_code == 302
        else True
    )
    assert client.get("/dasbor/").status_code == 200

    # and after logging out, a local sign-in is pushed to setup as before
    client.post(reverse("account_logout"))
    client.force_login(user)
    response = client.get("/dasbor/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_the_mfa_mark_lives_with_the_sso_login_only(client, provider, make_employee):
    # given a supervisor without TOTP signed in through SSO that asserted MFA
    user = make_employee("32", "Supervisor").user
    provider.identity = {"sub": "sv", "nip": user.employee.nip, "amr": ["mfa"]}
    sso_login(client, provider)
    assert client.get("/dasbor/").status_code == 200

    # when the same session signs in again some other way (same user: Django keeps the data)
    client.force_login(user)

    # then the mark is gone and TOTP setup is required again
    response = client.get("/dasbor/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_staff_without_totp_and_no_mfa_assertion_are_pushed_to_setup(
    client, provider, make_employee
):
    user = make_employee("32", "Supervisor").user
    provider.identity = {"sub": "sv", "nip": user.employee.nip, "amr": ["pwd"]}

    response = sso_login(client, provider)

    # then they are in, and sent to set TOTP up (allauth asks for the password first there)
    assert signed_in_user(client) == user
    assert any(url.startswith(reverse("mfa_activate_totp")) for url, _ in response.redirect_chain)


def test_a_learner_gets_in_directly(client, provider, learner):
    provider.identity = {"sub": "l", "nip": learner.employee.nip, "amr": ["pwd"]}

    response = sso_login(client, provider)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/dasbor/"
    assert signed_in_user(client) == learner


def test_local_login_of_staff_still_asks_for_totp(client, provider, staff_with_totp):
    user, secret = staff_with_totp
    user.set_password("kata-sandi-uji-123")
    user.save()

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "kata-sandi-uji-123"}
    )

    assert response.url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})
    assert signed_in_user(client) == user
