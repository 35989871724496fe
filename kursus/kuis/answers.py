"""Saving an answer while the attempt is open (the page's autosave, and the form without
JavaScript): the page sends the attempt's tokens, which are mapped back to option ids here, and
anything else is refused."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.spreadsheets import has_control_characters, invisible_character

from ..models import AttemptQuestion, Question, QuizAttempt
from .attempts import tokens_complete
from .rules import AttemptClosed, QuizError, attempt_is_overdue
from .submit import quiz_attempt_submit


def _token_map(ids, tokens: list[str], legacy: bool) -> dict[str, int]:
    """{what the page may send: option id} for one frozen list of options."""
    mapping = dict(zip(tokens, ids, strict=False))
    if legacy:
        mapping.update({str(pk): pk for pk in ids})
    return mapping


# The page's `maxlength` for a short answer. A longer one is refused, never cut.
SHORT_ANSWER_MAX_CHARS = 500


def _short_answer_acceptable(response: str) -> bool:
    """A short answer is one line of visible text: no control character (a NUL, which
    PostgreSQL refuses in a jsonb value, a tab or a line break) and no invisible format
    character (a direction override, a zero-width space), and no longer than the page allows."""
    text = response.strip()
    if len(text) > SHORT_ANSWER_MAX_CHARS:
        return False
    return not has_control_characters(text, line_breaks_allowed=False) and not invisible_character(
        text
    )


def _clean_response(kind: str, option_order, choice_order, tokens, response):
    """The answer to store for this frozen question, in option ids, from what the page sent:
    the tokens of the options and choices it was shown (an attempt frozen before tokens also
    takes their ids, see `attempt_tokens_ensure`). Anything else, a token of another attempt
    or question included, is refused."""
    if response in (None, "", [], {}):
        return None
    legacy = not tokens_complete(tokens) or bool(tokens.get("legacy"))
    tokens = tokens if tokens_complete(tokens) else {"options": [], "choices": []}
    options = _token_map(option_order, tokens["options"], legacy)
    if kind in (Question.Kind.SINGLE, Question.Kind.TRUE_FALSE):
        if not isinstance(response, str | int) or str(response) not in options:
            raise QuizError(_("Jawaban tidak dikenali."))
        return options[str(response)]
    if kind == Question.Kind.MULTIPLE:
        values = response if isinstance(response, list) else [response]
        if not all(isinstance(v, str | int) and str(v) in options for v in values):
            raise QuizError(_("Jawaban tidak dikenali."))
        return sorted({options[str(v)] for v in values}) or None
    if kind == Question.Kind.SHORT:
        if not isinstance(response, str) or not _short_answer_acceptable(response):
            raise QuizError(_("Jawaban tidak dikenali."))
        return response.strip() or None
    if kind == Question.Kind.MATCHING:
        if not isinstance(response, dict):
            raise QuizError(_("Jawaban tidak dikenali."))
        choices = _token_map(choice_order, tokens["choices"], legacy)
        cleaned = {}
        for prompt, chosen in response.items():
            if chosen in ("", None):
                continue
            if str(prompt) not in options or not isinstance(chosen, str | int):
                raise QuizError(_("Jawaban tidak dikenali."))
            if str(chosen) not in choices:
                raise QuizError(_("Jawaban tidak dikenali."))
            cleaned[str(options[str(prompt)])] = choices[str(chosen)]
        return cleaned or None
    raise QuizError(_("Jawaban tidak dikenali."))


def _row_lock(*, user, attempt_id: int, position: int) -> AttemptQuestion | None:
    """The frozen question at `position` of `user`'s attempt, with its attempt's status and
    deadline, the attempt's row locked until the transaction ends (as a submit locks it): a
    save waits for a submit under way and then finds the attempt graded, and a submit waits
    for a save under way and then grades its answer. None when there is no such question."""
    return (
        AttemptQuestion.objects.select_for_update(of=("attempt",))
        .select_related("attempt", "question")
        .only(
            "option_order",
            "choice_order",
            "tokens",
            "attempt__status",
            "attempt__deadline",
            "attempt__user",
            "question__kind",
        )
        .filter(attempt_id=attempt_id, attempt__user=user, position=position)
        .order_by()
        .first()
    )


def quiz_answer_save(*, user, attempt_id: int, position: int, response):
    """Save one answer to `user`'s attempt; returns the time it was saved. Raises
    QuizAttempt.DoesNotExist when the attempt is not theirs, QuizError for a question or an
    answer the attempt does not know, and AttemptClosed once the attempt is graded or past
    its deadline and grace; an overdue attempt is graded there and then on what was saved
    before. Two statements in one transaction, whatever the number of questions."""
    with transaction.atomic():
        row = _row_lock(user=user, attempt_id=attempt_id, position=position)
        now = timezone.now()  # once the lock is held: a wait for a submit is not time saved
        if row is None:
            if not QuizAttempt.objects.filter(pk=attempt_id, user=user).exists():
                raise QuizAttempt.DoesNotExist
            raise QuizError(_("Soal tidak ditemukan."))
        if not row.attempt.is_open:
            raise AttemptClosed(_("Percobaan ini sudah selesai; jawaban tidak dapat diubah."))
        overdue = attempt_is_overdue(row.attempt, now)
        if not overdue:
            row.response = _clean_response(
                row.question.kind, row.option_order, row.choice_order, row.tokens, response
            )
            row.saved_at = now
            row.save(update_fields=["response", "saved_at"])
    if overdue:
        quiz_attempt_submit(attempt_id=attempt_id, expired=True)
        raise AttemptClosed(_("Waktu mengerjakan sudah habis; jawaban terakhir tidak disimpan."))
    return now
