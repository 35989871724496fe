"""Quiz attempts: start, autosave, submit, expire. Every write is idempotent and every time
rule is enforced here, on the server, whatever the browser shows."""

import html
import random
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from lms.core.cache import learners_changed
from lms.core.page_cache import live_page_by_id
from lms.core.spreadsheets import has_control_characters, invisible_character
from lms.sql import column, row_instance, row_select, row_update_statement, statements_run, table

from ..models import (
    AttemptQuestion,
    CoursePage,
    Enrollment,
    Question,
    QuestionOption,
    QuizAttempt,
    QuizPage,
)
from ..services import course_complete_if_done, enrollment_lock
from .grading import OptionKey, percent_of, score_for


class QuizError(Exception):
    """A request the quiz rules refuse; the message is for the learner."""


class AttemptClosed(QuizError):
    pass


# Answers that left the browser just before the deadline still count; later ones do not.
GRACE = timedelta(seconds=30)


def _draw_questions(quiz: QuizPage, rng: random.Random) -> list[Question]:
    """The attempt's questions: the chosen ones and a fresh random draw per category slot."""
    slots = list(quiz.slots.all().order_by("sort_order"))
    fixed_ids = [slot.question_id for slot in slots if slot.question_id]
    fixed = {q.id: q for q in Question.objects.filter(id__in=fixed_ids)}
    taken = set(fixed_ids)
    picked: list[Question] = []
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
            drawn_ids.append(slot.question_id)
            continue
        pool = [pk for pk in pools[slot.category_id] if pk not in taken]
        chosen = rng.sample(pool, min(slot.draw_count, len(pool)))
        taken.update(chosen)
        drawn_ids.extend(chosen)
    drawn = {q.id: q for q in Question.objects.filter(id__in=set(drawn_ids) - set(fixed))}
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


def _tokens_complete(tokens) -> bool:
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
    release) their tokens, once: under the attempt's row lock, which an autosave shares and a
    submit takes, so that two tabs opening the page at once agree on one set of tokens.
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
            if _tokens_complete(tokens):
                taken.update(tokens["options"], tokens["choices"])
        given = False
        for row_id, kind, option_order, choice_order, tokens in frozen:
            if _tokens_complete(tokens):
                continue
            tokens = {**_tokens_for(kind, option_order, choice_order, taken), "legacy": True}
            AttemptQuestion.objects.filter(pk=row_id).update(tokens=tokens)
            given = True
    return given


_UNREAD = object()


def quiz_locked_reason(
    *, user, quiz: QuizPage, course: CoursePage, outline=None, enrollment=_UNREAD
) -> str | None:
    """Why `user` may not start `quiz` now, or None. Enrolment, the window, the attempts left,
    and in an in-order course the lessons before it. Callers that have read the enrolment
    (None when there is none) and the outline pass them in."""
    from ..selectors import course_outline

    if enrollment is _UNREAD:
        enrollment = Enrollment.objects.filter(user=user, course=course).first()
    if enrollment is None or enrollment.status == Enrollment.Status.WITHDRAWN:
        return _("Daftar ke kursus ini terlebih dahulu untuk mengerjakan kuis.")
    now = timezone.now()
    if quiz.opens_at and now < quiz.opens_at:
        return _("Kuis ini baru dibuka %(time)s.") % {
            "time": timezone.localtime(quiz.opens_at).strftime("%d-%m-%Y %H:%M")
        }
    if quiz.closes_at and now >= quiz.closes_at:
        return _("Kuis ini sudah ditutup.")
    if course.sequential and quiz.kind != QuizPage.Kind.PRETEST:
        outline = outline or course_outline(course=course, user=user)
        item = outline.quiz(quiz.id)
        lessons = outline.lessons
        if item is not None and item.module_id is not None:
            lessons = next(m.lessons for m in outline.modules if m.id == item.module_id)
        if any(not item.done for item in lessons):
            return _("Selesaikan dulu materi sebelum kuis ini.")
    return None


def quiz_attempt_start(*, user, quiz: QuizPage, rng: random.Random | None = None) -> QuizAttempt:
    """The learner's open attempt of `quiz`, or a new one with its own frozen draw."""
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
    reason = quiz_locked_reason(user=user, quiz=quiz, course=course)
    if reason:
        raise QuizError(reason)
    used = QuizAttempt.objects.filter(user=user, quiz=quiz).count()
    if quiz.attempts_allowed and used >= quiz.attempts_allowed:
        raise QuizError(_("Kesempatan mengerjakan kuis ini sudah habis."))
    now = timezone.now()
    deadline = None
    if quiz.time_limit_minutes:
        deadline = now + timedelta(minutes=quiz.time_limit_minutes)
    if quiz.closes_at and (deadline is None or quiz.closes_at < deadline):
        deadline = quiz.closes_at
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                user=user, quiz=quiz, number=used + 1, started_at=now, deadline=deadline
            )
            questions = _draw_questions(quiz, rng)
            if not questions:
                raise QuizError(_("Kuis ini belum berisi soal."))
            _freeze(attempt, questions, rng)
    except IntegrityError:
        # A second click or tab started one at the same moment: use that one.
        existing = QuizAttempt.objects.filter(
            user=user, quiz=quiz, status=QuizAttempt.Status.IN_PROGRESS
        ).first()
        if existing is None:
            raise
        return existing
    return attempt


def attempt_is_overdue(attempt, now=None) -> bool:
    """Past the deadline and its grace (`attempt`: anything with a deadline, an attempt or
    its layout)."""
    now = now or timezone.now()
    return attempt.deadline is not None and now > attempt.deadline + GRACE


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
    legacy = not _tokens_complete(tokens) or bool(tokens.get("legacy"))
    tokens = tokens if _tokens_complete(tokens) else {"options": [], "choices": []}
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


def quiz_answer_save(*, attempt: QuizAttempt, position: int, response):
    """Save one answer. Refused once the attempt is closed or past its deadline and grace;
    an overdue attempt is graded there and then on what was saved before. Returns the time it
    was saved."""
    return _answer_save(attempt_layout(attempt.pk), attempt, attempt.pk, position, response)


def quiz_answer_save_own(*, user, attempt_id: int, position: int, response):
    """`quiz_answer_save` for the learner's autosave request, which a whole class sends at
    once. Raises QuizAttempt.DoesNotExist when the attempt is not `user`'s."""
    layout = attempt_layout(attempt_id)
    if layout is None or layout.user_id != user.pk:
        raise QuizAttempt.DoesNotExist
    return _answer_save(layout, layout, attempt_id, position, response)


def _answer_save(layout, timed, attempt_id: int, position: int, response):
    """The attempt's frozen layout comes from the cache, its deadline from `timed` (the
    attempt when the caller holds it, else the layout), and the answer is written by one
    statement that checks the attempt is still open."""
    row = layout.rows.get(position) if layout is not None else None
    if row is None:
        raise QuizError(_("Soal tidak ditemukan."))
    row_id, kind, option_order, choice_order, tokens = row
    if attempt_is_overdue(timed):
        quiz_attempt_submit(attempt_id=attempt_id, expired=True)
        raise AttemptClosed(_("Waktu mengerjakan sudah habis; jawaban terakhir tidak disimpan."))
    cleaned = _clean_response(kind, option_order, choice_order, tokens, response)
    now = timezone.now()
    if not _answer_write(attempt_id=attempt_id, row_id=row_id, response=cleaned, now=now):
        raise AttemptClosed(_("Percobaan ini sudah selesai; jawaban tidak dapat diubah."))
    return now


@dataclass(frozen=True)
class AttemptLayout:
    """What an autosave needs of an attempt; none of it changes once the attempt started."""

    user_id: int
    deadline: object
    rows: dict  # position -> (row id, question kind, option order, choice order, tokens)


ATTEMPT_LAYOUT_SECONDS = 24 * 60 * 60


def attempt_layout(attempt_id: int) -> AttemptLayout | None:
    """The frozen layout of an attempt (None when there is no such attempt with questions),
    from the cache: it is fixed when the attempt starts, so it is never stale. One query when
    it is not cached. A layout some of whose questions have no tokens yet (an attempt started
    before tokens, see `attempt_tokens_ensure`) is not cached: its tokens may come any
    moment."""
    from django.core.cache import cache

    key = f"lms:attempt-layout:v2:{int(attempt_id)}"
    layout = cache.get(key)
    if layout is None:
        rows = list(
            AttemptQuestion.objects.filter(attempt_id=attempt_id).values_list(
                "position",
                "id",
                "question__kind",
                "option_order",
                "choice_order",
                "tokens",
                "attempt__user_id",
                "attempt__deadline",
            )
        )
        if not rows:
            return None
        layout = AttemptLayout(
            user_id=rows[0][6],
            deadline=rows[0][7],
            rows={row[0]: tuple(row[1:6]) for row in rows},
        )
        if all(_tokens_complete(row[5]) for row in rows):
            cache.set(key, layout, ATTEMPT_LAYOUT_SECONDS)
    return layout


def _answer_write(*, attempt_id: int, row_id: int, response, now) -> bool:
    """Store an answer if its attempt is still in progress, as one plain statement. False
    when the attempt is closed. The check shares a lock on the attempt's row (PostgreSQL) with
    submit's: a save racing a submit either lands before the grading reads the answers, or
    waits for it and finds the attempt closed; never between the two."""
    response_field = AttemptQuestion._meta.get_field("response")
    lock = " FOR KEY SHARE" if connection.features.has_select_for_no_key_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table(AttemptQuestion)} SET {column(AttemptQuestion, 'response')} = %s, "  # noqa: S608 - names quoted, values bound
            f"{column(AttemptQuestion, 'saved_at')} = %s "
            f"WHERE {column(AttemptQuestion, 'pk')} = %s AND EXISTS (SELECT 1 "
            f"FROM {table(QuizAttempt)} WHERE {column(QuizAttempt, 'pk')} = %s "
            f"AND {column(QuizAttempt, 'status')} = %s{lock})",
            [
                response_field.get_db_prep_save(response, connection),
                connection.ops.adapt_datetimefield_value(now),
                row_id,
                attempt_id,
                QuizAttempt.Status.IN_PROGRESS,
            ],
        )
        return cursor.rowcount == 1


def attempt_last_saved(attempt: QuizAttempt):
    return attempt.questions.aggregate(last=Max("saved_at"))["last"]


# Only these kinds read an option's text when grading (the accepted answers of a short answer,
# which of a matching question's options are prompts): stripping the markup of every option of
# every question would cost more than the rest of the grading.
KINDS_GRADED_ON_TEXT = {Question.Kind.SHORT, Question.Kind.MATCHING}


@lru_cache(maxsize=4096)
def _option_plain_text(text: str) -> str:
    """An option's text without its markup: the same few hundred texts of a bank come back
    on every submit, and Django's strip_tags parses the HTML each time."""
    return html.unescape(strip_tags(text))


def _option_keys(kind: str, options) -> list[OptionKey]:
    """OptionKeys from (id, fraction, text, match) rows."""
    on_text = kind in KINDS_GRADED_ON_TEXT
    return [
        OptionKey(
            id=pk,
            fraction=fraction,
            text=_option_plain_text(text) if on_text else "",
            match=match,
        )
        for pk, fraction, text, match in options
    ]


ATTEMPT_FIELDS = ("id", "user_id", "quiz_id", "number", "status", "deadline", "max_score")


def _scores_statement(attempt_id: int, scores: dict[int, Decimal]) -> tuple[str, list]:
    """The score of each graded row of `attempt_id` ({row id: score}, not empty) in one UPDATE
    that finds the rows through the attempt's index. Written directly: the ORM takes several
    milliseconds to build `bulk_update`'s CASE expression for twenty rows, on the request a
    whole class sends at once. On PostgreSQL the ids and scores go as two arrays, so that the
    statement's text stays the same whatever the number of questions and psycopg keeps its
    parse (a statement of more than fifty values it parses again on every call)."""
    field = AttemptQuestion._meta.get_field("score")
    rows = table(AttemptQuestion)
    pk, score, attempt = (column(AttemptQuestion, name) for name in ("pk", "score", "attempt"))
    values = [field.get_db_prep_save(value, connection) for value in scores.values()]
    if connection.vendor == "postgresql":
        return (
            f"UPDATE {rows} SET {score} = v.score "  # noqa: S608 - names quoted, values bound
            "FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, score) "
            f"WHERE {rows}.{attempt} = %s AND {rows}.{pk} = v.id",
            [list(scores), values, attempt_id],
        )
    params: list = []
    for row_id, value in zip(scores, values, strict=True):
        params += [row_id, value]
    whens = " ".join(["WHEN %s THEN %s"] * len(scores))
    marks = ", ".join(["%s"] * len(scores))
    return (
        f"UPDATE {rows} SET {score} = "  # noqa: S608 - names quoted, values bound
        f"CASE {pk} {whens} END WHERE {attempt} = %s AND {pk} IN ({marks})",
        [*params, attempt_id, *scores],
    )


def _attempt_lock_with_questions(attempt_id: int, *, user_id: int | None):
    """The attempt (only ATTEMPT_FIELDS), locked until the transaction ends, with user_id
    only if it is theirs (raises QuizAttempt.DoesNotExist); while it is still open, the
    rows of its questions with their options (for `_questions_parse`), read once the lock is
    held, so that an answer saved while this waited is graded; and the quiz's pass mark and
    whether it is required for completion (as the quiz page, live or not, stores them).
    Three plain statements, one round trip on PostgreSQL; a double click's second request
    finds the attempt graded and reads no questions."""
    answer, question, option = AttemptQuestion, Question, QuestionOption
    owner = f" AND {column(QuizAttempt, 'user')} = %s" if user_id is not None else ""
    owner_values = [user_id] if user_id is not None else []
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    attempts, key = table(QuizAttempt), column(QuizAttempt, "pk")
    questions = (
        f"SELECT a.{column(answer, 'pk')}, a.{column(answer, 'points')}, "  # noqa: S608 - names quoted, values bound
        f"a.{column(answer, 'response')}, q.{column(question, 'kind')}, "
        f"o.{column(option, 'pk')}, o.{column(option, 'fraction')}, o.{column(option, 'text')}, "
        f"o.{column(option, 'match')} "
        f"FROM {table(answer)} a "
        f"JOIN {table(question)} q ON q.{column(question, 'pk')} = a.{column(answer, 'question')} "
        f"LEFT JOIN {table(option)} o "
        f"ON o.{column(option, 'question')} = a.{column(answer, 'question')} "
        f"WHERE a.{column(answer, 'attempt')} = %s AND EXISTS (SELECT 1 FROM {attempts} "
        f"WHERE {key} = %s AND {column(QuizAttempt, 'status')} = %s{owner}) "
        f"ORDER BY a.{column(answer, 'position')}, o.{column(option, 'sort_order')}, "
        f"o.{column(option, 'pk')}"
    )
    rules = (
        f"SELECT {column(QuizPage, 'pass_mark')}, {column(QuizPage, 'required_for_completion')} "  # noqa: S608 - names quoted, values bound
        f"FROM {table(QuizPage)} WHERE {column(QuizPage, 'pk')} = "
        f"(SELECT {column(QuizAttempt, 'quiz')} FROM {attempts} WHERE {key} = %s)"
    )
    attempt_rows, question_rows, rules_rows = statements_run(
        [
            (
                row_select(QuizAttempt, f"{key} = %s{owner}{lock}", ATTEMPT_FIELDS),
                [attempt_id, *owner_values],
            ),
            (
                questions,
                [attempt_id, attempt_id, QuizAttempt.Status.IN_PROGRESS, *owner_values],
            ),
            (rules, [attempt_id]),
        ]
    )
    if not attempt_rows:
        raise QuizAttempt.DoesNotExist
    attempt = row_instance(QuizAttempt, attempt_rows[0], ATTEMPT_FIELDS)
    return attempt, question_rows, rules_rows[0]


def _questions_parse(question_rows) -> tuple[dict, dict]:
    """The attempt's questions, {row id: (points, response, kind)}, and their options,
    {row id: [(id, fraction, text, match)]}, from the rows `_attempt_lock_with_questions`
    read: twenty questions and a hundred options on every submit, which the ORM would spend
    longer building than the database reading."""
    points_field = AttemptQuestion._meta.get_field("points")
    response_field = AttemptQuestion._meta.get_field("response")
    fraction_field = QuestionOption._meta.get_field("fraction")
    rows: dict[int, tuple] = {}
    options: dict[int, list] = {}
    for row_id, points, response, kind, option_id, fraction, text, match in question_rows:
        if row_id not in rows:
            rows[row_id] = (
                points_field.to_python(points),
                response_field.from_db_value(response, None, connection),
                kind,
            )
        if option_id is not None:
            options.setdefault(row_id, []).append(
                (option_id, fraction_field.to_python(fraction), text, match)
            )
    return rows, options


def quiz_attempt_submit(*, attempt_id: int, expired: bool = False, user=None) -> QuizAttempt:
    """Grade an attempt once. A double click, a retried request, or the expiry job racing the
    learner finds it graded and changes nothing. With `user`, only their own attempt
    (QuizAttempt.DoesNotExist otherwise)."""
    with transaction.atomic():
        attempt, graded = _attempt_grade(attempt_id, expired=expired, user=user)
    if graded:  # after the commit: the cached pages of this learner are not used again
        learners_changed([attempt.user_id])
    return attempt


def _attempt_grade(attempt_id: int, *, expired: bool, user) -> tuple[QuizAttempt, bool]:
    """`quiz_attempt_submit` in the caller's transaction: the attempt, and whether this call
    graded it (False when it was graded before)."""
    attempt, question_rows, (pass_mark, required) = _attempt_lock_with_questions(
        attempt_id, user_id=user.pk if user is not None else None
    )
    if not attempt.is_open:
        return attempt, False
    now = timezone.now()
    rows, options = _questions_parse(question_rows)
    scores = {
        row_id: score_for(kind, _option_keys(kind, options.get(row_id, [])), response, points)
        for row_id, (points, response, kind) in rows.items()
    }
    total = sum(scores.values(), Decimal(0))
    overdue = attempt_is_overdue(attempt, now)
    attempt.status = (
        QuizAttempt.Status.EXPIRED if (expired or overdue) else QuizAttempt.Status.SUBMITTED
    )
    attempt.finished_at = now
    attempt.score = total
    attempt.percent = percent_of(total, attempt.max_score)
    attempt.passed = attempt.percent >= pass_mark
    statements = [
        *([_scores_statement(attempt.pk, scores)] if scores else []),
        row_update_statement(attempt, ["status", "finished_at", "score", "percent", "passed"]),
    ]
    # A pass of a required quiz may complete the course: its enrolment is locked, and the
    # lessons done read, with the grade.
    completes = attempt.passed and required
    if completes:
        # The course from the page cache when the quiz is live (as it is while people take
        # it), else from the database.
        attempt.quiz = live_page_by_id(QuizPage, attempt.quiz_id) or QuizPage.objects.get(
            pk=attempt.quiz_id
        )
        course = attempt.quiz.course
    statements_run(statements)
    if completes:
        enrollment = enrollment_lock(user_id=attempt.user_id, course=course)
        if enrollment is not None and enrollment.status == Enrollment.Status.ACTIVE:
            enrollment.course = course
            course_complete_if_done(enrollment=enrollment)
    return attempt, True


def quiz_attempts_expire(*, now=None) -> int:
    """Grade, as expired, every open attempt whose deadline and grace have passed."""
    now = now or timezone.now()
    overdue = QuizAttempt.objects.filter(
        status=QuizAttempt.Status.IN_PROGRESS, deadline__lt=now - GRACE
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(overdue[:1000]):
        attempt = quiz_attempt_submit(attempt_id=pk, expired=True)
        count += attempt.status == QuizAttempt.Status.EXPIRED
    return count
