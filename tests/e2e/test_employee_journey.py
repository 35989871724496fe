"""An employee takes IKP-01 from the catalogue to a verified certificate."""

import re
import shutil
import subprocess
import time
from pathlib import Path

from PIL import Image

from .conftest import log_in
from .helpers import answer, chosen, demo_course, lesson_titles, lessons_opened_ago, quiz_key

COURSE_FILE = "ikp-01.json"
LEARNER = "peserta@lms-bawaslu.test"
LEARNER_NAME = "Ahmad Fauzi"
LESSONS_FIRST_VISIT = 2


def take_quiz(page, shoot, *, key: list[dict], right: int, name: str, axe=None) -> str:
    """Answer `right` questions right and the rest wrong, reloading halfway: nothing saved
    may be lost. Returns the result page's grade."""
    page.get_by_role("button", name=re.compile("Mulai kuis|Coba lagi")).click()
    page.wait_for_url(re.compile(r"/belajar/percobaan/\d+/$"))
    half = len(key) // 2
    picks = [q["right"] if i < right else q["wrong"] for i, q in enumerate(key)]
    for question, pick in zip(key[:half], picks[:half], strict=True):
        answer(page, question, pick)
    page.wait_for_timeout(200)
    # "Tersimpan pukul" in Indonesian: the page says when it last saved.
    assert "Tersimpan" in page.locator("[data-save-status]").inner_text()
    if axe is not None:
        axe.check(page, f"{name}: attempt")
    shoot(page, f"{name}-attempt")
    page.reload()
    for question, pick in zip(key[:half], picks[:half], strict=True):
        assert chosen(page, question, pick), f"lost after reload: {question['text']}"
    assert page.locator(".quiz-nav a.is-answered").count() == half
    for question, pick in zip(key[half:], picks[half:], strict=True):
        answer(page, question, pick)
    page.get_by_role("button", name="Periksa dan kumpulkan").click()
    page.wait_for_url(re.compile(r"/ringkasan/$"))
    assert page.get_by_text("Semua soal sudah dijawab.").is_visible()
    page.get_by_role("button", name="Kumpulkan sekarang").click()
    page.wait_for_url(re.compile(r"/hasil/$"))
    shoot(page, f"{name}-result")
    return page.locator(".stat", has_text="Nilai").first.locator("strong").inner_text()


def test_employee_journey(new_context, base_url, shoot, axe, tmp_path: Path, live_stack):
    course = demo_course(COURSE_FILE)
    titles = lesson_titles(COURSE_FILE)
    page = new_context().new_page()

    # The home page, then log in.
    page.goto("/")
    axe.check(page, "home")
    shoot(page, "home")
    log_in(page, LEARNER)

    # Find the course in the catalogue by searching for it.
    page.goto("/kursus/")
    page.get_by_label("Cari kursus").fill("kerawanan pemilu")
    page.get_by_label("Cari kursus").press("Enter")
    page.wait_for_url(re.compile(r"/kursus/\?q="))
    card = page.locator(".course-card", has_text=course["title"])
    card.wait_for()
    axe.check(page, "catalogue")
    shoot(page, "catalogue-search")
    card.get_by_role("link", name=course["title"]).click()
    page.get_by_role("heading", level=1, name=course["title"]).wait_for()
    course_url = page.url
    axe.check(page, "course")
    shoot(page, "course")

    # Enrol: the pre-test opens first (a reload in the middle loses nothing).
    page.get_by_role("button", name="Daftar dan mulai belajar").click()
    page.get_by_role("heading", level=1, name="Pre-test IKP-01").wait_for()
    pre = take_quiz(page, shoot, key=quiz_key(COURSE_FILE, "pretest"), right=3, name="pretest")
    assert pre == "60"

    # Read the first lessons, then leave. Each lesson may be marked done after half its
    # estimated minutes: the journey backdates the openings instead of waiting (the refusal
    # before that is test_lesson_rules_journey.py).
    lessons_opened_ago(live_stack, LEARNER, course["code"])
    page.goto(course_url)
    page.get_by_role("link", name="Mulai belajar").click()
    for index in range(LESSONS_FIRST_VISIT):
        page.get_by_role("heading", level=1, name=titles[index]).wait_for()
        if index == 0:
            axe.check(page, "lesson")
            shoot(page, "lesson")
        page.get_by_role("button", name="Tandai selesai dan lanjutkan").click()
    page.get_by_role("heading", level=1, name=titles[LESSONS_FIRST_VISIT]).wait_for()
    page.context.close()

    # Come back another day (a new browser, a new login) and continue where we left off.
    page = new_context().new_page()
    log_in(page, LEARNER)
    page.goto(course_url)
    progress = f"{LESSONS_FIRST_VISIT} dari {len(titles)} materi"
    assert progress in page.locator(".course-hero").inner_text()
    shoot(page, "course-continue")
    page.get_by_role("link", name="Lanjutkan belajar").click()
    for index in range(LESSONS_FIRST_VISIT, len(titles)):
        page.get_by_role("heading", level=1, name=titles[index]).wait_for()
        page.get_by_role("button", name="Tandai selesai dan lanjutkan").click()

    # Every lesson done: the post-test's page opens, and the learner passes it.
    page.get_by_role("heading", level=1, name="Post-test IKP-01").wait_for()
    assert "Semua materi selesai" in page.locator(".messages").inner_text()
    shoot(page, "posttest-intro")
    post = take_quiz(
        page, shoot, key=quiz_key(COURSE_FILE, "posttest"), right=5, name="posttest", axe=axe
    )
    assert post == "100"
    assert f"{course['jp']} JP tercatat" in page.locator(".quiz-result").inner_text()

    # The course page shows it done, with the gain from pre- to post-test.
    page.goto(course_url)
    hero = page.locator(".course-hero").inner_text()
    assert "Selesai" in hero and "peningkatan 40 poin" in hero, hero

    # The dashboard counts the JP; the worker issues the certificate.
    page.goto("/dasbor/")
    assert f"{course['jp']}" in page.locator(".jp-figure").inner_text()
    assert course["code"] in page.locator(".jp-list").inner_text()
    download_link = page.get_by_role("link", name="Unduh PDF")
    deadline = time.monotonic() + 180
    while not download_link.count():
        assert time.monotonic() < deadline, "the worker issued no certificate within 180 s"
        page.wait_for_timeout(1000)
        page.reload()
    axe.check(page, "dashboard")
    shoot(page, "dashboard")
    verify_path = page.get_by_role("link", name="Verifikasi").get_attribute("href")
    assert re.fullmatch(r"/sertifikat/verifikasi/[A-Z0-9-]{19}/", verify_path), verify_path

    # Download the PDF: the learner's name, the course, and a QR code of the verify link.
    with page.expect_download() as info:
        download_link.click()
    pdf = tmp_path / "sertifikat.pdf"
    info.value.save_as(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"/ByteRange" in data  # signed
    text = subprocess.run(
        [poppler("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert LEARNER_NAME in text
    assert course["code"] in text
    verify_url = base_url + verify_path
    assert qr_in_pdf_encodes(pdf, verify_url, tmp_path), f"no QR code of {verify_url}"

    # Open the QR code's link as anyone would (no login): the certificate is valid.
    stranger = new_context().new_page()
    stranger.goto(verify_url)
    result = stranger.locator(".verify-result")
    assert "Sertifikat ini sah dan berlaku." in result.inner_text()
    assert course["code"] in result.inner_text()
    axe.check(stranger, "verification")
    shoot(stranger, "verification")

    axe.assert_clean()


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} not found: apt-get install poppler-utils"
    return path


def qr_in_pdf_encodes(pdf: Path, url: str, tmp_path: Path) -> bool:
    """Whether an image in the PDF is, module for module, the QR code of `url` (rendered
    the way the certificate renders it: one pixel per module, error correction M)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=0, mask_pattern=2)
    code.add_data(url)
    code.make(fit=True)
    expected = code.get_matrix()
    subprocess.run([poppler("pdfimages"), "-png", str(pdf), str(tmp_path / "img")], check=True)
    for path in sorted(tmp_path.glob("img-*.png")):
        image = Image.open(path).convert("L")
        if image.size != (len(expected), len(expected)):
            continue
        pixels = image.load()
        matrix = [[pixels[x, y] < 128 for x in range(image.width)] for y in range(image.height)]
        if matrix == expected:
            return True
    return False
