"""A course is submitted, reviewed and published as one piece: one submission, one item in the
reviewer's queue with the course's outline and what changed, one decision with a comment."""

import pytest
from django.urls import reverse
from wagtail.models import Page, TaskState
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from kursus.models import CoursePage, LessonPage
from kursus.services import (
    CourseReviewError,
    EnrollmentError,
    course_review_decide,
    course_review_submit,
    enrollment_create,
)

from ..factories import course_lessons, make_course, make_draft_course

pytestmark = pytest.mark.django_db


def review_url(course) -> str:
    return reverse("kursus_review:detail", args=[course.pk])


def test_a_trainer_submits_the_whole_course_in_one_action_and_the_reviewer_sees_one_item(
    client, trainer, admin_lms
):
    # given a draft course with a module, two lessons and a quiz
    course, module, lessons, quiz = make_draft_course("REV-01", owner=trainer, lessons=2)
    client.force_login(trainer)

    # when the trainer submits it from its review page
    response = client.post(review_url(course), {"decision": "submit"}, follow=True)

    # then the course is in review, and the reviewer's queue holds one item: the course
    assert "Kursus REV-01 diajukan untuk ditinjau." in response.content.decode()
    assert TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS).count() == 1
    client.force_login(admin_lms)
    queue = client.get(reverse("kursus_review:list")).content.decode()
    assert queue.count("Tinjau</a>") == 1 and "REV-01" in queue
    # with its outline, each page new, and a preview of each
    page = client.get(review_url(course)).content.decode()
    for title in ("Modul konsep", "Materi konsep 1", "Materi konsep 2", "Post-test REV-01"):
        assert title in page
    assert page.count('data-change="new"') == 5
    for p in (module, *lessons, quiz):
        assert reverse("wagtailadmin_pages:view_draft", args=[p.pk]) in page
    assert "Setujui dan terbitkan seluruh kursus" in page


def test_approval_publishes_every_page_of_the_course_and_learners_can_enrol(
    client, trainer, admin_lms, learner
):
    # given a submitted draft course
    course, module, lessons, quiz = make_draft_course("REV-02", owner=trainer, lessons=2)
    course_review_submit(course=course, user=trainer)
    client.force_login(admin_lms)

    # when the reviewer approves it in one action
    response = client.post(review_url(course), {"decision": "approve", "comment": ""}, follow=True)

    # then the course and all its pages are live
    assert "disetujui dan terbit bersama seluruh isinya" in response.content.decode()
    for page in (course, module, *lessons, quiz):
        page.refresh_from_db()
        assert page.live, page
    client.force_login(learner)
    course_page = client.get(course.url).content.decode()
    assert "1 modul · 2 materi" in course_page
    assert "Materi konsep 2" in course_page and "Post-test REV-02" in course_page
    assert enrollment_create(user=learner, course=course).next_lesson_id == lessons[0].pk


def test_asking_for_changes_keeps_everything_as_drafts_and_the_trainer_reads_the_comment(
    client, trainer, admin_lms
):
    # given a submitted draft course
    course, module, lessons, quiz = make_draft_course("REV-03", owner=trainer)
    course_review_submit(course=course, user=trainer)
    client.force_login(admin_lms)

    # when the reviewer asks for changes without a comment, then with one
    empty = client.post(review_url(course), {"decision": "reject", "comment": " "}, follow=True)
    client.post(review_url(course), {"decision": "reject", "comment": "Lengkapi tujuan modul."})

    # then the first is refused with a message, the second keeps every page a draft
    assert "Tuliskan apa yang perlu diperbaiki oleh pengajar." in empty.content.decode()
    assert not Page.objects.filter(pk__in=[course.pk, module.pk, lessons[0].pk, quiz.pk], live=True)
    client.force_login(trainer)
    page = client.get(review_url(course)).content.decode()
    assert "Peninjau meminta perbaikan" in page and "Lengkapi tujuan modul." in page
    # and the trainer can submit the course again
    course_review_submit(course=course, user=trainer)
    assert TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS).count() == 1


def test_a_course_without_a_lesson_can_be_neither_approved_nor_enrolled_in(
    client, trainer, admin_lms, learner
):
    # given a submitted course whose only lesson was removed
    course, _module, lessons, _quiz = make_draft_course("REV-04", owner=trainer)
    lessons[0].delete()
    course_review_submit(course=course, user=trainer)
    client.force_login(admin_lms)

    # when the reviewer opens it and tries to approve it anyway
    page = client.get(review_url(course)).content.decode()
    response = client.post(review_url(course), {"decision": "approve"}, follow=True)

    # then approval is not offered, refused with a message, and nothing is published
    assert "Setujui dan terbitkan seluruh kursus" not in page
    assert "Kursus ini belum memiliki materi" in page
    assert "belum memiliki materi, sehingga belum dapat diterbitkan" in response.content.decode()
    course.refresh_from_db()
    assert not course.live
    # and a live course without a live lesson cannot be enrolled in
    empty = make_course("REV-05", modules=(1,))
    LessonPage.objects.descendant_of(empty).get().unpublish()
    with pytest.raises(EnrollmentError, match="belum memiliki materi yang terbit"):
        enrollment_create(user=learner, course=empty)
    client.force_login(learner)
    assert "belum memiliki materi yang terbit" in client.get(empty.url).content.decode()


def test_admin_lms_cannot_publish_a_course_without_lessons_from_the_editor(client, admin_lms):
    # given a draft course with a module and no lesson
    course, _module, lessons, _quiz = make_draft_course("REV-06", owner=admin_lms)
    lessons[0].delete()
    client.force_login(admin_lms)
    edit_url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    data = querydict_from_html(client.get(edit_url).content.decode(), form_id="page-edit-form")
    data["action-publish"] = "action-publish"

    # when Admin LMS publishes it directly
    response = client.post(edit_url, data, follow=True)

    # then it stays unpublished, with the reason
    assert "belum memiliki materi" in response.content.decode()
    course.refresh_from_db()
    assert not course.live


def test_publishing_a_course_from_the_editor_publishes_its_pages_too(client, admin_lms):
    course, _module, _lessons, _quiz = make_draft_course("REV-07", owner=admin_lms)
    client.force_login(admin_lms)
    edit_url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    data = querydict_from_html(client.get(edit_url).content.decode(), form_id="page-edit-form")
    data["action-publish"] = "action-publish"

    client.post(edit_url, data)

    assert Page.objects.descendant_of(course, inclusive=True).filter(live=False).count() == 0


def test_pages_inside_a_course_are_submitted_with_their_course(client, trainer):
    # given a lesson of a draft course, in the editor
    course, _module, lessons, _quiz = make_draft_course("REV-08", owner=trainer)
    client.force_login(trainer)
    edit_url = reverse("wagtailadmin_pages:edit", args=[lessons[0].pk])
    html = client.get(edit_url).content.decode()

    # then it offers no submission of its own, only its course's
    assert 'name="action-submit"' not in html
    assert "Simpan dan ajukan seluruh kursus" in html
    assert (
        'name="action-submit"'
        not in client.get(
            reverse("wagtailadmin_pages:add", args=["kursus", "modulepage", course.pk])
        ).content.decode()
    )
    assert (
        "Ajukan seluruh kursus untuk ditinjau"
        in client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    )

    # when the trainer saves the lesson with that action
    data = querydict_from_html(html, form_id="page-edit-form")
    data.update(
        nested_form_data({"body": streamfield([("paragraph", rich_text("<p>Isi baru.</p>"))])})
    )
    data["action-submit-course"] = "1"
    response = client.post(edit_url, data, follow=True)

    # then the lesson's draft is saved and the whole course is in review, as one item
    assert "diajukan untuk ditinjau bersama seluruh isinya" in response.content.decode()
    assert TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS).count() == 1
    assert course.specific.current_workflow_state.status == "in_progress"
    saved = LessonPage.objects.get(pk=lessons[0].pk).get_latest_revision_as_object()
    assert "Isi baru." in str(saved.body)


def test_later_edits_of_a_live_course_are_reviewed_while_learners_keep_the_live_version(
    client, trainer, admin_lms, learner
):
    # given a live course, published through a review, then edited as drafts:
    # a lesson renamed, a lesson added, and a lesson removed by Admin LMS
    course, module, lessons, _quiz = make_draft_course("REV-09", owner=trainer, lessons=3)
    course_review_submit(course=course, user=trainer)
    course_review_decide(course=course, user=admin_lms, approve=True)
    renamed = lessons[0].get_latest_revision_as_object()
    renamed.title = "Materi konsep 1 (edisi revisi)"
    renamed.save_revision(user=trainer)
    module.add_child(
        instance=LessonPage(
            title="Materi tambahan",
            slug="materi-tambahan",
            body=[{"type": "paragraph", "value": "<p>Tambahan.</p>"}],
            live=False,
        )
    )
    Page.objects.get(pk=lessons[2].pk).delete()

    # when the trainer submits the course again
    course_review_submit(course=course, user=trainer)

    # then learners still see the live version
    client.force_login(learner)
    live = client.get(course.url).content.decode()
    assert "Materi konsep 1" in live and "edisi revisi" not in live
    assert "Materi tambahan" not in live
    # and the reviewer sees what changed since the last publication
    client.force_login(admin_lms)
    page = client.get(review_url(course)).content.decode()
    assert 'data-change="changed"' in page and "Materi konsep 1 (edisi revisi)" in page
    assert 'data-change="new"' in page and "Materi tambahan" in page
    assert 'data-change="removed"' in page and "<s>Materi konsep 3</s>" in page
    assert page.count('data-change="unchanged"') >= 3  # the course, the module, lesson 2 ...

    # when the reviewer approves
    course_review_decide(course=course, user=admin_lms, approve=True)

    # then learners see the new version
    client.force_login(learner)
    live = client.get(course.url).content.decode()
    assert "Materi konsep 1 (edisi revisi)" in live and "Materi tambahan" in live


def test_only_reviewers_decide_and_only_editors_submit(trainer, learner):
    course, *_ = make_draft_course("REV-10", owner=trainer)
    with pytest.raises(CourseReviewError):
        course_review_submit(course=course, user=learner)
    course_review_submit(course=course, user=trainer)
    with pytest.raises(CourseReviewError, match="tidak berhak"):
        course_review_decide(course=course, user=trainer, approve=True)
    assert not CoursePage.objects.get(pk=course.pk).live


def test_a_reviewer_approving_in_wagtails_editor_publishes_the_whole_course(trainer, admin_lms):
    course, _module, lessons, _quiz = make_draft_course("REV-11", owner=trainer, lessons=2)
    state = course_review_submit(course=course, user=trainer)
    task_state = state.current_task_state

    task_state.task.specific.on_action(task_state.specific, admin_lms, "approve")

    assert course_lessons(course) == [LessonPage.objects.get(pk=p.pk) for p in lessons]
    assert Page.objects.descendant_of(course, inclusive=True).filter(live=False).count() == 0


def test_while_a_course_is_in_review_its_trainer_cannot_change_its_pages(client, trainer):
    # given a submitted course
    course, module, lessons, _quiz = make_draft_course("REV-12", owner=trainer)
    course_review_submit(course=course, user=trainer)
    client.force_login(trainer)
    edit_url = reverse("wagtailadmin_pages:edit", args=[lessons[0].pk])
    data = querydict_from_html(client.get(edit_url).content.decode(), form_id="page-edit-form")
    data.update(
        nested_form_data({"body": streamfield([("paragraph", rich_text("<p>Diam-diam.</p>"))])})
    )
    data["title"] = "Diubah saat ditinjau"

    # when the trainer saves a lesson, or adds one
    response = client.post(edit_url, data, follow=True)
    added = client.post(
        reverse("wagtailadmin_pages:add", args=["kursus", "lessonpage", module.pk]),
        {"title": "Materi selundupan"},
        follow=True,
    )

    # then nothing changes, and the editor says why
    assert "sedang ditinjau" in response.content.decode()
    assert "sedang ditinjau" in added.content.decode()
    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    assert lesson.get_latest_revision_as_object().title == "Materi konsep 1"
    assert not LessonPage.objects.filter(title="Materi selundupan").exists()
