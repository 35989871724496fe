"""A province supervisor acts on the reports: reminds people under the JP target from
"Kepatuhan JP", reads the per-course report at 1280 px with the certificate column in view,
and opens an employee's learning record from it."""

import re
import time

from .conftest import DESKTOP, log_in

SUPERVISOR = "supervisor.jabar@lms-bawaslu.test"
PROVINCE = "32"
COURSE_CODE = "IKP-01"
# completed, with a certificate (a demo person no other journey signs in as)
DONE = ("yusuf.maulana@lms-bawaslu.test", "Yusuf Maulana")
UNDER = ("Rudi Hartono", "Dewi Lestari")  # reminded from the JP list

# Learning history the demo seed does not have, written as the LMS writes it (services for
# the enrolment, the completion's JP and the certificate, which the live worker renders).
SEED = """
import datetime
from decimal import Decimal
from django.db import transaction
from django.utils import timezone
from kursus.models import CoursePage, Enrollment, JPCredit, QuizAttempt, QuizPage
from kursus.services import course_certificate_request, enrollment_create
from lms.organisasi.models import Employee

course = CoursePage.objects.get(code="IKP-01")
now = timezone.now()
def person(email):
    return Employee.objects.select_related("user").get(user__email=email).user
with transaction.atomic():
    done = person("yusuf.maulana@lms-bawaslu.test")
    enrollment = enrollment_create(user=done, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status="completed", progress_percent=100, completed_at=now
    )
    JPCredit.objects.get_or_create(
        user=done, course=course, defaults={"year": now.year, "jp": course.jp, "completed_at": now}
    )
    for kind, percent in (("pretest", 40), ("posttest", 90)):
        quiz = QuizPage.objects.descendant_of(course).get(kind=kind)
        QuizAttempt.objects.get_or_create(
            user=done, quiz=quiz, number=1,
            defaults={"status": "submitted", "finished_at": now, "score": percent,
                      "max_score": 100, "percent": Decimal(percent), "passed": percent >= 70},
        )
    enrollment.refresh_from_db()
    course_certificate_request(enrollment=enrollment)
    for email, percent in (("ratna.dewi@lms-bawaslu.test", 40),
                           ("rudi.hartono@lms-bawaslu.test", 0),
                           ("teguh.santoso@lms-bawaslu.test", 75)):
        e = enrollment_create(user=person(email), course=course)
        Enrollment.objects.filter(pk=e.pk).update(progress_percent=percent)
print("seeded")
"""

# Whether the table fits its frame and where the certificate column ends.
FIT_SCRIPT = """() => {
  const wrap = document.querySelector(".report-table--course").closest(".table-wrap");
  const cert = document.querySelector(".report-table--course th.cert").getBoundingClientRect();
  return {scroll: wrap.scrollWidth, client: wrap.clientWidth, certRight: cert.right,
          certLeft: cert.left, window: document.documentElement.clientWidth};
}"""


def test_reminder_journey(live_stack, new_context, shoot, axe, screenshots_dir):
    assert "seeded" in live_stack.manage("shell", "-c", SEED)
    page = new_context().new_page()
    log_in(page, SUPERVISOR, mfa=True)

    # Kepatuhan JP: one filter bar, people under the target with a tick box each.
    page.goto(f"/laporan/unit/{PROVINCE}/")
    page.get_by_role("navigation", name="Laporan unit").get_by_role(
        "link", name="Kepatuhan JP"
    ).click()
    page.wait_for_url(re.compile(rf"/laporan/unit/{PROVINCE}/jp/"))
    assert page.locator("details.report-filters").count() == 1
    assert page.locator("main form[method=get]").count() == 1
    for name in UNDER:
        page.get_by_label(f"Pilih {name}", exact=True).check()
    axe.check(page, "jp: people ticked")
    shoot(page, "jp-ticked")

    # Send: the page confirms, and the list shows when they were last reminded.
    page.get_by_role("button", name="Kirim pengingat ke yang dipilih").click()
    page.wait_for_url(re.compile(rf"/laporan/unit/{PROVINCE}/jp/"))
    status = page.locator("ul.messages")
    assert "Pengingat sedang dikirim ke 2 pegawai." in status.inner_text()
    rudi_row = page.locator("tr", has=page.get_by_role("link", name=UNDER[0], exact=True))
    assert re.search(r"\d{1,2} \w{3} \d{4}", rudi_row.locator("td").last.inner_text())
    axe.check(page, "jp: reminder sent")
    shoot(page, "jp-sent")

    # The same person again this week: skipped, and the page says why.
    page.get_by_label(f"Pilih {UNDER[0]}", exact=True).check()
    page.get_by_role("button", name="Kirim pengingat ke yang dipilih").click()
    page.wait_for_url(re.compile(rf"/laporan/unit/{PROVINCE}/jp/"))
    text = page.locator("ul.messages").inner_text()
    assert "1 pegawai dilewati karena sudah diingatkan dalam 7 hari terakhir" in text
    shoot(page, "jp-skipped")

    # The per-course report: one filter bar; at 1280 px the whole table, certificate column
    # included, fits without sideways scrolling.
    page.get_by_role("navigation", name="Laporan unit").get_by_role(
        "link", name="Per kursus"
    ).click()
    page.locator("table").get_by_role("link", name=COURSE_CODE).click()
    page.wait_for_url(re.compile(rf"/laporan/unit/{PROVINCE}/kursus/\d+/"))
    report_url = page.url
    # (Other journeys may have completed the course too: Yusuf Maulana's row is the one to read.)
    certificate = page.locator("tr", has_text=DONE[1]).locator("td.cert a")
    deadline = time.monotonic() + 90
    while not certificate.count() and time.monotonic() < deadline:  # the worker renders it
        page.wait_for_timeout(1000)
        page.goto(report_url)
    assert certificate.count() == 1, live_stack.log_tail("worker")
    assert re.search(r"/SERT/", certificate.inner_text())
    assert page.locator("details.report-filters").count() == 1
    assert page.locator("main form[method=get]").count() == 1
    page.set_viewport_size(DESKTOP)
    fit = page.evaluate(FIT_SCRIPT)
    assert fit["scroll"] <= fit["client"] + 1, fit
    assert fit["certRight"] <= DESKTOP["width"], fit
    page.screenshot(path=str(screenshots_dir / "reminder-journey-course-report-1280x800.png"))
    axe.check(page, "course report")
    shoot(page, "course-report")

    # A course reminder to everyone who has not completed it.
    page.get_by_role("button", name="Kirim pengingat ke semua yang belum selesai").click()
    page.wait_for_url(re.compile(rf"/laporan/unit/{PROVINCE}/kursus/\d+/"))
    text = page.locator("ul.messages").inner_text()
    # Ratna and Teguh (and whoever other journeys enrolled without completing) get one;
    # Rudi, reminded from the JP list, is skipped.
    assert re.search(r"Pengingat sedang dikirim ke \d+ pegawai\.", text), text
    assert "1 pegawai dilewati karena sudah diingatkan" in text
    for name in ("Ratna Dewi", "Teguh Santoso"):
        last = page.locator("tbody tr", has_text=name).locator("td").last.inner_text()
        assert re.search(r"\d{1,2} \w{3} \d{4}", last), (name, last)

    # The learning record of the one who completed it, from her name in the report.
    page.locator("table").get_by_role("link", name=DONE[1], exact=True).click()
    page.wait_for_url(re.compile(rf"/laporan/unit/{PROVINCE}/pegawai/\d+/"))
    assert f"Riwayat belajar: {DONE[1]}" in page.get_by_role("heading", level=2).first.inner_text()
    main = page.locator("main").inner_text()
    assert COURSE_CODE in main and "Pre-test 40,0 · Post-test 90,0 · naik 50,0" in main
    assert "8 dari 20 JP" in main
    assert page.get_by_role("link", name="Unduh PDF").count() == 1
    assert page.get_by_role("link", name="Verifikasi").count() == 1
    axe.check(page, "learning record")
    shoot(page, "learning-record")

    # Rudi's record: the reminder was sent by the worker.
    page.go_back()
    page.goto(f"/laporan/unit/{PROVINCE}/jp/")
    page.locator("table").get_by_role("link", name=UNDER[0], exact=True).click()
    page.wait_for_url(re.compile(rf"/laporan/unit/{PROVINCE}/pegawai/\d+/"))
    deadline = time.monotonic() + 60
    while "Terkirim" not in page.locator("main").inner_text() and time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        page.reload()
    assert "Kekurangan JP" in page.locator("main").inner_text()
    assert "Terkirim" in page.locator("main").inner_text(), live_stack.log_tail("worker")
    shoot(page, "reminded-record")

    axe.assert_clean()
