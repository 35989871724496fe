"""Writes of the learning flow, by concern; every service is importable from here."""

from .assignments import (
    assignment_apply,
    assignment_create,
    assignments_apply_for_employee,
    employee_placed,
    enrollment_units_reconcile,
    enrollment_units_sync,
)
from .enrolment import (
    EnrollmentError,
    enrollment_blockers,
    enrollment_create,
    enrollment_lock,
    enrollment_withdraw,
    register_enrollment_rule,
)
from .jp import jp_credit_programme, jp_credit_programmes, jp_programme_credit_for
from .lesson_rules import (
    LessonDoneCheck,
    duration_text,
    lesson_check_wrong_note,
    lesson_done_check,
    lesson_end_reach,
    lesson_visit_open,
)
from .progress import (
    LessonCompletion,
    LessonLocked,
    course_certificate_request,
    course_complete_if_done,
    course_progress_recompute,
    course_questionnaire_answered,
    lesson_complete,
)
from .review import CourseReviewError, course_copy, course_review_decide, course_review_submit

__all__ = [
    "CourseReviewError",
    "EnrollmentError",
    "LessonCompletion",
    "LessonDoneCheck",
    "LessonLocked",
    "assignment_apply",
    "assignment_create",
    "assignments_apply_for_employee",
    "course_certificate_request",
    "course_complete_if_done",
    "course_copy",
    "course_progress_recompute",
    "course_questionnaire_answered",
    "course_review_decide",
    "course_review_submit",
    "duration_text",
    "employee_placed",
    "enrollment_blockers",
    "enrollment_create",
    "enrollment_lock",
    "enrollment_units_reconcile",
    "enrollment_units_sync",
    "enrollment_withdraw",
    "jp_credit_programme",
    "jp_credit_programmes",
    "jp_programme_credit_for",
    "lesson_check_wrong_note",
    "lesson_complete",
    "lesson_done_check",
    "lesson_end_reach",
    "lesson_visit_open",
    "register_enrollment_rule",
]
