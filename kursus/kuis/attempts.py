"""Starting an attempt: who may, the questions drawn for it and frozen, and the random
tokens that name its options on the page."""

import random
import secrets
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ..models import (
    AttemptAllowance,
    AttemptQuestion,
    CoursePage,
    Enrollment,
    Question,
    QuestionOption,
    QuizAttempt,
    QuizPage,
)
from ..progress import quiz_is_locked
from ..selectors import course_outline, pretest_pending
from .rules import QuizError, attempt_is_overdue
from .standing import allowance_round_roll, quiz_standing, standing_message
from .submit import quiz_attempt_submit


def _draw_questions(quiz: QuizPage, rng: random.Random) -> list[Question]:
    """The attempt's questions: the chosen ones that are still active (a deactivated question
    goes into no new attempt) and a fresh random draw per category slot."""
    slots = list(quiz.slots.all().order_by("sort_order"))
    fixed_ids = [slot.question_id for slot in slots if slot.question_id]
    fixed = {q.id: q for q in Question.objects.filter(id__in=fixed_ids, is_active=True)}
    taken = set(fixed_ids)
    categories = {slot.category_id for slot in slots if slot.category_id}
    pools: dict[int, list[int]] = {category: [] for category in categories}
    if categories:
        rows = Question.objects.filter(category_id__in=categories, is_active=True).values_list(
            "category_id", "id"
        )
        for category_id, question_id in rows:
            pools[category_id].append(question_id)
    drawn_ids: list[int | tuple[str, int]] = []
    for slot in slots:
        if slot.question_id:
            if slot.question_id in fixed:
                drawn_ids.append(slot.question_id)
            continue
        pool = [pk for pk in pools[slot.category_id] if pk not in taken]
        chosen = rng.sample(pool, min(slot.draw_count, len(pool)))
        taken.update(chosen)
        drawn_ids.extend(chosen)
    drawn = {
        q.id: q for q in Question.objects.filter(id__in=set(drawn_ids) - set(fixed), is_active=True)
    }
    drawn.update(fixed)
    picked = [drawn[pk] for pk in drawn_ids if pk in drawn]
    if quiz.shuffle_questions:
        rng.shuffle(picked)
    return picked


# Each option and each matching answer of an attempt is named on the page by a random token of
# its own (8 URL-safe characters), unique within the attempt: nothing the browser sees follows
# the option's id, its place in the bank, or the key. Never all digits, so that no token reads
# as a number (or as an option id, which an attempt frozen before tokens also takes).
TOKEN_BYTES = 6


def _token_new(taken: set[str]) -> str:
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if token not in taken and not token.isdigit():
            taken.add(token)
            return token


def _tokens_for(kind: str, option_order, choice_order, taken: set[str]) -> dict:
    """Tokens for one frozen question. A short answer's options (its accepted answers) are
    never shown, so they get none."""
    if kind == Question.Kind.SHORT:
        return {"options": [], "choices": []}
    return {
        "options": [_token_new(taken) for _ in option_order],
        "choices": [_token_new(taken) for _ in choice_order],
    }


def tokens_complete(tokens) -> bool:
    """Whether a frozen question has its tokens (not one frozen before they existed)."""
    return isinstance(tokens, dict) and "options" in tokens


def _freeze(attempt: QuizAttempt, questions: list[Question], rng: random.Random) -> None:
    options: dict[int, list[QuestionOption]] = {q.id: [] for q in questions}
    for option in QuestionOption.objects.filter(question__in=questions).order_by(
        "question_id", "sort_order", "id"
    ):
        options[option.question_id].append(option)
    rows = []
    taken: set[str] = set()
    for position, question in enumerate(questions, start=1):
        ids = [option.id for option in options[question.id]]
        choices: list[int] = []
        if question.kind == Question.Kind.MATCHING:
            # Prompts are the options with a text; those without are extra, wrong answers.
            ids = [option.id for option in options[question.id] if strip_tags(option.text).strip()]
            seen = set()
            for option in options[question.id]:
                key = option.match.strip().casefold()
                if key not in seen:
                    seen.add(key)
                    choices.append(option.id)
            rng.shuffle(choices)  # always: in tree order the answers would line up
        if quiz_shuffles_options(attempt.quiz, question):
            rng.shuffle(ids)
        rows.append(
            AttemptQuestion(
                attempt=attempt,
                position=position,
                question=question,
                option_order=ids,
                choice_order=choices,
                tokens=_tokens_for(question.kind, ids, choices, taken),
                points=question.points,
            )
        )
    AttemptQuestion.objects.bulk_create(rows)
    attempt.max_score = sum((row.points for row in rows), Decimal(0))
    attempt.save(update_fields=["max_score"])


def quiz_shuffles_options(quiz: QuizPage, question: Question) -> bool:
    return quiz.shuffle_options and question.kind not in (
        Question.Kind.TRUE_FALSE,
        Question.Kind.SHORT,
    )


def attempt_tokens_ensure(*, attempt_id: int) -> bool:
    """Give the questions of an open attempt frozen before tokens existed (started before this
    release) their tokens, once: under the attempt's row lock, which an autosave and a submit
    take too, so that two tabs opening the page at once agree on one set of tokens.
    Returns whether any were given. One query when there is nothing to do.

    Such rows are marked `legacy`: they also accept the option ids that the page served before
    the release carried, so that a page left open across the deploy still saves (the ids it
    shows were already in the learner's hands)."""
    rows = AttemptQuestion.objects.filter(attempt_id=attempt_id)
    if not rows.exclude(tokens__has_key="options").exists():
        return False
    with transaction.atomic():
        status = list(
            QuizAttempt.objects.select_for_update()
            .filter(pk=attempt_id)
            .values_list("status", flat=True)
        )
        if status != [QuizAttempt.Status.IN_PROGRESS]:
            return False
        frozen = list(
            rows.order_by("position").values_list(
                "id", "question__kind", "option_order", "choice_order", "tokens"
            )
        )
        taken: set[str] = set()
        for *_, tokens in frozen:
            if tokens_complete(tokens):
                taken.update(tokens["options"], tokens["choices"])
        given = False
        for row_id, kind, option_order, choice_order, tokens in frozen:
            if tokens_complete(tokens):
                continue
            tokens = {**_tokens_for(kind, option_order, choice_order, taken), "legacy": True}
            AttemptQuestion.objects.filter(pk=row_id).update(tokens=tokens)
            given = True
    return given


_UNREAD = object()


def quiz_locked_reason(
    *,
    user,
    quiz: QuizPage,
    course: CoursePage,
    outline=None,
    enrollment=_UNREAD,
    closes_at=_UNREAD,
) -> str | None:
    """Why `user` may not start `quiz` now, or None. Enrolment, the window (with the
    learner's own deadline, `closes_at`, when a trainer set one), the course's pre-test first
    (`pretest_pending`) for its other quizzes, and in an in-order course the lessons before
    it; the attempts left are `quiz_standing`'s. Callers that have read the enrolment (None
    when there is none), the outline or the learner's deadline pass them."""
    if closes_at is _UNREAD:
        closes_at = (
            AttemptAllowance.objects.filter(user=user, quiz=quiz)
            .values_list("closes_at", flat=True)
            .first()
        ) or quiz.closes_at
    if enrollment is _UNREAD:
        enrollment = Enrollment.objects.filter(user=user, course=course).first()
    if enrollment is None or enrollment.status == Enrollment.Status.WITHDRAWN:
        return _("Daftar ke kursus ini terlebih dahulu untuk mengerjakan kuis.")
    now = timezone.now()
    if quiz.opens_at and now < quiz.opens_at:
        return _("Kuis ini baru dibuka %(time)s.") % {
            "time": timezone.localtime(quiz.opens_at).strftime("%d-%m-%Y %H:%M")
        }
    if closes_at and now >= closes_at:
        return _("Kuis ini sudah ditutup.")
    if quiz.kind != QuizPage.Kind.PRETEST and enrollment.status == Enrollment.Status.ACTIVE:
        # The pre-test comes first, in any course: no other quiz before it (by URL too).
        pretest = pretest_pending(
            user=user, outline=outline or course_outline(course=course, done_ids=())
        )
        if pretest is not None:
            return _(
                "Kerjakan dulu %(title)s. Kuis ini terbuka setelah pre-test Anda kumpulkan."
            ) % {"title": pretest.title}
    if course.sequential and quiz.kind != QuizPage.Kind.PRETEST:
        outline = outline or course_outline(course=course, user=user)
        item = outline.quiz(quiz.id)
        lessons = outline.lessons
        if item is not None and item.module_id is not None:
            lessons = next(m.lessons for m in outline.modules if m.id == item.module_id)
        if quiz_is_locked(
            lesson_ids=[lesson.id for lesson in lessons],
            done_ids={lesson.id for lesson in lessons if lesson.done},
            sequential=course.sequential,
            pretest=quiz.kind == QuizPage.Kind.PRETEST,
        ):
            return _("Selesaikan dulu materi sebelum kuis ini.")
    return None


def quiz_attempt_start(*, user, quiz: QuizPage, rng: random.Random | None = None) -> QuizAttempt:
    """The learner's open attempt of `quiz`, or a new one with its own frozen draw, when their
    standing (`quiz_standing`: the round, the trainer's extras and deadline) leaves one. A new
    round opens here, when its wait is over. Under the lock of the learner's allowance row, so
    that a second click waits and then gets the attempt the first one started."""
    rng = rng or random.SystemRandom()
    open_attempt = QuizAttempt.objects.filter(
        user=user, quiz=quiz, status=QuizAttempt.Status.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        if attempt_is_overdue(open_attempt):
            quiz_attempt_submit(attempt_id=open_attempt.pk, expired=True)
        else:
            return open_attempt
    course = quiz.course
    try:
        with transaction.atomic():
            # Locked when read, or by its insert when it is new.
            allowance, _created = AttemptAllowance.objects.select_for_update().get_or_create(
                user=user, quiz=quiz
            )
            attempts = list(QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("number"))
            open_attempt = next((a for a in attempts if a.is_open), None)
            if open_attempt is not None:  # a click before this one started it
                return open_attempt
            standing = quiz_standing(user=user, quiz=quiz, attempts=attempts, allowance=allowance)
            reason = quiz_locked_reason(
                user=user, quiz=quiz, course=course, closes_at=standing.closes_at
            )
            if reason:
                raise QuizError(reason)
            if not standing.can_start:
                raise QuizError(standing_message(standing))
            allowance_round_roll(
                allowance=allowance, standing=standing, attempts_used=len(attempts)
            )
            now = timezone.now()
            deadline = None
            if standing.time_limit_minutes:
                deadline = now + timedelta(minutes=standing.time_limit_minutes)
            if standing.closes_at and (deadline is None or standing.closes_at < deadline):
                deadline = standing.closes_at
            with transaction.atomic():
                attempt = QuizAttempt.objects.create(
                    user=user,
                    quiz=quiz,
                    number=len(attempts) + 1,
                    started_at=now,
                    deadline=deadline,
                )
                questions = _draw_questions(quiz, rng)
                if not questions:
                    raise QuizError(_("Kuis ini belum berisi soal."))
                _freeze(attempt, questions, rng)
    except IntegrityError:
        # A second click or tab started one at the same moment (where the lock is not
        # honoured, as on SQLite): use that one.
        existing = QuizAttempt.objects.filter(
            user=user, quiz=quiz, status=QuizAttempt.Status.IN_PROGRESS
        ).first()
        if existing is None:
            raise
        return existing
    return attempt
