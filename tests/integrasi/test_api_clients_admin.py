"""Admin LMS manages client applications: a token shown once, made anew, taken away; and
reads the API call log."""

import re

import pytest
from django.urls import reverse

from integrasi.models import ApiCall, ServiceClient
from integrasi.models.clients import Scope
from lms.organisasi.models import OrgUnit

from .conftest import bearer

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"lmsb_[A-Za-z0-9_\-]{40,}")


def form(**fields) -> dict:
    return {
        "name": "SIMPEG Jawa Barat",
        "description": "Sinkronisasi data pegawai",
        "unit": str(OrgUnit.objects.get(code="32").pk),
        "scopes": [Scope.READ_EMPLOYEES.value, Scope.WRITE_EMPLOYEES.value],
        "rate_limit_per_minute": "120",
        "is_active": "on",
        **fields,
    }


def test_a_new_clients_token_is_shown_once_and_works(client, admin_lms, org_tree):
    client.force_login(admin_lms)
    assert "Baca unit dan pegawai" in client.get(reverse("integrasi_klien:add")).content.decode()

    # when
    response = client.post(reverse("integrasi_klien:add"), form())

    # then: the answer shows the token, with the warning, and is not cached
    assert response.status_code == 200
    page = response.content.decode()
    [token] = set(TOKEN.findall(page))
    assert "tidak dapat dilihat lagi" in page
    assert "no-store" in response["Cache-Control"]
    saved = ServiceClient.objects.get(name="SIMPEG Jawa Barat")
    assert saved.unit.code == "32"
    assert saved.scopes == [Scope.READ_EMPLOYEES.value, Scope.WRITE_EMPLOYEES.value]
    assert saved.rate_limit_per_minute == 120
    assert saved.created_by == admin_lms
    assert token not in (saved.token_digest or "")
    # it works
    assert client.get("/api/v1/units/32", headers=bearer(token)).status_code == 200
    # and is shown nowhere afterwards
    listing = client.get(reverse("integrasi_klien:index")).content.decode()
    edit = client.get(reverse("integrasi_klien:edit", args=[saved.pk])).content.decode()
    assert saved.token_prefix in listing  # only its first characters, to tell tokens apart
    assert token not in listing and token not in edit


def test_a_new_token_replaces_the_old_one(client, admin_lms, make_service_client):
    service_client, old = make_service_client("32")
    client.force_login(admin_lms)
    url = reverse("integrasi_klien:rotate", args=[service_client.pk])

    # asking first changes nothing
    assert "berhenti berlaku" in client.get(url).content.decode()
    assert client.get("/api/v1/units/", headers=bearer(old)).status_code == 200

    # when
    response = client.post(url)

    # then
    [new] = set(TOKEN.findall(response.content.decode()))
    assert new != old
    assert client.get("/api/v1/units/", headers=bearer(old)).status_code == 401
    assert client.get("/api/v1/units/", headers=bearer(new)).status_code == 200


def test_revoking_asks_then_takes_the_token_away(client, admin_lms, make_service_client):
    service_client, token = make_service_client("32")
    client.force_login(admin_lms)
    url = reverse("integrasi_klien:revoke", args=[service_client.pk])

    assert 'method="post"' in client.get(url).content.decode()
    assert client.get("/api/v1/units/", headers=bearer(token)).status_code == 200

    response = client.post(url)

    assert response.status_code == 302
    assert client.get("/api/v1/units/", headers=bearer(token)).status_code == 401
    listing = client.get(reverse("integrasi_klien:index")).content.decode()
    assert "Tidak ada (dicabut)" in listing


def test_only_admin_lms_may_manage_clients_or_read_the_log(
    client, trainer, supervisor_jabar, make_service_client
):
    service_client, token = make_service_client("32")
    urls = [
        reverse("integrasi_klien:index"),
        reverse("integrasi_klien:add"),
        reverse("integrasi_klien:edit", args=[service_client.pk]),
        reverse("integrasi_klien:rotate", args=[service_client.pk]),
        reverse("integrasi_log:index"),
    ]
    for user in (trainer, supervisor_jabar):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code in (302, 403), url
        response = client.post(reverse("integrasi_klien:rotate", args=[service_client.pk]))
        assert response.status_code in (302, 403)
        assert not TOKEN.search(response.content.decode())
    assert client.get("/api/v1/units/", headers=bearer(token)).status_code == 200


def test_the_menu_shows_the_integration_group_to_admin_lms_only(client, admin_lms, trainer):
    client.force_login(admin_lms)
    page = client.get("/admin/").content.decode()
    assert "Aplikasi klien" in page and "Log panggilan API" in page

    client.force_login(trainer)
    page = client.get("/admin/").content.decode()
    assert "Aplikasi klien" not in page


def test_the_call_log_lists_newest_first_and_filters(client, admin_lms, make_service_client):
    # given
    first, token = make_service_client("32", name="SIMPEG Jabar")
    _second, other = make_service_client("33", name="SIMPEG Jateng")
    client.get("/api/v1/units/", headers=bearer(token))
    client.get("/api/v1/units/33", headers=bearer(other))
    client.get("/api/v1/units/99", headers=bearer(other))
    client.force_login(admin_lms)
    url = reverse("integrasi_log:index")

    # when
    page = client.get(url).content.decode()

    # then
    assert page.index("/api/v1/units/99") < page.index("/api/v1/units/33")
    assert "SIMPEG Jabar" in page and "SIMPEG Jateng" in page
    only_jabar = client.get(url, {"client": first.pk}).content.decode()
    assert "/api/v1/units/99" not in only_jabar
    not_found = client.get(url, {"status": 404}).content.decode()
    assert "/api/v1/units/99" in not_found and "/api/v1/units/33<" not in not_found
    # read only: no add, edit or delete
    assert client.get(reverse("integrasi_log:add")).status_code in (302, 403)
    call = ApiCall.objects.first()
    assert client.post(reverse("integrasi_log:delete", args=[call.pk])).status_code in (302, 403)
    assert ApiCall.objects.filter(pk=call.pk).exists()
