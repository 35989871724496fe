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
)
from .lesson_rules import (
    LessonDoneCheck,
    duration_text,
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
    lesson_complete,
)

__all__ = [
    "EnrollmentError",
    "LessonCompletion",
    "LessonDoneCheck",
    "LessonLocked",
    "assignment_apply",
    "assignment_create",
    "assignments_apply_for_employee",
    "course_certificate_request",
    "course_complete_if_done",
    "course_progress_recompute",
    "duration_text",
    "employee_placed",
    "enrollment_blockers",
    "enrollment_create",
    "enrollment_lock",
    "enrollment_units_reconcile",
    "enrollment_units_sync",
    "enrollment_withdraw",
    "lesson_complete",
    "lesson_done_check",
    "lesson_end_reach",
    "lesson_visit_open",
]
