"""The writes around a learner's allowance on a quiz: their request for another chance, and
the trainer's overrides (extra attempts, more time, a later deadline), each recorded with who,
when, what and why."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import AttemptAllowance, AttemptOverride, AttemptRequest, QuizAttempt, QuizPage
from .rules import QuizError
from .standing import STEP_ASK, STEP_REQUESTED, allowance_round_roll, quiz_standing

MAX_EXTRA_ATTEMPTS = 10
MAX_EXTRA_MINUTES = 600


def attempt_request_create(*, user, quiz: QuizPage) -> AttemptRequest:
    """Record `user`'s request for another chance at `quiz`, once: only at a dead end of a
    quiz whose policy is to ask, and only one per dead end (a second click returns the
    first)."""
    standing = quiz_standing(user=user, quiz=quiz)
    if standing.next_step == STEP_REQUESTED:
        return standing.request
    if standing.next_step != STEP_ASK:
        raise QuizError(_("Permintaan kesempatan tambahan belum dapat dikirim untuk kuis ini."))
    used = QuizAttempt.objects.filter(user=user, quiz=quiz).count()
    try:
        with transaction.atomic():
            # A request left pending at an earlier dead end (sent before the quiz switched to
            # waiting for a new round) is sent again for this one: one pending at a time.
            stale = (
                AttemptRequest.objects.select_for_update()
                .filter(user=user, quiz=quiz, status=AttemptRequest.Status.PENDING)
                .first()
            )
            if stale is not None:
                stale.attempts_used = used
                stale.created_at = timezone.now()
                stale.save(update_fields=["attempts_used", "created_at"])
                return stale
            return AttemptRequest.objects.create(user=user, quiz=quiz, attempts_used=used)
    except IntegrityError:
        existing = AttemptRequest.objects.filter(user=user, quiz=quiz, attempts_used=used).first()
        if existing is None:
            raise
        return existing


@transaction.atomic
def attempt_override_grant(
    *,
    quiz: QuizPage,
    user,
    granted_by,
    kind: str,
    reason: str,
    amount: int | None = None,
    closes_at: datetime | None = None,
) -> AttemptOverride:
    """A trainer's override for one learner on `quiz`, recorded in its history. Extra attempts
    add to the learner's current round and close their pending request; extra minutes add to
    the time limit of their next attempts; a deadline replaces the quiz's closing time for
    them. A new round that is due (its wait over) opens first, the grant on top of it. A
    pending request is closed by any grant that takes the learner off their dead end. Bad
    input raises QuizError and changes nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise QuizError(_("Tuliskan alasannya."))
    Kind = AttemptOverride.Kind
    if kind == Kind.EXTRA_ATTEMPTS:
        if not amount or not 1 <= amount <= MAX_EXTRA_ATTEMPTS:
            raise QuizError(_("Tambahan percobaan antara 1 dan %(n)s.") % {"n": MAX_EXTRA_ATTEMPTS})
        if not quiz.attempts_allowed:
            raise QuizError(_("Kuis ini tidak membatasi jumlah percobaan."))
    elif kind == Kind.EXTRA_TIME:
        if not amount or not 1 <= amount <= MAX_EXTRA_MINUTES:
            raise QuizError(
                _("Tambahan waktu antara 1 dan %(n)s menit.") % {"n": MAX_EXTRA_MINUTES}
            )
        if not quiz.time_limit_minutes:
            raise QuizError(_("Kuis ini tidak memiliki batas waktu."))
    elif kind == Kind.DEADLINE:
        if closes_at is None or closes_at <= timezone.now():
            raise QuizError(_("Batas akhir baru harus di masa mendatang."))
    else:
        raise QuizError(_("Jenis perubahan tidak dikenal."))
    allowance, _created = AttemptAllowance.objects.select_for_update().get_or_create(
        user=user, quiz=quiz
    )
    attempts = list(QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("number"))
    # A new round that is due opens first: what is granted comes on top of it, not instead.
    allowance_round_roll(
        allowance=allowance,
        standing=quiz_standing(user=user, quiz=quiz, attempts=attempts, allowance=allowance),
        attempts_used=len(attempts),
    )
    if kind == Kind.EXTRA_ATTEMPTS:
        allowance.extra_attempts += amount
    elif kind == Kind.EXTRA_TIME:
        allowance.extra_minutes += amount
    else:
        allowance.closes_at = closes_at
    allowance.save()
    override = AttemptOverride.objects.create(
        user=user,
        quiz=quiz,
        kind=kind,
        amount=amount if kind != Kind.DEADLINE else None,
        closes_at=closes_at if kind == Kind.DEADLINE else None,
        reason=reason,
        granted_by=granted_by,
    )
    after = quiz_standing(user=user, quiz=quiz, attempts=attempts, allowance=allowance)
    if after.next_step not in (STEP_ASK, STEP_REQUESTED):
        # No longer at the dead end they asked from: their request is answered.
        AttemptRequest.objects.filter(
            user=user, quiz=quiz, status=AttemptRequest.Status.PENDING
        ).update(
            status=AttemptRequest.Status.GRANTED, resolved_at=override.created_at, override=override
        )
    return override
