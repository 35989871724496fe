"""A NUL byte (%00) anywhere in a request answers 400 with the site's page, never 500."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/sertifikat/verifikasi/?q=%00",
    "/sertifikat/verifikasi/?q=ABC%00DEF",
    "/sertifikat/verifikasi/ABC%00DEF/",
    "/sertifikat/api/verifikasi/?q=%00",
    "/sertifikat/api/verifikasi/ABC%00/",
    "/kursus/?q=%00",
    "/kursus/?q=pengawasan%00",
    "/kursus/?kategori=%00",
    "/kursus/?jp=%00",
    "/kursus/?wajib=1%00",
    "/kursus/?%00=1",
    "/%00/",
]
SIGNED_IN_URLS = [
    "/sertifikat/unduh/%00/",
    "/sertifikat/unduh/ABC%00DEF/",
    "/laporan/unit/32%00/",
    "/laporan/unit/32/?halaman=%00",
    "/laporan/unit/32/kursus/?status=%00",
    "/laporan/unit/32/jp/?urut=%00",
    "/laporan/unit/32/pegawai/?halaman=1%00",
    "/laporan/unit/32/ekspor/ringkasan.csv?kursus=%00",
]


def _assert_refused(response) -> None:
    assert response.status_code == 400
    page = response.content.decode()
    assert "Permintaan tidak valid" in page
    assert '<link rel="stylesheet" href="/static/css/lms.css">' in page


@pytest.fixture
def browser(org_tree):
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_nul_byte_in_a_public_url_answers_400(browser, url):
    _assert_refused(browser.get(url))


@pytest.mark.parametrize("url", SIGNED_IN_URLS)
def test_a_nul_byte_in_a_signed_in_url_answers_400(browser, supervisor_jabar, url):
    browser.force_login(supervisor_jabar)
    _assert_refused(browser.get(url))


def test_a_nul_byte_in_multipart_form_data_answers_400(browser, learner):
    response = browser.post(
        reverse("account_login"), {"login": learner.email + "\x00", "password": "x"}
    )
    _assert_refused(response)


def test_a_nul_byte_in_urlencoded_form_data_answers_400(browser, learner):
    response = browser.post(
        reverse("account_reset_password"),
        "email=pegawai%00%40bawaslu.go.id",
        content_type="application/x-www-form-urlencoded",
    )
    _assert_refused(response)


def test_the_same_urls_without_the_nul_byte_are_answered_normally(browser, supervisor_jabar):
    assert browser.get("/kursus/?q=pengawasan").status_code == 200
    assert browser.get("/sertifikat/api/verifikasi/?q=ABCDEF").status_code == 404
    browser.force_login(supervisor_jabar)
    assert browser.get("/laporan/unit/32/").status_code == 200
