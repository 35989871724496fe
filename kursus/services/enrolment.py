"""Enrolment: who may enrol, enrolling and leaving, the lock every write of a learner's
progress in a course holds, and the progress figures stored on the enrolment."""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.cache import learners_changed

from ..models import CoursePage, Enrollment
from ..progress import CourseProgress
from ..selectors import course_outline, courses_open_to_learners


class EnrollmentError(Exception):
    """Why a learner may not enrol, in Indonesian, for the page to show."""


# Rules of higher apps (a programme's order between its clusters): each takes the user and the
# course and returns its reasons, in Indonesian (empty when it has none).
EnrollmentRule = Callable[..., list[str]]
_enrollment_rules: list[EnrollmentRule] = []


def register_enrollment_rule(rule: EnrollmentRule) -> EnrollmentRule:
    """Add `rule(user, course) -> list[str]` to what `enrollment_blockers` asks; a higher app
    calls this in its AppConfig.ready(). Registering the same function twice adds it once."""
    if rule not in _enrollment_rules:
        _enrollment_rules.append(rule)
    return rule


def enrollment_blockers(*, user, course: CoursePage, now=None) -> list[str]:
    """The reasons `user` may not enrol in `course` now (empty when they may)."""
    now = now or timezone.now()
    reasons = []
    if not courses_open_to_learners().filter(pk=course.pk).exists():
        reasons.append(_("Kursus ini belum memiliki materi yang terbit, jadi belum dapat diikuti."))
    if course.enrollment_opens_at and now < course.enrollment_opens_at:
        reasons.append(
            _("Pendaftaran baru dibuka %(date)s.")
            % {"date": timezone.localtime(course.enrollment_opens_at).strftime("%d-%m-%Y %H:%M")}
        )
    if course.enrollment_closes_at and now >= course.enrollment_closes_at:
        reasons.append(
            _("Pendaftaran sudah ditutup sejak %(date)s.")
            % {"date": timezone.localtime(course.enrollment_closes_at).strftime("%d-%m-%Y %H:%M")}
        )
    required = list(
        CoursePage.objects.live().filter(required_by=course).values_list("id", "code", "title")
    )
    if required:
        done = set(
            Enrollment.objects.filter(
                user=user,
                course_id__in=[pk for pk, _c, _t in required],
                status=Enrollment.Status.COMPLETED,
            ).values_list("course_id", flat=True)
        )
        missing = [f"{code} {title}" for pk, code, title in required if pk not in done]
        if missing:
            reasons.append(
                _("Selesaikan dulu kursus prasyarat: %(courses)s.")
                % {"courses": "; ".join(missing)}
            )
    for rule in _enrollment_rules:
        reasons.extend(rule(user, course))
    return reasons


@transaction.atomic
def enrollment_create(*, user, course: CoursePage) -> Enrollment:
    """Self-enrolment. Re-enrolling after withdrawing reactivates the same row, history kept."""
    existing = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    if existing is not None and existing.status != Enrollment.Status.WITHDRAWN:
        return existing
    reasons = enrollment_blockers(user=user, course=course)
    if reasons:
        raise EnrollmentError(" ".join(reasons))
    if existing is not None:
        existing.status = Enrollment.Status.ACTIVE
        existing.withdrawn_at = None
        existing.save(update_fields=["status", "withdrawn_at"])
        _refresh_progress(existing)
        learners_changed([user.pk])
        return existing
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(user=user, course=course)
    except IntegrityError:  # a concurrent click won the race: its row is ours too
        return Enrollment.objects.get(user=user, course=course)
    _refresh_progress(enrollment)
    learners_changed([user.pk])
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, user, course: CoursePage) -> Enrollment | None:
    """Leave a course. Mandatory and completed enrolments stay; progress is never deleted."""
    enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
        return enrollment
    if enrollment.is_mandatory:
        raise EnrollmentError(_("Kursus wajib tidak dapat ditinggalkan."))
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.withdrawn_at = timezone.now()
    enrollment.save(update_fields=["status", "withdrawn_at"])
    learners_changed([user.pk])
    return enrollment


def enrollment_lock(*, user_id: int, course: CoursePage) -> Enrollment | None:
    """The enrolment of `user_id` in `course`, locked until the caller's transaction ends
    (None when there is none): what every write that may complete the course holds first, so
    that two of them (two tabs, a double click, a quiz submit) run one after the other and
    the second sees what the first committed."""
    return Enrollment.objects.select_for_update().filter(user_id=user_id, course=course).first()


def _progress_figures_set(enrollment: Enrollment, progress: CourseProgress) -> list[str]:
    """Put `progress` on the enrolment (not saved); the fields that changed."""
    figures = {
        "lessons_done": progress.done,
        "progress_percent": progress.percent,
        "next_lesson_id": progress.next_lesson_id,
    }
    changed = [name for name, value in figures.items() if getattr(enrollment, name) != value]
    for name in changed:
        setattr(enrollment, name, figures[name])
    return [name.removesuffix("_id") for name in changed]


def _refresh_progress(enrollment: Enrollment) -> None:
    """Store the enrolment's progress figures, read from its course's outline."""
    outline = course_outline(course=enrollment.course, user=enrollment.user, root_url_path="/")
    changed = _progress_figures_set(enrollment, outline.progress)
    if changed:
        enrollment.save(update_fields=changed)
