"""Error pages: the site's own template, in Indonesian, for 400, 403, 404, 429 and 500."""

import pytest
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

pytestmark = pytest.mark.django_db

SITE_STYLESHEET = '<link rel="stylesheet" href="/static/css/lms.css">'


def _site_page(response) -> str:
    page = response.content.decode()
    assert SITE_STYLESHEET in page  # base.html, not Django's bare page
    assert '<html lang="id">' in page
    return page


def test_a_learner_opening_the_reports_gets_the_site_403_page(client, learner):
    client.force_login(learner)

    response = client.get("/laporan/")

    assert response.status_code == 403
    page = _site_page(response)
    assert "Akses ditolak" in page
    assert "403 Forbidden" not in page


def test_an_unknown_address_gets_the_site_404_page(client, db):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in _site_page(response)


def test_a_form_without_its_csrf_token_gets_the_site_403_page(learner):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        reverse("account_login"), {"login": learner.email, "password": "kata-sandi-uji-123"}
    )

    assert response.status_code == 403
    page = _site_page(response)
    assert "Formulir kedaluwarsa" in page
    assert "CSRF verification failed" not in page


def test_allauths_rate_limit_answers_with_the_site_429_page(client, learner, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        client.post(reverse("account_login"), {"login": learner.email, "password": "salah"})

    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": "kata-sandi-uji-123"}
    )

    assert response.status_code == 429
    page = _site_page(response)
    assert "Terlalu banyak permintaan" in page
    assert reverse("account_reset_password") in page
    assert "Too Many Requests" not in page


def test_a_crash_in_a_view_gets_the_site_500_page(learner, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("sertifikat.views.certificate_find", broken)
    browser = Client(raise_request_exception=False)

    response = browser.get("/sertifikat/verifikasi/?q=ABCDEF")

    assert response.status_code == 500
    page = _site_page(response)
    assert "Terjadi gangguan" in page
    assert "Server Error" not in page


def test_the_500_page_renders_without_the_request_the_session_or_the_database(
    django_assert_num_queries, settings
):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"]}}
    ]
    settings.TEMPLATES[0]["OPTIONS"]["context_processors"] = [
        "lms.tests_no_such_module.processor"  # would raise if any context processor ran
    ]
    handler = get_resolver().resolve_error_handler(500)
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = handler(request)

    assert response.status_code == 500
    assert "Terjadi gangguan" in _site_page(response)


def test_the_500_page_falls_back_to_plain_html_when_its_template_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a broken template")

    monkeypatch.setattr("lms.core.views.loader.get_template", broken)
    handler = get_resolver().resolve_error_handler(500)

    response = handler(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Terjadi gangguan" in response.content.decode()


def test_a_supervisor_opening_the_admin_is_told_whom_it_is_for_and_where_reports_are(
    client, supervisor_jabar
):
    client.force_login(supervisor_jabar)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    page = _site_page(response)
    assert "Akses ditolak" in page
    assert "Halaman admin hanya untuk Pengajar dan Admin LMS" in page
    assert '<a href="/laporan/">Laporan</a>' in page
    # Not the generic text, which names supervisors among those with access.
    assert "misalnya supervisor" not in page


def test_other_403_pages_keep_the_generic_message(client, learner):
    client.force_login(learner)

    page = _site_page(client.get("/laporan/"))

    assert "Halaman ini hanya untuk peran tertentu" in page
    assert "Halaman admin hanya untuk" not in page
