"""The refusals and the time rule every quiz write shares: what the learner is told, and when
an attempt's time is up. The server decides, whatever the browser shows."""

from datetime import timedelta

from django.utils import timezone


class QuizError(Exception):
    """A request the quiz rules refuse; the message is for the learner."""


class AttemptClosed(QuizError):
    """The attempt is graded, or its time is up: nothing more is saved to it."""


# Answers that left the browser just before the deadline still count; later ones do not.
GRACE = timedelta(seconds=30)


def attempt_is_overdue(attempt, now=None) -> bool:
    """Past the deadline and its grace (`attempt`: anything with a `deadline`)."""
    now = now or timezone.now()
    return attempt.deadline is not None and now > attempt.deadline + GRACE
