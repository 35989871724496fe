"""A trainer writes a course in the Wagtail admin and submits it, whole, in one action; Admin
LMS approves it in one action and it appears in the catalogue with all its pages."""

import re
from pathlib import Path

from .conftest import log_in

TRAINER = "pengajar@lms-bawaslu.test"
ADMIN = "admin@lms-bawaslu.test"
GIFT = Path(__file__).resolve().parent / "data" / "pengawasan-kampanye.gift"
CATEGORY = "Pengawasan Kampanye (uji peramban)"
COURSE = {
    "title": "Dasar Pengawasan Kampanye Pemilu",
    "code": "UJI-KMP-01",
    "jp": "2",
    "minutes": "90",
    "summary": "Kursus singkat tentang dasar pengawasan kampanye pemilu bagi pengawas baru.",
}
MODULE = "Aturan Dasar Kampanye"
LESSON = "Siapa mengawasi kampanye"
QUIZ = "Post-test UJI-KMP-01"


def page_id(page) -> int:
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    return int(re.search(r"/admin/pages/(\d+)/edit/", page.url).group(1))


def fill_title(page, title: str) -> None:
    """Type the title as a person does; Wagtail fills the slug from it."""
    page.locator("#id_title").press_sequentially(title)
    page.locator("#id_title").blur()
    if not page.locator("#id_slug").input_value():
        page.get_by_role("tab", name="Promosikan").click()
        page.locator("#id_slug").fill(re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"))
        page.get_by_role("tab", name="Konten").click()


def save_draft(page) -> int:
    """Save and wait for the editor of the saved page; a refused save fails with the
    editor's own messages, not a timeout."""
    page.get_by_role("button", name="Simpan konsep").click()
    saved = page.locator(".messages .success")
    refused = page.locator(".messages .error")
    saved.or_(refused).first.wait_for(timeout=60_000)
    if not saved.count():
        messages = " | ".join(refused.all_inner_texts())
        raise AssertionError(f"the page was not saved: {messages}")
    return page_id(page)


def rich_text(page, field_name: str, text: str) -> None:
    """Type into the Draftail editor of the field named `field_name`."""
    editor = (
        page.locator(f"input[name='{field_name}']")
        .locator("xpath=..")
        .locator("[contenteditable=true]")
    )
    editor.click()
    editor.press_sequentially(text)
    page.wait_for_function(
        "([name, text]) => document.querySelector(`input[name='${name}']`).value.includes(text)",
        arg=[field_name, text],
    )


def add_block(page, kind: str) -> str:
    """Append a block of `kind` (its label in the chooser) to the lesson's body; returns
    the prefix of its fields' names."""
    count = page.locator("input[name=body-count]")
    before = int(count.input_value())
    page.locator("[data-contentpath=body] .c-sf-add-button").last.click()
    page.get_by_role("option", name=kind, exact=True).click()
    page.wait_for_function(
        "n => Number(document.querySelector('input[name=body-count]').value) > n", arg=before
    )
    return f"body-{before}-value"


def open_more_actions(page) -> None:
    page.locator("footer [data-w-dropdown-target='toggle']").last.click()


def submit_for_moderation(page) -> None:
    """The course's own submission: the whole course, modules, lessons and quizzes."""
    open_more_actions(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Ajukan seluruh kursus untuk ditinjau").click()
    message = page.locator(".messages").inner_text()
    assert "telah dikirim untuk moderasi" in message, message


def test_trainer_journey(new_context, base_url, shoot):
    trainer = new_context().new_page()
    log_in(trainer, TRAINER, mfa=True)

    # Questions from a GIFT file into a new category of the question bank.
    trainer.goto("/admin/bank-soal/impor/")
    trainer.locator("#id_file").set_input_files(GIFT)
    trainer.locator("#id_fmt").select_option("gift")
    trainer.locator("#id_new_category").fill(CATEGORY)
    trainer.get_by_role("button", name="Periksa dan impor").click()
    trainer.get_by_text(f"4 soal baru disimpan di kategori {CATEGORY}.").wait_for()
    shoot(trainer, "gift-import")

    # The course, from the catalogue's page in the admin.
    trainer.goto("/admin/pages/")
    trainer.get_by_role("link", name="Tambahkan halaman turunan").first.click()
    # The catalogue holds courses and programmes: Wagtail asks which one first.
    course_type = trainer.get_by_role("link", name=re.compile(r"^\s*kursus\s*$", re.I))
    course_type.or_(trainer.locator("#id_title")).first.wait_for()
    if course_type.count():
        course_type.first.click()
    trainer.locator("#id_title").wait_for()
    fill_title(trainer, COURSE["title"])
    trainer.locator("#id_code").fill(COURSE["code"])
    rich_text(
        trainer,
        "objectives",
        "Menjelaskan siapa yang mengawasi kampanye dan apa yang dilarang.",
    )
    trainer.get_by_role("button", name="Pilih kategori kursus").click()
    trainer.locator(".modal").get_by_role("link", name="Bimtek").click()
    trainer.locator("#id_jp").fill(COURSE["jp"])
    trainer.locator("#id_duration_minutes").fill(COURSE["minutes"])
    trainer.locator("#id_summary").fill(COURSE["summary"])
    course_id = save_draft(trainer)
    shoot(trainer, "course-editor")

    # A module below it.
    trainer.goto(f"/admin/pages/add/kursus/modulepage/{course_id}/")
    fill_title(trainer, MODULE)
    trainer.locator("#id_summary").fill("Siapa mengawasi kampanye, dan larangan dalam kampanye.")
    module_id = save_draft(trainer)

    # A lesson with a subheading, a paragraph, an info box and key points.
    trainer.goto(f"/admin/pages/add/kursus/lessonpage/{module_id}/")
    fill_title(trainer, LESSON)
    trainer.locator("#id_duration_minutes").fill("20")
    heading = add_block(trainer, "Subjudul")
    trainer.locator(f"input[name='{heading}']").fill("Pengawas kampanye")
    paragraph = add_block(trainer, "Paragraf")
    rich_text(
        trainer,
        paragraph,
        "Bawaslu dan jajarannya mengawasi seluruh tahapan kampanye, sampai ke desa.",
    )
    callout = add_block(trainer, "Kotak info")
    trainer.locator(f"select[name='{callout}-kind']").select_option(index=1)
    trainer.locator(f"input[name='{callout}-title']").fill("Ingat")
    rich_text(trainer, f"{callout}-text", "Alat peraga kampanye dilarang di tempat ibadah.")
    points = add_block(trainer, "Poin penting")
    point = trainer.locator(f"input[name='{points}-points-0-value']")
    points_count = trainer.locator(f"input[name='{points}-points-count']")
    points_count.wait_for(state="attached")
    if points_count.input_value() == "0":
        trainer.locator(
            f"[data-contentpath=points]:has(input[name='{points}-points-count']) .c-sf-add-button"
        ).first.click()
    point.fill("Pengawas desa disebut PKD.")
    shoot(trainer, "lesson-editor")
    save_draft(trainer)

    # The post-test: three questions drawn at random from the imported category.
    trainer.goto(f"/admin/pages/add/kursus/quizpage/{course_id}/")
    fill_title(trainer, QUIZ)
    trainer.locator("#id_kind").select_option("posttest")
    trainer.locator("#id_pass_mark").fill("60")
    trainer.get_by_role("button", name="Pilih kategori soal").first.click()
    trainer.locator(".modal").get_by_role("link", name=CATEGORY).click()
    trainer.locator(".modal").wait_for(state="hidden")
    trainer.locator("#id_slots-0-draw_count").fill("3")
    save_draft(trainer)
    shoot(trainer, "quiz-editor")

    # Submit the whole course for moderation, in one action.
    trainer.goto(f"/admin/pages/{course_id}/edit/")
    submit_for_moderation(trainer)
    shoot(trainer, "submitted")
    catalogue = new_context().new_page()
    catalogue.goto("/kursus/")
    assert COURSE["title"] not in catalogue.locator("main").inner_text()

    # Admin LMS approves (and so publishes) the whole course, in one action.
    admin = new_context().new_page()
    log_in(admin, ADMIN, mfa=True)
    admin.goto(f"/admin/pages/{course_id}/edit/")
    open_more_actions(admin)
    with admin.expect_navigation():
        admin.get_by_role("button", name="Setujui dan terbitkan seluruh kursus").click()
    message = admin.locator(".messages").inner_text()
    assert "telah diperbarui" in message, message
    shoot(admin, "approved")

    # The course is in the catalogue, with its module, lesson and post-test.
    catalogue.goto("/kursus/")
    catalogue.get_by_role("link", name=COURSE["title"]).click()
    outline = catalogue.locator("main").inner_text()
    assert MODULE in outline and LESSON in outline and QUIZ in outline, outline
    shoot(catalogue, "course-in-catalogue")
