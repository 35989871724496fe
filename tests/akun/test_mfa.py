import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from lms.akun.roles import ADMIN_LMS, PENGAJAR, SUPERVISOR

from ..factories import enable_totp

pytestmark = pytest.mark.django_db


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.parametrize("role", [PENGAJAR, SUPERVISOR, ADMIN_LMS])
@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/pages/",
        "/laporan/",
        "/laporan/unit/32/",
        "/laporan/ekspor/1/unduh/",
        "/sertifikat/unduh/ABCDEF/",
        "/dasbor/",
        "/kursus/",
        "/",
        "/halaman-yang-belum-ada/",
    ],
)
def test_staff_without_mfa_are_sent_to_mfa_setup(client, make_employee, role, path):
    user = make_employee("32", role).user
    client.force_login(user)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_staff_without_mfa_post_nothing_either(client, make_employee, org_tree):
    client.force_login(make_employee("32", SUPERVISOR).user)

    response = client.post("/laporan/unit/32/langganan/", {"frequency": "weekly"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


@pytest.mark.parametrize(
    "path",
    [
        "/akun/2fa/totp/activate/",
        "/akun/reauthenticate/",
        "/healthz",
        "/static/css/lms.css",
    ],
)
def test_what_setting_up_mfa_needs_stays_open(client, make_employee, path):
    client.force_login(make_employee("32", PENGAJAR).user)

    response = client.get(path)

    assert not (response.status_code == 302 and "/2fa/totp/activate/" in response.url)


def test_staff_without_mfa_reach_the_setup_page_without_a_loop(client, make_employee):
    client.force_login(make_employee("32", SUPERVISOR).user)

    response = client.get("/dasbor/", follow=True)

    assert response.status_code == 200
    assert len(response.redirect_chain) <= 3
    assert "autentikasi dua faktor" in response.content.decode()


def test_staff_can_log_out_before_setting_up_mfa(client, make_employee):
    client.force_login(make_employee("32", SUPERVISOR).user)

    client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session


def test_superuser_without_mfa_is_sent_to_setup(client, make_employee):
    user = make_employee("RI").user
    user.is_superuser = True
    user.save()
    client.force_login(user)
    assert client.get("/admin/").url.startswith(reverse("mfa_activate_totp"))


def test_mfa_setup_page_explains_why(client, make_employee):
    client.force_login(make_employee("32", SUPERVISOR).user)
    response = client.get("/laporan/", follow=True)
    assert "autentikasi dua faktor" in response.content.decode()


def test_staff_with_totp_reach_the_admin(client, trainer):
    client.force_login(trainer)
    assert client.get("/admin/").status_code == 200


def test_learners_are_not_forced_into_mfa(client, learner):
    client.force_login(learner)
    assert client.get("/").status_code == 200
    assert client.get("/dasbor/").status_code == 200
    response = client.get("/admin/")
    assert not response.url.startswith(reverse("mfa_activate_totp"))


def _assert_site_403(response) -> None:
    assert response.status_code == 403
    page = response.content.decode()
    assert "Akses ditolak" in page
    assert '<link rel="stylesheet" href="/static/css/lms.css">' in page


def test_a_learner_opening_the_admin_gets_403_not_a_login_loop(client, learner):
    client.force_login(learner)

    response = client.get("/admin/", follow=True)

    _assert_site_403(response)
    assert len(response.redirect_chain) == 1


def test_a_supervisor_with_totp_opening_the_admin_gets_403_not_a_login_loop(
    client, supervisor_jabar
):
    client.force_login(supervisor_jabar)

    response = client.get("/admin/pages/", follow=True)

    _assert_site_403(response)


def test_an_anonymous_visitor_of_the_admin_is_sent_to_the_login(client, db):
    response = client.get("/admin/pages/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("account_login") + "?next=%2Fadmin%2Fpages%2F"


def test_login_with_totp_asks_for_the_code(client, make_employee):
    user = make_employee("32", SUPERVISOR).user
    secret = enable_totp(user)

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "kata-sandi-uji-123"}
    )
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/laporan/").url.startswith(reverse("account_login"))  # not yet in

    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})

    assert response.status_code == 302
    assert client.get("/laporan/", follow=True).status_code == 200


def test_staff_cannot_turn_mfa_off(client, trainer):
    client.force_login(trainer)
    client.post(reverse("mfa_deactivate_totp"), {})
    assert Authenticator.objects.filter(user=trainer, type="totp").exists()


def test_wagtail_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=/admin/pages/"


def test_totp_secret_is_stored_encrypted(trainer):
    stored = Authenticator.objects.get(user=trainer, type="totp").data["secret"]
    assert stored.startswith("gAAAA")  # a Fernet token, not the base32 secret


def _access_admin():
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


@pytest.mark.parametrize("wagtail_group", ["Editors", "Moderators"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/"])
def test_wagtail_groups_without_mfa_are_sent_to_mfa_setup(client, db, wagtail_group, path):
    """Wagtail's own groups carry `access_admin`: membership is enough to require TOTP."""
    from django.contrib.auth.models import Group

    from ..factories import UserFactory

    group = Group.objects.get(name=wagtail_group)
    assert group.permissions.filter(pk=_access_admin().pk).exists()
    user = UserFactory(roles=[wagtail_group])
    client.force_login(user)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/"])
def test_the_access_admin_permission_alone_requires_mfa(client, db, path):
    from ..factories import UserFactory

    user = UserFactory()
    user.user_permissions.add(_access_admin())
    client.force_login(user)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_a_django_staff_account_requires_mfa(client, db):
    from ..factories import UserFactory

    client.force_login(UserFactory(is_staff=True))

    response = client.get("/dasbor/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_access_admin_given_to_a_group_later_requires_mfa_at_once(client, db):
    """The cached user (lms/akun/user_cache.py) must not keep the old answer."""
    from django.contrib.auth.models import Group

    from ..factories import UserFactory

    group = Group.objects.create(name="Tim Konten")
    user = UserFactory(roles=["Tim Konten"])
    client.force_login(user)
    assert client.get("/dasbor/").status_code != 302  # a plain account: no MFA yet

    group.permissions.add(_access_admin())
    response = client.get("/dasbor/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_a_cached_learner_request_asks_no_permission_query(client, learner):
    """The admin-access answer travels with the cached user: no permission tables per request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(learner)
    client.get("/dasbor/")  # fills the user cache

    with CaptureQueriesContext(connection) as queries:
        client.get("/dasbor/")

    assert not [q for q in queries if "auth_permission" in q["sql"]]
