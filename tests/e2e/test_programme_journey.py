"""A blended programme from check-in to certificate: the facilitator shows the check-in code
of the Manado session on a phone, a learner checks in with it, the panel assessor scores the
presenting team, the trainer closes the cohort, and the learner answers the evaluation and
downloads the programme certificate.

Only this journey uses the demo programme's people, pengajar2 and the demo cohort (which it
closes): the other journeys use other demo people and courses."""

import datetime
import json
import re
import subprocess
import time
import zoneinfo

from .conftest import PHONE, SCREENSHOTS, log_in
from .test_employee_journey import poppler

TRAINER = "pengajar@lms-bawaslu.test"
ASSESSOR = "pengajar2@lms-bawaslu.test"
LEARNER = "andi.saragih@lms-bawaslu.test"
LEARNER_NAME = "Andi Saragih"
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")

IDS = """
import json
from program.models import Cohort
cohort = Cohort.objects.get(programme__code="BM-2026", name="Angkatan I")
manado = cohort.sessions.get(title__startswith="Sesi Manado")
print(json.dumps({"cohort": cohort.pk, "manado": manado.pk, "jp": cohort.programme.jp}))
"""


def wib(moment: datetime.datetime) -> str:
    return moment.astimezone(WIB).strftime("%Y-%m-%d %H:%M")


def test_programme_journey(live_stack, new_context, shoot, axe, tmp_path):
    ids = json.loads(live_stack.manage("shell", "-c", IDS).strip().splitlines()[-1])
    cohort_id, manado_id = ids["cohort"], ids["manado"]

    # The facilitator makes the Manado session current (it began a few minutes ago) ...
    trainer = new_context().new_page()
    log_in(trainer, TRAINER, mfa=True)
    trainer.goto(f"/admin/program/sesi/edit/{manado_id}/")
    now = datetime.datetime.now(tz=WIB)
    trainer.locator("#id_starts_at").fill(wib(now - datetime.timedelta(minutes=5)))
    trainer.locator("#id_ends_at").fill(wib(now + datetime.timedelta(hours=2)))
    trainer.locator("#id_ends_at").press("Escape")
    with trainer.expect_navigation():
        trainer.get_by_role("button", name="Simpan", exact=True).click()
    assert trainer.locator(".messages .error").count() == 0, trainer.locator(
        ".messages"
    ).inner_text()

    # ... and shows the check-in code on a phone held up in the room.
    trainer.set_viewport_size(PHONE)
    trainer.goto(f"/admin/program/sesi/{manado_id}/kode/")
    qr = trainer.locator("[data-qr]")
    qr.wait_for()
    assert (qr.get_attribute("src") or "").startswith("data:image/")
    shoot(trainer, "checkin-code")

    # The learner, on their phone, types the code shown (the typed-code way of the QR).
    learner = new_context(viewport=PHONE).new_page()
    log_in(learner, LEARNER)
    learner.goto("/program/hadir/")
    axe.check(learner, "checkin-code-form")
    code = trainer.locator("[data-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9 -]{4,12}", code), code
    learner.locator("#id_kode").fill(code)
    with learner.expect_navigation():
        learner.get_by_role("button", name="Catat kehadiran saya").click()
    assert "Tercatat hadir" in learner.locator("main").inner_text()
    axe.check(learner, "checked-in")
    shoot(learner, "checked-in")

    # The panel assessor scores the presenting team (Sulawesi Utara) on the rubric.
    assessor = new_context().new_page()
    log_in(assessor, ASSESSOR, mfa=True)
    assessor.goto(f"/program/penilaian/sesi/{manado_id}/")
    assert "Tim Bawaslu Provinsi Sulawesi Utara" in assessor.locator("h1").inner_text()
    fieldsets = assessor.locator("main form fieldset")
    assert fieldsets.count() == 4
    for index in range(4):
        fieldsets.nth(index).get_by_role("radio").nth(3 if index % 2 else 2).check()
    assessor.locator("#catatan").fill("Contoh kasus keamanan siber di Manado sangat membantu.")
    axe.check(assessor, "assessment-form")
    shoot(assessor, "assessment-form")
    with assessor.expect_navigation():
        assessor.get_by_role("button", name="Simpan nilai").click()
    assert "Nilai presentasi disimpan." in assessor.locator("body").inner_text()

    # The trainer opens the gradebook, finds the learner, and closes the cohort.
    trainer.set_viewport_size({"width": 1280, "height": 800})
    trainer.goto(f"/admin/program/nilai/angkatan/{cohort_id}/")
    row = trainer.locator("tr", has_text=LEARNER_NAME)
    assert row.count() == 1
    assert "Lulus" in row.inner_text()
    shoot(trainer, "gradebook")
    trainer.get_by_role("link", name="Tutup angkatan").click()
    trainer.wait_for_url(re.compile(r"/tutup/$"))
    assert "tidak dapat dibatalkan" in trainer.locator("main").inner_text()
    shoot(trainer, "close-confirmation")
    with trainer.expect_navigation():
        trainer.get_by_role("button", name="Ya, tutup angkatan").click()
    assert "Angkatan ditutup pada" in trainer.locator("main").inner_text()
    assert "Lulus" in trainer.locator("tr", has_text=LEARNER_NAME).inner_text()

    # The learner answers the programme's evaluation questionnaire ...
    learner.goto(f"/kuesioner/isi/program.cohort:{cohort_id}/")
    questions = learner.locator("main fieldset")
    assert questions.count() >= 5
    for index in range(questions.count()):
        questions.nth(index).get_by_role("radio").nth(1).check()
    learner.locator("main textarea").first.fill("Sesi hibrida berjalan lancar.")
    axe.check(learner, "questionnaire")
    shoot(learner, "questionnaire")
    with learner.expect_navigation():
        learner.get_by_role("button", name="Kirim jawaban").click()

    # ... and the worker renders the programme certificate: it appears on the dashboard.
    learner.goto("/dasbor/")
    download_link = learner.get_by_role("link", name="Unduh PDF")
    deadline = time.monotonic() + 120
    while not download_link.count():
        assert time.monotonic() < deadline, "the worker issued no certificate within 120 s"
        learner.wait_for_timeout(1000)
        learner.reload()
    axe.check(learner, "dashboard")
    shoot(learner, "dashboard")
    with learner.expect_download() as info:
        download_link.first.click()
    pdf = tmp_path / "sertifikat-program.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        [poppler("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", " ", text)
    (SCREENSHOTS / "programme-journey-certificate.txt").write_text(text, encoding="utf-8")
    assert "Bawaslu Membelajarkan" in flat
    assert "Angkatan I" in flat
    assert LEARNER_NAME in flat
    assert f"{ids['jp']} jam pelajaran (JP)" in flat, flat[:800]
    # The second page lists the curriculum.
    assert "\f" in text.rstrip("\f")
    assert "ORI-01" in flat and "BM-00" in flat

    axe.assert_clean()
