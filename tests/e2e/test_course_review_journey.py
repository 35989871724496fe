"""A course written, reviewed and published as one piece: a trainer copies a demo course for
its next edition, previews each kind of page in the editor and submits the whole course in
one action; Admin LMS finds it as one item, previews each page from the review and approves
it in one action; a learner then finds the course live with its modules and lessons."""

import re

from .conftest import log_in
from .helpers import demo_course

TRAINER = "pengajar@lms-bawaslu.test"
ADMIN = "admin@lms-bawaslu.test"
LEARNER = "peserta@lms-bawaslu.test"
SOURCE = demo_course("ori-01.json")
COPY = {
    "title": "Orientasi Kelembagaan Bawaslu (edisi 2027)",
    "code": "ORI-01-2027",
    "slug": "ori-01-2027",
}
PREVIEW_NOTE = "Pratinjau: halaman ini tampil seperti yang akan dilihat peserta"


def edit_id(page) -> int:
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    return int(re.search(r"/admin/pages/(\d+)/edit/", page.url).group(1))


def editor_preview(page, expected: str):
    """Open the editor's preview panel and wait for `expected` in it; returns the frame."""
    toggle = page.locator("button[data-side-panel-toggle='preview']")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    frame = page.frame_locator("#w-preview-iframe")
    frame.get_by_text(PREVIEW_NOTE).wait_for()
    frame.get_by_text(expected).first.wait_for()
    return frame


def open_child(page, parent_id: int, title: str) -> int:
    """From the explorer listing of `parent_id`, open the child page titled `title`."""
    page.goto(f"/admin/pages/{parent_id}/")
    page.locator("main").get_by_role("link", name=title, exact=True).first.click()
    return edit_id(page)


def test_course_review_journey(new_context, shoot):
    module = SOURCE["modules"][0]
    lesson = module["lessons"][0]
    quiz = next(q for q in SOURCE["quizzes"] if q["kind"] == "posttest")
    first_option = quiz["questions"][0]["options"][0]["text"]

    # The trainer copies the demo course for a new edition.
    trainer = new_context().new_page()
    log_in(trainer, TRAINER, mfa=True)
    trainer.goto(f"/admin/pages/search/?q={SOURCE['title']}")
    trainer.locator("main").get_by_role("link", name=SOURCE["title"]).first.click()
    edit_id(trainer)
    # "Salin kursus" is among the course's header actions.
    trainer.locator("#w-slim-header-buttons [data-w-dropdown-target='toggle']").click()
    trainer.get_by_role("link", name="Salin kursus").click()
    trainer.locator("#id_title").fill(COPY["title"])
    trainer.locator("#id_code").fill(COPY["code"])
    trainer.locator("#id_slug").fill(COPY["slug"])
    shoot(trainer, "copy-form")
    trainer.get_by_role("button", name="Buat salinan").click()
    course_id = edit_id(trainer)
    assert f"Kursus {COPY['code']} dibuat dari salinan" in trainer.locator(".messages").inner_text()

    # It previews each kind of page in the editor, as a learner will see it.
    frame = editor_preview(trainer, module["title"])
    assert frame.get_by_text(lesson["title"]).count()
    shoot(trainer, "preview-course")
    module_id = open_child(trainer, course_id, module["title"])
    editor_preview(trainer, module["lessons"][-1]["title"])
    shoot(trainer, "preview-module")
    lesson_id = open_child(trainer, module_id, lesson["title"])
    frame = editor_preview(trainer, lesson["title"])
    assert frame.get_by_role("button", name="Tandai selesai dan lanjutkan").is_disabled()
    shoot(trainer, "preview-lesson")
    open_child(trainer, course_id, quiz["title"])
    frame = editor_preview(trainer, "Nilai lulus")
    assert frame.get_by_role("button", name="Mulai kuis").is_disabled()
    assert first_option not in frame.locator("body").inner_text()
    shoot(trainer, "preview-quiz")

    # A lesson offers only its course's submission; the whole course goes in one action.
    trainer.goto(f"/admin/pages/{lesson_id}/edit/")
    trainer.locator("footer [data-w-dropdown-target='toggle']").last.click()
    assert not trainer.get_by_role("button", name=re.compile("Pengajuan ke")).count()
    with trainer.expect_navigation():
        trainer.get_by_role("button", name="Simpan dan ajukan seluruh kursus").click()
    assert "diajukan untuk ditinjau bersama seluruh isinya" in (
        trainer.locator(".messages").inner_text()
    )
    shoot(trainer, "submitted")

    # Admin LMS finds one item in the course review queue.
    admin = new_context().new_page()
    log_in(admin, ADMIN, mfa=True)
    admin.goto("/admin/")
    admin.get_by_role("link", name="Tinjauan kursus").first.click()
    rows = admin.locator("main table tbody tr")
    shoot(admin, "queue")
    assert rows.count() == 1, admin.locator("main").inner_text()
    assert COPY["code"] in rows.first.inner_text()
    with admin.expect_navigation():
        rows.first.get_by_role("link", name="Tinjau").click()
    outline = admin.locator("[data-review-outline]")
    titles = [m["title"] for m in SOURCE["modules"]] + [lesson["title"], quiz["title"]]
    for title in titles:
        assert outline.get_by_text(title, exact=True).count(), title
    assert admin.locator("[data-change='new']").count() == 1 + len(SOURCE["modules"]) + sum(
        len(m["lessons"]) for m in SOURCE["modules"]
    ) + len(SOURCE["quizzes"])
    shoot(admin, "review")

    # It previews each kind of page from the review, in a new tab.
    for title, expected in [
        (COPY["title"], module["title"]),
        (module["title"], lesson["title"]),
        (lesson["title"], lesson["title"]),
        (quiz["title"], "Nilai lulus"),
    ]:
        row = outline.locator("tr", has=admin.get_by_text(title, exact=True)).first
        with admin.expect_popup() as popup:
            row.get_by_role("link", name=re.compile("^Pratinjau")).click()
        preview = popup.value
        preview.get_by_text(PREVIEW_NOTE).wait_for()
        preview.get_by_text(expected).first.wait_for()
        assert first_option not in preview.locator("body").inner_text()
        shoot(preview, "review-preview-" + re.sub(r"[^a-z0-9]+", "-", title.lower())[:30])
        preview.close()

    # And approves the whole course in one action.
    admin.locator("#id_comment").fill("Sudah sesuai untuk edisi 2027.")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Setujui dan terbitkan seluruh kursus").click()
    assert "disetujui dan terbit bersama seluruh isinya" in admin.locator(".messages").inner_text()
    shoot(admin, "approved")

    # A learner finds the course live, with its modules and lessons, and starts it.
    learner = new_context().new_page()
    log_in(learner, LEARNER)
    learner.goto(f"/kursus/{COPY['slug']}/")
    main = learner.locator("main")
    for m in SOURCE["modules"]:
        assert m["title"] in main.inner_text()
    assert lesson["title"] in main.inner_text()
    shoot(learner, "course-live")
    learner.get_by_role("button", name="Daftar dan mulai belajar").click()
    learner.get_by_role("heading", name=lesson["title"]).wait_for()
    shoot(learner, "first-lesson")
