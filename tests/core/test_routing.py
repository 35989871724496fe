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


def _viewed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def _enrolled(client, learner, code: str, modules=(2,)):
    """A course the signed-in learner is enrolled in, and its first lesson."""
    course = make_course(code, modules=modules)
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    return course, course_lessons(course)[0]


def test_cached_page_unpublished_later_is_not_found_at_once(client, learner):
    _course, lesson = _enrolled(client, learner, "RUT-04")
    url = lesson.url
    _viewed(client, url)  # now in the router's cache

    lesson.unpublish()

    assert client.get(url).status_code == 404


def test_cached_page_renamed_or_edited_shows_the_new_version(client, learner):
    course, lesson = _enrolled(client, learner, "RUT-05")
    old_url = lesson.url
    _viewed(client, old_url)
    _viewed(client, course.url)

    lesson.title = "Materi dengan judul baru"
    lesson.slug = "judul-baru"
    lesson.save_revision().publish()
    course.title = "Kursus dengan judul baru"
    course.save_revision().publish()

    assert client.get(old_url).status_code == 404
    lesson.refresh_from_db()
    body = _viewed(client, lesson.url).content.decode()
    assert "Materi dengan judul baru" in body
    assert "Kursus dengan judul baru" in body  # the course cached with the lesson, too


def test_cached_page_moved_to_another_module(client, learner):
    course, lesson = _enrolled(client, learner, "RUT-06", modules=(2, 1))
    old_url = lesson.url
    _viewed(client, old_url)

    other_module = course.get_children().specific()[1]
    lesson.move(other_module, pos="last-child")

    lesson.refresh_from_db()
    old = client.get(old_url)  # not served from the cache: Wagtail's redirect to the new place
    assert old.status_code == 301
    assert old.url == lesson.url
