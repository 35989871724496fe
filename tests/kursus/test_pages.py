"""The pages of the course tree: learners get them from kursus's views (through Wagtail's
`on_serve_page` hook), and an editor's preview renders them without a learner."""

import pytest

from kursus.models import CourseIndexPage

from ..factories import course_lessons, make_course, make_quiz

pytestmark = pytest.mark.django_db


def test_an_editor_previews_every_page_of_a_course():
    course = make_course("PRV-01", modules=(1,))
    lesson = course_lessons(course)[0]
    quiz = make_quiz(course, title="Tes akhir PRV")

    for page, text in [
        (CourseIndexPage.objects.get(), "Katalog"),
        (course, course.title),
        (lesson, "Isi materi 1.1."),
        (quiz, "Tes akhir PRV"),
    ]:
        response = page.make_preview_request()
        assert response.status_code == 200, page
        assert text in response.content.decode(), page


def test_learners_get_the_course_pages_from_kursus_views(client, learner):
    """The lesson page of someone not enrolled sends them to the course page (lesson_serve),
    and the course page shows its outline (course_context)."""
    course = make_course("PRV-02", modules=(2,))
    lesson = course_lessons(course)[0]
    client.force_login(learner)

    assert client.get(lesson.url).url == course.url
    assert "Materi 1.2" in client.get(course.url).content.decode()
