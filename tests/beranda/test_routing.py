"""Page URLs resolve in one query, but still honour Wagtail's view restrictions, drafts and
unknown paths."""

import pytest
from wagtail.models import PageViewRestriction

from kursus.services import enrollment_create

from ..factories import course_lessons, make_course

pytestmark = pytest.mark.django_db


def test_lesson_url_resolves_to_the_lesson(client, learner):
    course = make_course("RUT-01", modules=(2,))
    lesson = course_lessons(course)[0]
    enrollment_create(user=learner, course=course)
    client.force_login(learner)

    response = client.get(lesson.url)

    assert response.status_code == 200
    assert lesson.title in response.content.decode()


def test_unknown_and_unpublished_paths_are_not_found(client, learner):
    course = make_course("RUT-02", modules=(2,))
    lesson = course_lessons(course)[1]
    lesson.unpublish()
    client.force_login(learner)

    assert client.get(course.url + "tidak-ada/").status_code == 404
    assert client.get(lesson.url_path.removeprefix("/beranda")).status_code == 404


def test_a_restriction_added_later_applies_at_once(client, learner):
    # given a course that has been viewed (so the restricted paths are cached)
    course = make_course("RUT-03", modules=(1,))
    client.force_login(learner)
    assert client.get(course.url).status_code == 200

    # when an editor makes it private behind a password
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="rahasia"
    )

    # then the course and the pages below it ask for the password
    response = client.get(course.url)
    assert response.status_code == 200
    assert "password" in response.content.decode().lower()
    lesson = course_lessons(course)[0]
    assert 'name="password"' in client.get(lesson.url).content.decode()
