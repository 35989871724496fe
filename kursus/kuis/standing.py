"""Where a learner stands on a quiz: the attempts of their current round, what their trainer's
overrides add, and what happens after their last failed attempt. One rule, read by the quiz
page, the course page and the server's start of an attempt alike."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from ..models import AttemptAllowance, AttemptRequest, QuizAttempt, QuizPage
from .grading import grade_fold

# What the learner meets next (`QuizStanding.next_step`).
STEP_START = "start"  # an attempt may be started (or one is open)
STEP_PASSED = "passed"  # no attempt left, and the quiz is passed: nothing more to do
STEP_WAIT = "wait"  # a new round opens on `reopens_at`
STEP_ASK = "ask"  # they may ask their trainer for another chance
STEP_REQUESTED = "requested"  # they asked; the trainer has not answered yet
STEP_CLOSED = "closed"  # the quiz (or their own deadline) is closed
STEP_TAKEN = "taken"  # a pre-test's attempts are used: the lessons come next, nothing to pass


@dataclass(frozen=True)
class QuizStanding:
    round: int
    used: int  # attempts started in the current round
    allowed: int | None  # attempts of the round, with the trainer's extras; None: unlimited
    passed: bool
    has_open: bool
    next_step: str
    reopens_at: datetime | None = None
    new_round: bool = False  # the round has rolled over: starting opens round + 1
    time_limit_minutes: int | None = None  # the learner's own, with the trainer's extra time
    closes_at: datetime | None = None  # the learner's own deadline
    request: AttemptRequest | None = None  # their pending request

    @property
    def remaining(self) -> int | None:
        if self.allowed is None:
            return None
        return max(0, self.allowed - self.used)

    @property
    def can_start(self) -> bool:
        return self.next_step == STEP_START


def quiz_is_pretest(quiz) -> bool:
    """Whether `quiz` is a course's pre-test: it measures what a learner knows before the
    lessons, so it has no pass or fail, no new round and no request for another chance (a
    retake after studying would bias the pre-test score)."""
    return quiz.kind == QuizPage.Kind.PRETEST


def _passed(quiz: QuizPage, attempts: list[QuizAttempt]) -> bool:
    grade = None
    for attempt in attempts:
        if attempt.status != QuizAttempt.Status.IN_PROGRESS and attempt.percent is not None:
            grade = grade_fold(grade, attempt.percent, quiz.grading)
    return grade is not None and grade >= quiz.pass_mark


def quiz_standing(
    *,
    user,
    quiz: QuizPage,
    attempts: list[QuizAttempt] | None = None,
    allowance: AttemptAllowance | None = None,
    now=None,
) -> QuizStanding:
    """`user`'s standing on `quiz` at `now`. Callers holding the learner's attempts (in number
    order) or their locked allowance row pass them in; else each is one query, and the
    pending request one more, only at a dead end of the "ask" policy."""
    now = now or timezone.now()
    if attempts is None:
        attempts = list(QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("number"))
    if allowance is None:
        allowance = AttemptAllowance.objects.filter(user=user, quiz=quiz).first()
    round_number = allowance.round if allowance else 1
    before = allowance.attempts_before if allowance else 0
    extra = allowance.extra_attempts if allowance else 0
    time_limit = quiz.time_limit_minutes
    if time_limit and allowance and allowance.extra_minutes:
        time_limit += allowance.extra_minutes
    closes_at = (allowance.closes_at if allowance else None) or quiz.closes_at
    in_round = [a for a in attempts if a.number > before]
    used = len(in_round)
    allowed = quiz.attempts_allowed + extra if quiz.attempts_allowed else None
    passed = _passed(quiz, attempts)
    has_open = any(a.status == QuizAttempt.Status.IN_PROGRESS for a in attempts)
    common = {
        "round": round_number,
        "used": used,
        "allowed": allowed,
        "passed": passed,
        "has_open": has_open,
        "time_limit_minutes": time_limit,
        "closes_at": closes_at,
    }
    if has_open:
        return QuizStanding(next_step=STEP_START, **common)
    if closes_at is not None and now >= closes_at:
        return QuizStanding(next_step=STEP_CLOSED, **common)
    if allowed is None or used < allowed:
        return QuizStanding(next_step=STEP_START, **common)
    if quiz_is_pretest(quiz):
        return QuizStanding(next_step=STEP_TAKEN, **common)
    if passed:
        return QuizStanding(next_step=STEP_PASSED, **common)
    if quiz.after_last_attempt == QuizPage.AfterLast.WAIT:
        last_finished = max((a.finished_at or a.started_at for a in in_round), default=now)
        reopens_at = last_finished + timedelta(days=quiz.retry_wait_days)
        if now >= reopens_at:
            return QuizStanding(
                next_step=STEP_START,
                new_round=True,
                reopens_at=reopens_at,
                **{
                    **common,
                    "round": round_number + 1,
                    "used": 0,
                    "allowed": quiz.attempts_allowed,
                },
            )
        return QuizStanding(next_step=STEP_WAIT, reopens_at=reopens_at, **common)
    # Only the request of this dead end: one sent at an earlier one (before a policy change or
    # a new round) is not answered by waiting on it.
    request = AttemptRequest.objects.filter(
        user=user, quiz=quiz, status=AttemptRequest.Status.PENDING, attempts_used=len(attempts)
    ).first()
    if request is not None:
        return QuizStanding(next_step=STEP_REQUESTED, request=request, **common)
    return QuizStanding(next_step=STEP_ASK, **common)


def standing_message(standing: QuizStanding) -> str:
    """What the learner is told when they may not start an attempt, and what comes next."""
    from django.utils.translation import gettext as _

    used_up = _("Kesempatan mengerjakan kuis ini sudah habis.")
    if standing.next_step == STEP_CLOSED:
        return _("Kuis ini sudah ditutup.")
    if standing.next_step == STEP_PASSED:
        return f"{used_up} {_('Anda sudah lulus kuis ini.')}"
    if standing.next_step == STEP_TAKEN:
        return f"{used_up} {_('Pre-test sudah Anda kerjakan: lanjutkan ke materi kursus.')}"
    if standing.next_step == STEP_WAIT:
        when = timezone.localtime(standing.reopens_at).strftime("%d-%m-%Y %H:%M")
        return f"{used_up} " + _("Kesempatan baru dibuka pada %(time)s.") % {"time": when}
    if standing.next_step == STEP_REQUESTED:
        return f"{used_up} {_('Permintaan terkirim, menunggu pelatih.')}"
    if standing.next_step == STEP_ASK:
        return f"{used_up} {_('Anda dapat meminta kesempatan tambahan kepada pelatih.')}"
    return ""


def allowance_round_roll(
    *, allowance: AttemptAllowance, standing: QuizStanding, attempts_used: int
):
    """Open the new round `standing` found due (`standing.new_round`) on the learner's locked
    allowance row: the attempts so far belong to the rounds before, and the round's extras
    are spent. Saved; a no-op when no new round is due."""
    if not standing.new_round:
        return
    allowance.round = standing.round
    allowance.attempts_before = attempts_used
    allowance.extra_attempts = 0
    allowance.save(update_fields=["round", "attempts_before", "extra_attempts"])


def request_is_open(request: AttemptRequest, *, standing: QuizStanding) -> bool:
    """Whether a pending request still waits on its trainer: its learner is still at the dead
    end it was sent from. One sent before a policy change to waiting, or before an override
    that gave them an attempt, is not."""
    return standing.next_step == STEP_REQUESTED and standing.request.pk == request.pk
