"""What makes a lesson done: the course's rule (a minimum time on the page, reaching its end,
or a right answer to the lesson's check question), checked on the server before
`lesson_complete` records anything. The time is the server's, from when the lesson was
first served to the learner (`lesson_visit_open`); the client only reports reaching the end
(`lesson_end_reach`), which the server stores with its own clock.

Under the scroll and check-question rules a lesson also needs a floor of time on the page
(`lesson_floor_seconds`), so that a script cannot mark a course done in a few requests, and a
wrong check answer waits `CHECK_RETRY_SECONDS` before the next one (`lesson_check_wrong_note`)."""

import math
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import CoursePage, LessonDoneRule, LessonPage, LessonVisit
from ..models.pages import CHECK_RETRY_SECONDS, LESSON_FLOOR_MIN_SECONDS, LESSON_FLOOR_PERCENT


@dataclass(frozen=True)
class LessonDoneCheck:
    """Whether `lesson_complete` may be called now, by the course's `rule` (the one that
    applies to this lesson), and if not, why (`reason`, for the learner) and, under the time
    rule, how many seconds are left."""

    allowed: bool
    rule: str
    reason: str = ""
    seconds_left: int = 0
    waiting: str = ""  # what `seconds_left` counts down: WAIT_TIME or WAIT_RETRY
    wrong_answer: bool = False  # a wrong check answer: the caller notes it (the wait)
    end_reached: bool = False  # the scroll rule: the end of the lesson came on screen


WAIT_TIME = "time"  # the time on the page (the time rule, or the floor of the others)
WAIT_RETRY = "retry"  # the wait after a wrong check answer


_UNREAD = object()


def lesson_rule_for(*, lesson: LessonPage, course: CoursePage) -> str:
    """The rule that applies to `lesson`: the course's, except that a lesson without a check
    question falls back to the minimum time under the check-question rule."""
    rule = course.lesson_done_rule
    if rule == LessonDoneRule.CHECK and not lesson.has_check_question:
        return LessonDoneRule.MIN_TIME
    return rule


def lesson_min_seconds(*, lesson: LessonPage, course: CoursePage) -> int:
    """The minimum time on the page: the course's share of the lesson's estimated minutes."""
    return math.ceil(lesson.duration_minutes * 60 * course.lesson_min_time_percent / 100)


def lesson_floor_seconds(*, lesson: LessonPage, course: CoursePage) -> int:
    """The least time on the page before a lesson may be marked done under the scroll and
    check-question rules: LESSON_FLOOR_PERCENT of the time rule's minimum for the lesson, at
    least LESSON_FLOOR_MIN_SECONDS."""
    return max(
        math.ceil(lesson_min_seconds(lesson=lesson, course=course) * LESSON_FLOOR_PERCENT / 100),
        LESSON_FLOOR_MIN_SECONDS,
    )


def _retry_key(user_id: int, lesson_id: int) -> str:
    return f"lesson-check-retry:{user_id}:{lesson_id}"


def lesson_check_wrong_note(*, user, lesson: LessonPage) -> None:
    """Record, by the server's clock, a wrong answer to `lesson`'s check question: the next
    answer is taken CHECK_RETRY_SECONDS later. Kept in the shared cache, for that long."""
    cache.set(
        _retry_key(user.pk, lesson.pk), timezone.now().timestamp(), timeout=CHECK_RETRY_SECONDS
    )


def _retry_seconds_left(*, user, lesson: LessonPage, now: datetime) -> int:
    wrong_at = cache.get(_retry_key(user.pk, lesson.pk))
    if wrong_at is None:
        return 0
    return max(0, math.ceil(wrong_at + CHECK_RETRY_SECONDS - now.timestamp()))


def duration_text(seconds: int) -> str:
    """'4 menit 20 detik', '45 detik', '3 menit'."""
    minutes, rest = divmod(max(seconds, 0), 60)
    parts = []
    if minutes:
        parts.append(ngettext("%(n)d menit", "%(n)d menit", minutes) % {"n": minutes})
    if rest or not minutes:
        parts.append(ngettext("%(n)d detik", "%(n)d detik", rest) % {"n": rest})
    return " ".join(parts)


def lesson_visit_open(*, user, lesson: LessonPage) -> LessonVisit:
    """The learner's visit of `lesson`, recorded now if this is the first time it is served to
    them. A second tab or a reload finds the first visit: the unique (user, lesson)
    constraint makes `get_or_create` return the row another request wrote."""
    visit, _created = LessonVisit.objects.get_or_create(user_id=user.pk, lesson_id=lesson.pk)
    return visit


def lesson_end_reach(*, user, lesson: LessonPage) -> bool:
    """Record, by the server's clock, that the learner's browser reported the end of
    `lesson` on screen. Only a lesson served to them before counts (False when there is no
    visit); a repeated report keeps the first time."""
    visit = LessonVisit.objects.filter(user_id=user.pk, lesson_id=lesson.pk)
    if not visit.exists():
        return False
    visit.filter(reached_end_at__isnull=True).update(reached_end_at=timezone.now())
    return True


def lesson_done_check(
    *,
    user,
    lesson: LessonPage,
    course: CoursePage,
    answer: str | None = None,
    visit=_UNREAD,
    now: datetime | None = None,
) -> LessonDoneCheck:
    """May `user` mark `lesson` done now? Every rule needs the lesson to have been served to
    them (so that a lesson locked behind the pre-test or earlier lessons cannot be marked by a
    bare POST). Then: the time rule needs the share of the lesson's minutes to have passed
    since it was first served; the scroll and check rules need their floor of time
    (`lesson_floor_seconds`), then the scroll rule needs the end reached and the check rule
    `answer` (the option's number, as posted) to be the right one, not within
    CHECK_RETRY_SECONDS of a wrong one. Writes nothing: the caller notes a wrong answer
    (`wrong_answer`) with `lesson_check_wrong_note`. Callers that hold the visit (None when
    there is none) pass it in."""
    rule = lesson_rule_for(lesson=lesson, course=course)
    if visit is _UNREAD:
        visit = LessonVisit.objects.filter(user_id=user.pk, lesson_id=lesson.pk).first()
    if visit is None:
        return LessonDoneCheck(
            allowed=False,
            rule=rule,
            reason=_("Buka dan pelajari materi ini terlebih dahulu sebelum menandainya selesai."),
            seconds_left=lesson_min_seconds(lesson=lesson, course=course)
            if rule == LessonDoneRule.MIN_TIME
            else lesson_floor_seconds(lesson=lesson, course=course),
            waiting=WAIT_TIME,
        )
    now = now or timezone.now()
    spent = (now - visit.opened_at).total_seconds()
    if rule == LessonDoneRule.MIN_TIME:
        needed = lesson_min_seconds(lesson=lesson, course=course)
        left = math.ceil(needed - spent)
        if left > 0:
            return LessonDoneCheck(
                allowed=False,
                rule=rule,
                reason=_(
                    "Materi ini baru dapat ditandai selesai setelah Anda mempelajarinya "
                    "sekurang-kurangnya %(needed)s. Sisa waktu: %(left)s."
                )
                % {"needed": duration_text(needed), "left": duration_text(left)},
                seconds_left=left,
                waiting=WAIT_TIME,
            )
        return LessonDoneCheck(allowed=True, rule=rule)
    # The scroll and check-question rules: the floor of time on the page first.
    floor = lesson_floor_seconds(lesson=lesson, course=course)
    left = math.ceil(floor - spent)
    if left > 0:
        return LessonDoneCheck(
            allowed=False,
            rule=rule,
            reason=_(
                "Pelajari materi ini sekurang-kurangnya %(needed)s sebelum menandainya "
                "selesai. Sisa waktu: %(left)s."
            )
            % {"needed": duration_text(floor), "left": duration_text(left)},
            seconds_left=left,
            waiting=WAIT_TIME,
            end_reached=visit.reached_end_at is not None,
        )
    if rule == LessonDoneRule.SCROLL:
        if visit.reached_end_at is None:
            return LessonDoneCheck(
                allowed=False,
                rule=rule,
                reason=_("Gulir dan baca materi ini sampai akhir, lalu tandai selesai."),
            )
        return LessonDoneCheck(allowed=True, rule=rule, end_reached=True)
    # The check question, once the wait after a wrong answer is over.
    left = _retry_seconds_left(user=user, lesson=lesson, now=now)
    if left > 0:
        return LessonDoneCheck(
            allowed=False,
            rule=rule,
            reason=_(
                "Jawaban sebelumnya belum tepat. Baca kembali materinya; Anda dapat menjawab "
                "lagi dalam %(left)s."
            )
            % {"left": duration_text(left)},
            seconds_left=left,
            waiting=WAIT_RETRY,
        )
    if not answer:
        return LessonDoneCheck(
            allowed=False,
            rule=rule,
            reason=_("Pilih satu jawaban pada pertanyaan cek, lalu tandai selesai."),
        )
    if answer.strip() != str(lesson.check_answer):
        return LessonDoneCheck(
            allowed=False,
            rule=rule,
            reason=_(
                "Jawaban Anda belum tepat. Baca kembali materinya, lalu coba lagi setelah %(wait)s."
            )
            % {"wait": duration_text(CHECK_RETRY_SECONDS)},
            wrong_answer=True,
        )
    return LessonDoneCheck(allowed=True, rule=rule)
