"""A trainer copies a course for its next edition: structure and quizzes, as drafts, with a
new title, code and address, and nothing of its learners."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from kursus.models import (
    CoursePage,
    Enrollment,
    LessonPage,
    ModulePage,
    QuestionCategory,
    QuizPage,
)
from kursus.services import CourseReviewError, course_copy, enrollment_create, lesson_complete

from ..factories import course_lessons, make_course, make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_with_learners(learner):
    course = make_course("IKP-01", modules=(2, 1), title="Kerawanan Pemilu 2026")
    category = QuestionCategory.objects.create(name="Bank IKP")
    question = make_question(category, "single", title="Soal IKP")
    make_quiz(course, questions=[question], draws=[(category, 1)], title="Post-test IKP")
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    return course


def test_a_trainer_copies_a_course_for_a_new_edition(client, trainer, course_with_learners):
    # given a live course with learners
    course = course_with_learners
    client.force_login(trainer)
    url = reverse("kursus_review:copy", args=[course.pk])
    assert "Salin kursus" in client.get(url).content.decode()

    # when the trainer copies it with a new title, code and address
    response = client.post(
        url, {"title": "Kerawanan Pemilu 2027", "code": "IKP-01-2027", "slug": "ikp-01-2027"}
    )

    # then the new edition is a draft with the same modules, lessons and quiz questions
    copy = CoursePage.objects.get(code="IKP-01-2027")
    assert response.url == reverse("wagtailadmin_pages:edit", args=[copy.pk])
    assert (copy.title, copy.slug, copy.live) == ("Kerawanan Pemilu 2027", "ikp-01-2027", False)
    assert copy.owner == trainer
    assert [m.title for m in ModulePage.objects.child_of(copy).order_by("path")] == [
        "Modul 1",
        "Modul 2",
    ]
    lessons = LessonPage.objects.descendant_of(copy).order_by("path")
    assert [lesson.title for lesson in lessons] == ["Materi 1.1", "Materi 1.2", "Materi 2.1"]
    assert not lessons.filter(live=True).exists()
    quiz = QuizPage.objects.child_of(copy).get()
    original = QuizPage.objects.child_of(course).get()
    assert [(s.question_id, s.category_id, s.draw_count) for s in quiz.slots.all()] == [
        (s.question_id, s.category_id, s.draw_count) for s in original.slots.all()
    ]
    assert not quiz.live
    # and nothing of the learners came along, while the original is untouched
    assert not Enrollment.objects.filter(course=copy).exists()
    assert Enrollment.objects.filter(course=course).count() == 1
    course.refresh_from_db()
    assert course.live and course.code == "IKP-01"


def test_a_copy_needs_a_code_and_an_address_of_its_own(client, trainer, course_with_learners):
    course = course_with_learners
    client.force_login(trainer)

    response = client.post(
        reverse("kursus_review:copy", args=[course.pk]),
        {"title": "Salinan", "code": "IKP-01", "slug": "ikp-01-baru"},
    )

    assert response.status_code == 200
    assert "Kode kursus IKP-01 sudah dipakai." in response.content.decode()
    with pytest.raises(CourseReviewError, match="sudah dipakai di katalog"):
        course_copy(course=course, user=trainer, title="Salinan", code="IKP-09", slug="ikp-01")
    assert CoursePage.objects.count() == 1


def test_wagtails_own_copy_of_a_course_leads_to_the_course_copy(client, trainer):
    course = make_course("CPY-01")
    client.force_login(trainer)

    response = client.get(reverse("wagtailadmin_pages:copy", args=[course.pk]))

    assert response.url == reverse("kursus_review:copy", args=[course.pk])


def test_a_learner_may_not_copy_a_course(client, learner):
    course = make_course("CPY-02")
    client.force_login(learner)

    response = client.post(
        reverse("kursus_review:copy", args=[course.pk]),
        {"title": "X", "code": "CPY-03", "slug": "cpy-03"},
    )

    assert response.status_code in (302, 403)
    assert not CoursePage.objects.filter(code="CPY-03").exists()


def test_a_copy_starts_without_the_originals_history_lock_and_dates(admin_lms, trainer):
    # given a live course with a later draft, locked by Admin LMS, whose enrolment closed
    closed = timezone.now() - datetime.timedelta(days=1)
    course = make_course(
        "CPY-09",
        modules=(1,),
        enrollment_opens_at=closed - datetime.timedelta(days=30),
        enrollment_closes_at=closed,
    )
    draft = course.get_latest_revision_as_object()
    draft.summary = "Draf lama yang belum ditinjau."
    draft.save_revision(user=admin_lms)
    Page.objects.descendant_of(course, inclusive=True).update(locked=True, locked_by=admin_lms)

    # when a trainer copies it for the next edition
    copy = course_copy(
        course=CoursePage.objects.get(pk=course.pk),
        user=trainer,
        title="Salinan",
        code="CPY-10",
        slug="cpy-10",
    )

    # then each copied page has one revision of its own, no lock, and the copy's enrolment
    # window is open for the new edition to set
    pages = Page.objects.descendant_of(copy, inclusive=True).specific()
    assert len(pages) == 3
    for page in pages:
        assert not page.locked and page.locked_by is None
        assert [r.content.get("code") for r in page.revisions.all()] in (["CPY-10"], [None])
        assert page.revisions.count() == 1
        assert not page.get_latest_revision_as_object().locked
    copy = CoursePage.objects.get(pk=copy.pk)
    assert copy.enrollment_opens_at is None and copy.enrollment_closes_at is None
    latest = copy.get_latest_revision_as_object()
    assert latest.enrollment_closes_at is None and latest.code == "CPY-10"
    assert "Draf lama" not in latest.summary
