"""Content-Security-Policy and Permissions-Policy, and pages that need no inline script."""

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

# Script types a browser does not run.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class InlineCode(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: script elements without a
    src, event handler attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        runs = (attributes.get("type") or "").lower() not in DATA_SCRIPT_TYPES
        if tag == "script" and "src" not in attributes and runs:
            self.found.append(f"<script> without src: {attributes}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")


def _inline_code(response) -> list[str]:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


@pytest.fixture
def pages(client, supervisor_jabar):
    """Pages of the site outside the lessons and quizzes: home, login, verification, reports."""
    anonymous = {
        "home": client.get("/"),
        "login": client.get("/akun/login/"),
        "verification": client.get("/sertifikat/verifikasi/"),
        "verification result": client.get("/sertifikat/verifikasi/?q=TIDAK-ADA"),
        "password reset": client.get("/akun/password/reset/"),
    }
    client.force_login(supervisor_jabar)
    signed_in = {
        "reports dashboard": client.get("/laporan/unit/32/"),
        "reports employees": client.get("/laporan/unit/32/pegawai/"),
        "my dashboard": client.get("/dasbor/"),
        "account": client.get("/akun/email/"),
    }
    return {**anonymous, **signed_in}


def test_every_page_sends_a_policy_without_inline_script(pages):
    for name, response in pages.items():
        assert response.status_code in (200, 404), name
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"], name
        assert "'unsafe-inline'" not in policy["style-src"], name
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], name
        assert policy["default-src"] == ["'self'"], name
        assert policy["img-src"] == ["'self'", "data:"], name
        assert policy["frame-ancestors"] == ["'none'"], name
        assert policy["form-action"] == ["'self'"], name
        assert policy["object-src"] == ["'none'"], name
        assert policy["base-uri"] == ["'self'"], name


def test_pages_outside_the_lessons_carry_no_inline_executable_script(pages):
    for name, response in pages.items():
        assert _inline_code(response) == [], name
        assert 'src="/static/js/site.js"' in response.content.decode(), name


def test_lesson_videos_may_be_framed_from_their_providers(client, db):
    frame_src = _policy(client.get("/akun/login/"))["frame-src"]
    assert "https://www.youtube.com" in frame_src
    assert "https://www.youtube-nocookie.com" in frame_src
    assert "https://player.vimeo.com" in frame_src


def test_every_page_sends_a_permissions_policy(pages):
    for name, response in pages.items():
        features = dict(
            part.strip().split("=", 1) for part in response["Permissions-Policy"].split(",")
        )
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()", (name, feature)


def test_error_pages_carry_the_headers_too(client, db):
    response = client.get("/kursus/?q=%00")
    assert response.status_code == 400
    assert _policy(response)["script-src"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"]


def test_the_wagtail_admin_gets_its_own_looser_policy(client, trainer):
    client.force_login(trainer)

    response = client.get("/admin/")

    assert response.status_code == 200
    policy = _policy(response)
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"]  # the preview panel frames admin pages
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert "blob:" in policy["img-src"]


def test_with_media_in_s3_the_policy_lets_images_come_from_the_bucket(tmp_path):
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        LMS_MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="lms-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.go.id",
        AWS_S3_ADDRESSING_STYLE="path",
    )

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[\"'self'\", 'data:', 'https://s3.example.go.id']"
