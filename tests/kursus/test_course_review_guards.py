"""The ways around the whole-course review are closed: the page listing's bulk actions, a
go-live date, unpublishing or deleting the last lesson of a live course, pages copied or moved
into a course in review, and mandatory assignments of a course nobody can take."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import querydict_from_html

from kursus.forms import MandatoryAssignmentForm
from kursus.models import (
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonPage,
    MandatoryAssignment,
)
from kursus.selectors import course_suggestion_list, courses_open_to_learners
from kursus.services import assignment_apply, course_review_decide, course_review_submit

from ..factories import make_course, make_draft_course

pytestmark = pytest.mark.django_db


def bulk_url(action: str, *pages) -> str:
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", action))
    return url + "?" + "&".join(f"id={page.pk}" for page in pages) + "&next=/admin/"


def texts(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_bulk_publish_of_a_course_without_lessons_is_refused(client, admin_lms):
    # given a draft course whose only lesson was deleted
    course, _module, lessons, _quiz = make_draft_course("BLK-01", owner=admin_lms)
    lessons[0].delete()
    client.force_login(admin_lms)

    # when Admin LMS publishes it from the page listing, with its subpages
    response = client.post(bulk_url("publish", course), {"include_descendants": "on"}, follow=True)

    # then nothing goes live and the reason is shown
    assert "Kursus ini belum memiliki materi" in texts(response)
    course.refresh_from_db()
    assert not course.live
    assert not Page.objects.descendant_of(course, inclusive=True).live().exists()


def test_bulk_publish_of_a_course_alone_publishes_the_whole_course(client, admin_lms):
    # given a draft course with a module, a lesson and a quiz
    course, _module, _lessons, _quiz = make_draft_course("BLK-02", owner=admin_lms)
    client.force_login(admin_lms)

    # when Admin LMS publishes only the course page from the listing (no subpages asked)
    client.post(bulk_url("publish", course), {}, follow=True)

    # then the course is live with every page of it, and learners can take it
    assert not Page.objects.descendant_of(course, inclusive=True).filter(live=False).exists()
    assert courses_open_to_learners().filter(pk=course.pk).exists()


def test_a_course_cannot_be_given_a_go_live_date(client, admin_lms, trainer):
    # given a draft course open in the editor of Admin LMS
    course, _module, lessons, _quiz = make_draft_course("SCH-01", owner=admin_lms)
    client.force_login(admin_lms)
    edit_url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    data = querydict_from_html(client.get(edit_url).content.decode(), form_id="page-edit-form")
    data["go_live_at"] = (timezone.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    data["action-publish"] = "action-publish"

    # when it is published with a go-live date
    response = client.post(edit_url, data)

    # then the form is refused with the reason and nothing is scheduled or published
    assert response.status_code == 200
    assert "tidak dapat dijadwalkan" in response.content.decode()
    course.refresh_from_db()
    assert not course.live and course.go_live_at is None
    # and no draft of a course (or a page in it) may carry one: the review never schedules
    draft = lessons[0].get_latest_revision_as_object()
    draft.go_live_at = timezone.now() + datetime.timedelta(days=7)
    with pytest.raises(ValidationError, match="tidak dapat dijadwalkan"):
        draft.save_revision(user=trainer)
    course_draft = CoursePage.objects.get(pk=course.pk).get_latest_revision_as_object()
    course_draft.go_live_at = timezone.now() + datetime.timedelta(days=7)
    with pytest.raises(ValidationError, match="tidak dapat dijadwalkan"):
        course_draft.save_revision(user=trainer)


def test_the_last_live_lesson_of_a_live_course_cannot_be_unpublished_or_deleted(client, admin_lms):
    # given a live course with one lesson
    course = make_course("UNP-01", modules=(1,))
    lesson = LessonPage.objects.descendant_of(course).get()
    client.force_login(admin_lms)

    # when Admin LMS unpublishes it, deletes it, or does either from the page listing
    unpublish = client.post(
        reverse("wagtailadmin_pages:unpublish", args=[lesson.pk]), {}, follow=True
    )
    delete = client.post(reverse("wagtailadmin_pages:delete", args=[lesson.pk]), {}, follow=True)
    bulk_unpublish = client.post(bulk_url("unpublish", lesson), {}, follow=True)
    bulk_delete = client.post(bulk_url("delete", lesson), {}, follow=True)

    # then each is refused with the reason, and the lesson stays live
    for response in (unpublish, delete, bulk_unpublish, bulk_delete):
        assert "materi terakhirnya yang terbit" in texts(response)
    lesson.refresh_from_db()
    assert lesson.live
    # while a lesson of a course with another live lesson may go
    other = make_course("UNP-02", modules=(2,))
    first = LessonPage.objects.descendant_of(other).order_by("path").first()
    client.post(reverse("wagtailadmin_pages:unpublish", args=[first.pk]), {})
    first.refresh_from_db()
    assert not first.live


def test_nothing_is_copied_or_moved_into_a_course_in_review(client, trainer, admin_lms):
    # given a course in review, and another draft course of the same trainer
    course, module, _lessons, _quiz = make_draft_course("MOV-01", owner=trainer)
    _other, _m2, other_lessons, _q2 = make_draft_course("MOV-02", owner=trainer, lessons=2)
    course_review_submit(course=course, user=trainer)
    client.force_login(trainer)

    # when the trainer copies a lesson into it, and moves another into it
    copy = client.post(
        reverse("wagtailadmin_pages:copy", args=[other_lessons[0].pk]),
        {
            "new_title": "Materi selundupan",
            "new_slug": "materi-selundupan",
            "new_parent_page": module.pk,
        },
        follow=True,
    )
    move = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=[other_lessons[1].pk, module.pk]),
        {},
        follow=True,
    )

    # then both are refused with the reason, and the approval publishes only what was reviewed
    assert "sedang ditinjau" in texts(copy)
    assert "sedang ditinjau" in texts(move)
    assert not LessonPage.objects.filter(title="Materi selundupan").exists()
    assert LessonPage.objects.get(pk=other_lessons[1].pk).get_parent().pk != module.pk
    course_review_decide(course=course, user=admin_lms, approve=True)
    assert LessonPage.objects.live().descendant_of(course).count() == 1


def test_a_lesson_of_a_course_in_review_is_not_deleted(client, trainer):
    course, _module, lessons, _quiz = make_draft_course("MOV-05", owner=trainer, lessons=2)
    course_review_submit(course=course, user=trainer)
    client.force_login(trainer)

    response = client.post(
        reverse("wagtailadmin_pages:delete", args=[lessons[0].pk]), {}, follow=True
    )

    assert "sedang ditinjau" in texts(response)
    assert LessonPage.objects.filter(pk=lessons[0].pk).exists()


def test_a_live_course_without_a_live_lesson_is_offered_to_nobody(client, admin_lms, make_employee):
    # given a live course whose lessons were all taken down outside the admin, and another
    course = make_course("ASG-01", modules=(1,), title="Kursus Pengawasan Kosong")
    LessonPage.objects.descendant_of(course).get().unpublish()
    make_course("ASG-02", modules=(1,), title="Kursus Pengawasan Lengkap")
    employee = make_employee("32.04")

    # then the catalogue (listed or searched) does not show it
    client.force_login(employee.user)
    catalogue = CourseIndexPage.objects.get().url
    for response in (client.get(catalogue), client.get(catalogue, {"q": "Pengawasan"})):
        page = response.content.decode()
        assert "Kursus Pengawasan Lengkap" in page
        assert "Kursus Pengawasan Kosong" not in page
    # nor the assignment form, nor a learner's suggestions
    form = MandatoryAssignmentForm(for_user=admin_lms)
    assert course not in form.fields["course"].queryset
    suggested = course_suggestion_list(user=employee.user, root_url_path="/")
    assert "ASG-01" not in [s.course_code for s in suggested]
    # and an existing assignment to it enrols nobody
    assignment = MandatoryAssignment.objects.create(
        course=course, unit=employee.unit, due_date=datetime.date(2027, 1, 1)
    )
    assert assignment_apply(assignment=assignment) == 0
    assert not Enrollment.objects.filter(course=course).exists()


def test_the_review_shows_which_lessons_taken_down_the_approval_puts_back(
    client, trainer, admin_lms
):
    # given a course of two lessons, reviewed and published, then one lesson taken down by
    # Admin LMS, and the course submitted again
    course, _module, lessons, _quiz = make_draft_course("RPB-01", owner=trainer, lessons=2)
    course_review_submit(course=course, user=trainer)
    course_review_decide(course=course, user=admin_lms, approve=True)
    client.force_login(admin_lms)
    client.post(reverse("wagtailadmin_pages:unpublish", args=[lessons[0].pk]), {})
    assert not LessonPage.objects.get(pk=lessons[0].pk).live
    course_review_submit(course=CoursePage.objects.get(pk=course.pk), user=trainer)

    # when the reviewer opens the course's review
    page = client.get(reverse("kursus_review:detail", args=[course.pk])).content.decode()

    # then that lesson is marked as one the approval publishes again
    assert page.count('data-change="republished"') == 1
    assert "pernah ditarik, terbit lagi bila disetujui" in page
