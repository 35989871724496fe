import pytest
from django.contrib.auth.models import Group

from lms.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_home_page_says_what_this_site_is(client):
    response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "LMS Bawaslu" in content
    assert "jam pelajaran" in content
    assert 'href="/akun/login/"' in content


def test_healthz_is_ok_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_healthz_is_503_naming_the_broker_when_it_is_down(client):
    # A Redis broker on a port where nothing listens.
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_write_url
    conf.broker_url = conf.broker_write_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        conf.broker_url, conf.broker_write_url = saved

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {"database": "ok", "broker": "down"},
    }


def test_healthz_is_503_naming_the_database_when_it_is_down(client, monkeypatch):
    from lms.beranda import views

    def broken():
        raise OSError("connection refused")

    monkeypatch.setitem(views.CHECKS, "database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "down"


def test_roles_exist_with_their_permissions():
    perms = {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
    }
    assert set(perms) >= {"Peserta", "Pengajar", "Supervisor", "Admin LMS"}
    assert perms["Peserta"] == set()
    assert "wagtailadmin.access_admin" in perms["Pengajar"]
    assert "organisasi.view_unit_reports" in perms["Supervisor"]
    assert "wagtailadmin.access_admin" not in perms["Supervisor"]
    assert {"organisasi.add_employeeimport", "organisasi.change_employee"} <= perms["Admin LMS"]


def test_site_is_indonesian_even_for_an_english_browser(client):
    response = client.get("/akun/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    assert "Masuk dengan alamat email" in response.content.decode()


def test_there_is_no_english_switch_and_an_old_cookie_changes_nothing(client):
    # given a visitor who picked English when the site still offered it
    client.cookies["django_language"] = "en"

    # when they open a page
    response = client.get("/akun/password/reset/")

    # then it is Indonesian, and nothing offers another language
    assert response["Content-Language"] == "id"
    assert "Password Reset" not in response.content.decode()
    assert "Bahasa Inggris" not in response.content.decode()
    assert "English" not in response.content.decode()
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 404
