"""Every page of the course tree previews in the admin as a learner would see it: in the
editor's preview panel, as a draft, and from a course's review, including pages of a course
never published. A preview never shows a quiz's key and never starts or records anything."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from kursus.models import CourseIndexPage, Enrollment, LessonProgress, QuestionCategory, QuizAttempt
from kursus.services import course_review_submit

from ..factories import course_lessons, make_course, make_draft_course, make_question

pytestmark = pytest.mark.django_db

KEY = "Benar sekali"  # the right option of make_question's single-choice question


@pytest.fixture
def draft(trainer):
    category = QuestionCategory.objects.create(name="Kategori pratinjau")
    question = make_question(category, "single", title="Soal pratinjau")
    return make_draft_course("PRV-10", owner=trainer, lessons=2, quiz_questions=[question])


def editor_preview(client, page, **changes):
    """What the editor's preview panel shows for `page` with `changes` typed into its form:
    the form as the edit view renders it, posted to the preview URL, then the preview read."""
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert edit.status_code == 200
    data = querydict_from_html(edit.content.decode(), form_id="page-edit-form")
    for name, value in changes.items():
        data[name] = value
    if page.specific_class.__name__ == "LessonPage":
        body = changes.get("body_text", f"<p>Isi materi {page.title}.</p>")
        data.update(nested_form_data({"body": streamfield([("paragraph", rich_text(body))])}))
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    state = client.post(url, data)
    assert state.json()["is_valid"], state.json()
    return client.get(url)


def test_the_editor_previews_every_page_type_of_a_draft_course(client, trainer, draft):
    # given a course never published, its module, lessons and quiz as drafts
    course, module, lessons, quiz = draft
    client.force_login(trainer)

    # when the trainer previews each page in the editor
    pages = {
        "catalogue": editor_preview(client, CourseIndexPage.objects.get()),
        "course": editor_preview(client, course),
        "module": editor_preview(client, module, title="Modul konsep (diperbarui)"),
        "lesson": editor_preview(client, lessons[0], body_text="<p>Teks yang baru diketik.</p>"),
        "quiz": editor_preview(client, quiz),
    }

    # then each shows what a learner will see, drafts included
    for name, response in pages.items():
        assert response.status_code == 200, name
    text = {name: response.content.decode() for name, response in pages.items()}
    assert "Katalog" in text["catalogue"]
    assert "Modul konsep" in text["course"] and "Materi konsep 2" in text["course"]
    assert "1 modul · 2 materi" in text["course"]
    assert "Post-test PRV-10" in text["course"]
    assert "Modul konsep (diperbarui)" in text["module"] and "Materi konsep 1" in text["module"]
    assert "Teks yang baru diketik." in text["lesson"]
    assert "Materi konsep 2" in text["lesson"]  # the course's outline beside the lesson
    assert "Petunjuk post-test konsep." in text["quiz"]
    assert "70" in text["quiz"] and "20 menit" in text["quiz"] and "2 kali" in text["quiz"]
    assert "Pratinjau: halaman ini tampil" in text["quiz"]
    for name in ("course", "lesson", "quiz"):
        assert KEY not in text[name] and "Pertanyaan Soal pratinjau" not in text[name], name
    # and nothing was started or recorded
    assert not QuizAttempt.objects.exists()
    assert not Enrollment.objects.exists()
    assert not LessonProgress.objects.exists()


def test_the_reviewer_previews_every_page_type_of_a_submitted_course(
    client, trainer, admin_lms, draft
):
    # given a whole course submitted for review
    course, module, lessons, quiz = draft
    state = course_review_submit(course=course, user=trainer)
    task = state.current_task_state.task
    client.force_login(admin_lms)

    # when the reviewer opens the course's review preview and each page's draft
    course_preview = client.get(
        reverse("wagtailadmin_pages:workflow_preview", args=[course.pk, task.pk])
    )
    drafts = {
        page: client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
        for page in (course, module, lessons[0], lessons[1], quiz)
    }

    # then every one renders as a learner would see it, without the key
    assert course_preview.status_code == 200
    assert "Materi konsep 1" in course_preview.content.decode()
    for page, response in drafts.items():
        assert response.status_code == 200, page
        content = response.content.decode()
        assert page.title in content, page
        assert KEY not in content, page
    assert "Isi materi konsep 2." in drafts[lessons[1]].content.decode()
    # the outline links lead to the drafts of the pages, for the reviewer to click through
    assert reverse("wagtailadmin_pages:view_draft", args=[lessons[1].pk]) in (
        course_preview.content.decode()
    )
    assert not QuizAttempt.objects.exists()


def test_a_preview_of_a_live_course_shows_its_drafts_and_learners_still_see_the_live_one(
    client, trainer, learner
):
    # given a live course whose first lesson has a draft with a new title
    course = make_course("PRV-11", modules=(2,))
    lesson = course_lessons(course)[0]
    draft = lesson.get_latest_revision_as_object()
    draft.title = "Judul materi yang diperbarui"
    draft.save_revision(user=trainer)

    # when the trainer previews the course and a learner opens it
    client.force_login(trainer)
    preview = client.get(reverse("wagtailadmin_pages:view_draft", args=[course.pk]))
    client.force_login(learner)
    live = client.get(course.url)

    # then the preview shows the draft, the learner the live version
    assert "Judul materi yang diperbarui" in preview.content.decode()
    assert "Judul materi yang diperbarui" not in live.content.decode()
    assert "Materi 1.1" in live.content.decode()


def test_the_editors_preview_panel_may_frame_the_preview(client, trainer, draft):
    """The preview goes through the site's middleware, whose policy forbids framing; the
    admin's preview panel frames it from the same origin."""
    course = draft[0]
    client.force_login(trainer)

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[course.pk]))

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["frame-ancestors"] == "'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert policy["script-src"] == "'self'"  # the site's own policy otherwise


def test_a_lesson_being_written_previews_before_its_first_save(client, trainer, draft):
    # given the form of a new lesson in a module of a draft course
    _course, module, _lessons, _quiz = draft
    client.force_login(trainer)
    args = ["kursus", "lessonpage", module.pk]
    add = client.get(reverse("wagtailadmin_pages:add", args=args))
    data = querydict_from_html(add.content.decode(), form_id="page-edit-form")
    data.update({"title": "Materi yang belum disimpan", "slug": "belum-disimpan"})
    data["duration_minutes"] = "12"
    data.update(
        nested_form_data({"body": streamfield([("paragraph", rich_text("<p>Draf awal.</p>"))])})
    )

    # when the trainer previews it
    url = reverse("wagtailadmin_pages:preview_on_add", args=args)
    assert client.post(url, data).json()["is_valid"]
    response = client.get(url)

    # then it shows in its course, beside the lessons already written
    content = response.content.decode()
    assert response.status_code == 200
    assert "Draf awal." in content and "sekitar 12 menit" in content
    assert "Materi konsep 1" in content
