"""Progress and completion: mark done, the completion of a course with its JP credit and
certificate, and the recompute of everyone's progress after a course's lessons changed.
Each is idempotent: a double click or a retried request changes nothing the second time."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.cache import learners_changed
from sertifikat.models import Certificate
from sertifikat.services import CertificateFacts, certificate_request

from ..completion import course_final_score, course_is_completed_by
from ..models import CoursePage, Enrollment, JPCredit, LessonPage, LessonProgress
from ..progress import course_progress
from ..selectors import CourseOutline, course_outline
from ..signals import course_completed
from .enrolment import EnrollmentError, _progress_figures_set, enrollment_lock
from .jp import jp_programme_credit_for


class LessonLocked(Exception):
    pass


@dataclass(frozen=True)
class LessonCompletion:
    """What `lesson_complete` did: the enrolment as it now is, the course's outline with the
    learner's progress after the mark, whether this call marked the lesson (False when it
    was done before), whether it completed the course, and the certificate if it did."""

    enrollment: Enrollment
    outline: CourseOutline
    newly_done: bool
    course_completed: bool
    certificate: Certificate | None = None


def lesson_complete(
    *, user, lesson: LessonPage, root_url_path: str | None = None
) -> LessonCompletion:
    """Record that `user` finished `lesson`, update their progress, and complete the course
    when this was its last requirement. One transaction, with the enrolment locked first: a
    double click, a retry or another tab waits, then finds the lesson done and records
    nothing twice. Raises EnrollmentError (not enrolled) or LessonLocked (an earlier lesson
    of a course that unlocks in order is not done), having changed nothing.
    `root_url_path`: the site root's URL path, for the outline's links (read when not
    given)."""
    course = lesson.course
    with transaction.atomic():
        enrollment = enrollment_lock(user_id=user.pk, course=course)
        if enrollment is None or enrollment.status == Enrollment.Status.WITHDRAWN:
            raise EnrollmentError(_("Anda belum terdaftar di kursus ini."))
        enrollment.user, enrollment.course = user, course
        done_ids = set(
            LessonProgress.objects.filter(user_id=user.pk, course=course).values_list(
                "lesson_id", flat=True
            )
        )
        outline = course_outline(course=course, root_url_path=root_url_path, done_ids=done_ids)
        item = outline.lesson(lesson.pk)
        if item is None or item.locked:
            raise LessonLocked
        newly_done = not item.done
        if newly_done:
            # The unique (user, lesson) constraint makes a row another path wrote nothing.
            LessonProgress.objects.bulk_create(
                [LessonProgress(user_id=user.pk, lesson_id=lesson.pk, course_id=course.pk)],
                ignore_conflicts=True,
            )
            outline.progress_set(done_ids | {lesson.pk})
        changed = _progress_figures_set(enrollment, outline.progress)
        if newly_done:
            enrollment.last_activity_at = timezone.now()
            changed.append("last_activity_at")
        if changed:
            enrollment.save(update_fields=changed)
        certificate = None
        if outline.progress.all_done and enrollment.status == Enrollment.Status.ACTIVE:
            certificate = course_complete_if_done(enrollment=enrollment, outline=outline)
    # After the commit: the cached pages of this learner are not used again.
    learners_changed([user.pk])
    return LessonCompletion(
        enrollment=enrollment,
        outline=outline,
        newly_done=newly_done,
        course_completed=certificate is not None,
        certificate=certificate,
    )


def course_complete_if_done(
    *, enrollment: Enrollment, outline: CourseOutline | None = None
) -> Certificate | None:
    """Apply the completion rule to an active enrolment; when it is met, mark the enrolment
    completed, credit the JP to the calendar year of completion, and ask for the
    certificate, which it returns (None when the course is not completed by this call).
    Must run inside the caller's transaction, with the enrolment locked (`enrollment_lock`,
    or `Enrollment.objects.select_for_update()`); `outline`, when given, is the course's
    outline with the learner's progress read under that lock (else it is read here). The
    caller replaces the learner's stamp (`learners_changed`), as it does for its own
    writes."""
    if enrollment.status != Enrollment.Status.ACTIVE:
        return None
    course = enrollment.course
    if outline is None:
        outline = course_outline(course=course, user=enrollment.user, root_url_path="/")
    if not course_is_completed_by(user=enrollment.user, course=course, outline=outline):
        return None
    now = timezone.now()
    enrollment.status = Enrollment.Status.COMPLETED
    enrollment.completed_at = now
    enrollment.save(update_fields=["status", "completed_at"])
    # The unique (user, course) constraint makes a second credit nothing. A course of a
    # programme the learner passed already is counted in the programme's credit.
    JPCredit.objects.bulk_create(
        [
            JPCredit(
                user_id=enrollment.user_id,
                course_id=course.pk,
                year=timezone.localtime(now).year,
                jp=course.jp,
                completed_at=now,
                counted_in_id=jp_programme_credit_for(
                    user_id=enrollment.user_id, course_id=course.pk
                ),
            )
        ],
        ignore_conflicts=True,
    )
    course_completed.send(
        sender=Enrollment,
        enrollment_id=enrollment.pk,
        user_id=enrollment.user_id,
        course_id=course.pk,
        completed_at=now,
    )
    # The one entry point into certificates: the row is made in this transaction, the PDF
    # after it commits.
    return course_certificate_request(enrollment=enrollment)


def course_questionnaire_answered(*, user_id: int, course_id: int) -> Certificate | None:
    """The learner answered the course's evaluation questionnaire: complete the course when
    that was what was left (with its JP and certificate). Runs in the caller's transaction
    (the one storing the answer), under the lock of the enrolment like every write that may
    complete a course; a questionnaire answered before the rest is done completes nothing
    here (the last lesson or quiz does then)."""
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        return None
    with transaction.atomic():
        enrollment = enrollment_lock(user_id=user_id, course=course)
        if enrollment is None:
            return None
        enrollment.course = course
        certificate = course_complete_if_done(enrollment=enrollment)
    if certificate is not None:
        transaction.on_commit(lambda: learners_changed([user_id]))
    return certificate


def course_progress_recompute(*, course: CoursePage) -> int:
    """Bring every active enrolment's progress in line with the course's live lessons, after
    a lesson was published, unpublished, moved or deleted, and complete those it leaves with
    nothing to do. Completed enrolments keep their completion. Returns how many enrolments'
    figures changed.

    The enrolments are read before the lessons done: a mark done that commits after that
    read has already written figures from the new lesson list, and the guarded update below
    (only while the row still holds what was read) leaves them alone."""
    lesson_ids = [item.id for item in course_outline(course=course, root_url_path="/").lessons]
    enrollments = list(
        Enrollment.objects.filter(course=course, status=Enrollment.Status.ACTIVE).only(
            "id", "user_id", "lessons_done", "progress_percent", "next_lesson_id"
        )
    )
    done_by_user: dict[int, set[int]] = {}
    for user_id, lesson_id in (
        LessonProgress.objects.filter(course=course, lesson_id__in=lesson_ids)
        .values_list("user_id", "lesson_id")
        .iterator(chunk_size=5000)
    ):
        done_by_user.setdefault(user_id, set()).add(lesson_id)
    changed_users: list[int] = []
    finished: list[int] = []
    for enrollment in enrollments:
        read = {
            "lessons_done": enrollment.lessons_done,
            "progress_percent": enrollment.progress_percent,
            "next_lesson_id": enrollment.next_lesson_id,
        }
        progress = course_progress(
            lesson_ids=lesson_ids,
            done_ids=done_by_user.get(enrollment.user_id, ()),
            sequential=course.sequential,
        )
        if _progress_figures_set(enrollment, progress) and Enrollment.objects.filter(
            pk=enrollment.pk, status=Enrollment.Status.ACTIVE, **read
        ).update(
            lessons_done=enrollment.lessons_done,
            progress_percent=enrollment.progress_percent,
            next_lesson_id=enrollment.next_lesson_id,
        ):
            changed_users.append(enrollment.user_id)
        if progress.all_done:
            finished.append(enrollment.pk)
    learners_changed(changed_users)
    # Those who now have every live lesson may have nothing left to do (a quiz may remain).
    for pk in finished:
        with transaction.atomic():
            enrollment = (
                Enrollment.objects.select_for_update(of=("self",))
                .select_related("course", "user")
                .get(pk=pk)
            )
            completed = course_complete_if_done(enrollment=enrollment) is not None
        if completed:
            learners_changed([enrollment.user_id])
    return len(changed_users)


def course_certificate_request(*, enrollment: Enrollment) -> Certificate:
    """Ask sertifikat for the certificate of a completed enrolment, passing what it prints as
    plain values (the course's code, title and JP, the completion time, the final score and
    the course's template)."""
    course = enrollment.course
    return certificate_request(
        user=enrollment.user,
        subject=course,
        facts=CertificateFacts(
            code=course.code,
            title=course.title,
            jp=course.jp,
            completed_at=enrollment.completed_at or timezone.now(),
            final_score=course_final_score(user=enrollment.user, course=course),
            template_id=course.certificate_template_id,
        ),
    )
