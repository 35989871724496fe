"""On a phone (390 x 844): an employee signs in (the form says "Kata sandi"; they land on their
dashboard), downloads the certificate of a course they completed, and leaves a course they
no longer want after the page asking them to confirm."""

import re
from pathlib import Path

import pytest

from .conftest import PHONE, log_in

LEARNER = "nur.aini@lms-bawaslu.test"
DONE_COURSE = ("ETK-01", "Etika Pengawas Pemilu")
LEFT_COURSE = ("ORI-01", "Orientasi Kelembagaan Bawaslu dan Pengembangan Kompetensi")

# What the learner did before this visit, through the services a browser would call: an
# enrolment in ORI-01, and ETK-01 (a short course without a test) completed, so that its
# certificate is requested and the journey's worker renders it.
SETUP = f"""
from django.contrib.auth import get_user_model
from kursus.models import CoursePage
from kursus.services import enrollment_create, lesson_complete
from tests.factories import course_lessons, make_course

user = get_user_model().objects.get(email={LEARNER!r})
course = make_course({DONE_COURSE[0]!r}, modules=(2,), jp=2, title={DONE_COURSE[1]!r})
course.save_revision().publish()
enrollment_create(user=user, course=course)
for lesson in course_lessons(course):
    lesson_complete(user=user, lesson=lesson)
enrollment_create(user=user, course=CoursePage.objects.get(code={LEFT_COURSE[0]!r}))
"""


@pytest.fixture(scope="module")
def learner_history(live_stack):
    live_stack.manage("shell", "-c", SETUP)


def wait_for_issued_certificate(page, *, timeout_s: float = 90) -> None:
    """The worker renders the certificate after the completion: reload until it is issued."""
    link = page.get_by_role("link", name="Unduh PDF")
    for _ in range(int(timeout_s)):
        if link.count():
            return
        page.wait_for_timeout(1000)
        page.reload()
    raise AssertionError("the certificate was not issued: " + page.inner_text("main")[:800])


def on_screen(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.evaluate("() => document.documentElement.clientWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_phone_journey(learner_history, new_context, shoot, axe, tmp_path: Path):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()

    # The sign-in form says "Kata sandi".
    page.goto("/akun/login/")
    assert page.get_by_label("Kata sandi").is_visible()
    assert "kata kunci" not in page.inner_text("main").lower()
    assert page.locator("#id_password").get_attribute("placeholder") == "Kata sandi"
    axe.check(page, "login")
    shoot(page, "login")

    # Signing in lands on the dashboard.
    log_in(page, LEARNER)
    assert page.url.endswith("/dasbor/"), page.url
    page.get_by_role("heading", level=1, name="Dasbor saya").wait_for()

    # The certificate of the completed course, with its download on screen: no sideways
    # scrolling to reach it.
    wait_for_issued_certificate(page)
    page.set_viewport_size(PHONE)
    row = page.locator("table.data--stack tr", has_text=DONE_COURSE[1])
    download = row.get_by_role("link", name="Unduh PDF")
    download.scroll_into_view_if_needed()
    assert download.is_visible()
    assert on_screen(page, download), download.bounding_box()
    assert "Anda belum mengikuti kursus" not in page.inner_text("main")
    assert page.get_by_role("heading", name="Berikutnya untuk Anda").is_visible()
    axe.check(page, "dashboard")
    shoot(page, "dashboard")
    with page.expect_download() as info:
        download.click()
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    # Leaving ORI-01 asks first, saying what happens to the progress.
    page.get_by_role("link", name=LEFT_COURSE[1]).first.click()
    page.get_by_role("link", name="Keluar dari kursus").click()
    page.wait_for_url(re.compile(r"/belajar/kursus/\d+/keluar/$"))
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().startswith("Keluar dari kursus Orientasi")
    assert "tidak dihapus" in page.inner_text("main")
    confirm = page.get_by_role("button", name="Ya, keluar dari kursus")
    assert on_screen(page, confirm)
    axe.check(page, "leave: confirm")
    shoot(page, "leave-confirm")
    confirm.click()
    page.get_by_role("button", name="Daftar dan mulai belajar").wait_for()
    assert "Anda keluar dari kursus Orientasi" in page.locator(".messages").inner_text()
    shoot(page, "left")

    # The dashboard no longer lists it among the courses in progress.
    page.goto("/dasbor/")
    in_progress = page.locator("section", has=page.locator("#aktif-title"))
    assert LEFT_COURSE[1] not in in_progress.inner_text()
    axe.assert_clean()
