"""A trainer looks into the question bank: the list with its columns, a question previewed as
a learner sees it, and a question picked by its text in the chooser of a quiz's slot."""

import re
from urllib.parse import quote

from .conftest import log_in
from .helpers import demo_course, quiz_key

TRAINER = "pengajar@lms-bawaslu.test"
QUIZ = "Kuis pilihan soal (uji peramban)"
COLUMNS = ["Pertanyaan", "Tipe", "Kategori", "Label", "Dipakai di kuis", "Dijawab"]


def test_question_bank_journey(new_context, shoot):
    trainer = new_context().new_page()
    log_in(trainer, TRAINER, mfa=True)
    question = quiz_key("ikp-01.json", "posttest")[1]
    words = question["text"].split()
    # a few words from the middle of the question: what a trainer remembers of it
    fragment = " ".join(words[2:6])

    # The list: every column a trainer needs, in Indonesian, searched by the question's text.
    trainer.goto("/admin/snippets/kursus/question/")
    header = trainer.locator("table.listing thead").first.inner_text()
    for column in [*COLUMNS, "Indeks kemudahan", "Status"]:
        assert column in header, header
    trainer.get_by_role("textbox", name="Kata kunci pencarian").fill(fragment)
    trainer.wait_for_url(re.compile(r"[?&]q="))
    row = trainer.locator("table.listing tbody tr", has_text=fragment[:30]).first
    row.wait_for()
    cells = row.inner_text()
    assert "Pilihan tunggal" in cells and "Aktif" in cells, cells
    assert not re.search(r"\b(True|False|None)\b", cells), cells
    shoot(trainer, "bank-list")

    # The preview: the question as a learner sees it, options and no key.
    row.get_by_role("button", name=re.compile("^Pilihan lain")).click()
    with trainer.context.expect_page() as opened:
        row.get_by_role("link", name="Pratinjau").click()
    preview = opened.value
    preview.wait_for_load_state()
    shown = preview.locator("main").inner_text()
    assert question["text"][:40] in re.sub(r"\s+", " ", shown), shown
    assert question["right"] in shown and question["wrong"] in shown, shown
    assert "Kunci jawaban tidak ditampilkan" in shown
    assert preview.locator("input:checked").count() == 0
    shoot(preview, "preview")
    preview.close()

    # The chooser of a new quiz's slot: found by its text, chosen by its title.
    course = demo_course("ikp-01.json")["title"]
    trainer.goto(f"/admin/pages/search/?q={course}")
    trainer.locator("table.listing tbody").get_by_role("link", name=course, exact=True).click()
    trainer.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    course_id = re.search(r"/admin/pages/(\d+)/edit/", trainer.url).group(1)
    trainer.goto(f"/admin/pages/add/kursus/quizpage/{course_id}/")
    trainer.locator("#id_title").fill(QUIZ)
    trainer.get_by_role("tab", name="Promosikan").click()
    trainer.locator("#id_slug").fill("kuis-pilihan-soal-uji")
    trainer.get_by_role("tab", name="Konten").click()
    trainer.get_by_role("button", name="Pilih soal").first.click()
    modal = trainer.locator(".modal")
    modal.get_by_role("heading", name="Pilih soal").wait_for()
    modal_header = modal.locator("table thead").first.inner_text()
    for column in COLUMNS:
        assert column in modal_header, modal_header
    with trainer.expect_response(lambda r: "q=" in r.url and "/choose/" in r.url):
        modal.locator("input[name=q]").fill(fragment)
    result = modal.locator("table tbody tr", has_text=fragment[:30]).first
    result.wait_for()
    shoot(trainer, "chooser-search")
    title = result.locator("a").first.inner_text().strip()
    result.locator("a").first.click()
    modal.wait_for(state="hidden")
    slot = trainer.locator("#id_slots-FORMS")
    assert title in slot.inner_text()
    trainer.get_by_role("button", name="Simpan konsep").click()
    trainer.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    assert title in trainer.locator("#id_slots-FORMS").inner_text()
    shoot(trainer, "quiz-with-chosen-question")

    # The question's editor says which quizzes an edit reaches at once: the demo course's live
    # post-test and the draft quiz just saved, each with its course.
    trainer.goto(f"/admin/snippets/kursus/question/?q={quote(fragment)}")
    trainer.locator("table.listing tbody tr", has_text=fragment[:30]).first.get_by_role(
        "link", name=title
    ).first.click()
    trainer.wait_for_url(re.compile(r"/admin/snippets/kursus/question/edit/\d+/"))
    uses = re.sub(r"\s+", " ", trainer.locator(".question-uses").inner_text())
    assert "Soal ini dipakai di 2 kuis" in uses and "langsung berlaku" in uses, uses
    assert QUIZ in uses and course in uses and "draf" in uses and "tayang" in uses, uses
    shoot(trainer, "question-editor-uses")

    # Deactivating it warns that the live quiz's new attempts leave it out.
    question_id = re.search(r"/edit/(\d+)/", trainer.url).group(1)
    trainer.goto(f"/admin/bulk/kursus/question/deactivate/?id={question_id}")
    confirm = re.sub(r"\s+", " ", trainer.locator("main").inner_text())
    assert "dipakai langsung oleh 1 kuis yang sudah tayang" in confirm, confirm
    assert course in confirm and QUIZ not in confirm, confirm
    shoot(trainer, "deactivate-warning")
