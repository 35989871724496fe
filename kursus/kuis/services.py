"""The quiz's writes, in one place for callers outside the quiz: starting an attempt
(`attempts`), saving an answer (`answers`), grading (`submit`). Every write is idempotent and
every time rule is enforced on the server, whatever the browser shows."""

from .allowances import attempt_override_grant, attempt_request_create
from .answers import SHORT_ANSWER_MAX_CHARS, quiz_answer_save
from .attempts import attempt_tokens_ensure, quiz_attempt_start, quiz_locked_reason
from .rules import GRACE, AttemptClosed, QuizError, attempt_is_overdue
from .submit import AttemptSubmission, quiz_attempt_submit, quiz_attempts_expire

__all__ = [
    "GRACE",
    "SHORT_ANSWER_MAX_CHARS",
    "AttemptClosed",
    "AttemptSubmission",
    "QuizError",
    "attempt_is_overdue",
    "attempt_override_grant",
    "attempt_request_create",
    "attempt_tokens_ensure",
    "quiz_answer_save",
    "quiz_attempt_start",
    "quiz_attempt_submit",
    "quiz_attempts_expire",
    "quiz_locked_reason",
]
