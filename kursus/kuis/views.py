"""The learner's side of quizzes: the quiz page, the attempt with autosave, the summary before
submitting, and the result as the review policy allows."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.core.restrictions import page_restriction_refuses

from ..models import QuizAttempt, QuizPage
from ..selectors import course_outline, enrollment_get, outline_with_grades
from ..views import _root_url_path
from .selectors import (
    REVEAL_NONE,
    attempt_last_saved,
    attempt_questions_shown,
    course_pre_post_gain,
    quiz_attempt_list,
    quiz_question_count,
    quiz_review_modules,
    review_level,
)
from .services import (
    AttemptClosed,
    QuizError,
    attempt_is_overdue,
    attempt_request_create,
    attempt_tokens_ensure,
    quiz_answer_save,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_locked_reason,
)
from .standing import STEP_ASK, STEP_REQUESTED, STEP_WAIT, quiz_standing, standing_message


def quiz_serve(request, *, quiz: QuizPage):
    """The quiz's own page: what it is, the learner's attempts and grade, and the way in."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = quiz.course
    outline = course_outline(
        course=course, user=request.user, root_url_path=_root_url_path(request)
    )
    item = outline.quiz(quiz.id)
    if item is None:
        raise Http404
    attempts = quiz_attempt_list(user=request.user, quiz=quiz)
    outline_with_grades(outline, user=request.user)
    open_attempt = next((a for a in attempts if a.is_open), None)
    enrollment = enrollment_get(user=request.user, course=course)
    standing = quiz_standing(user=request.user, quiz=quiz, attempts=attempts)
    locked_reason = (
        None
        if open_attempt
        else quiz_locked_reason(
            user=request.user,
            quiz=quiz,
            course=course,
            outline=outline,
            enrollment=enrollment,
            closes_at=standing.closes_at,
        )
    )
    # At a dead end (no attempt left, not passed) the page says what comes next.
    dead_end = (
        not open_attempt
        and locked_reason is None
        and standing.next_step in (STEP_WAIT, STEP_ASK, STEP_REQUESTED)
    )
    if not locked_reason and not standing.can_start:
        locked_reason = standing_message(standing)
    return TemplateResponse(
        request,
        quiz.get_template(request),
        {
            "page": quiz,
            "self": quiz,
            "course": course,
            "outline": outline,
            "item": item,
            "attempts": attempts,
            "grade": item.grade,
            "open_attempt": open_attempt,
            "locked_reason": locked_reason,
            "standing": standing,
            "remaining": standing.remaining,
            "dead_end": dead_end,
            "question_count": quiz_question_count(quiz=quiz),
            "review_modules": quiz_review_modules(user=request.user, quiz=quiz, outline=outline)
            if dead_end
            else [],
            "gain": course_pre_post_gain(outline=outline),
            "enrollment": enrollment,
        },
    )


@login_required
@require_POST
def quiz_start(request, quiz_id: int):
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    if page_restriction_refuses(request, quiz):
        return redirect(quiz.url)
    try:
        attempt = quiz_attempt_start(user=request.user, quiz=quiz)
    except QuizError as exc:
        messages.error(request, str(exc))
        return redirect(quiz.url)
    return redirect("kursus:attempt", attempt_id=attempt.pk)


@login_required
@require_POST
def quiz_request_attempt(request, quiz_id: int):
    """The learner asks their trainer for another chance, after their last failed attempt."""
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    if page_restriction_refuses(request, quiz):
        return redirect(quiz.url)
    try:
        attempt_request_create(user=request.user, quiz=quiz)
    except QuizError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Permintaan terkirim, menunggu pelatih."))
    return redirect(quiz.url)


def _own_attempt(request, attempt_id: int) -> QuizAttempt:
    """The learner's own attempt, while the quiz's view restrictions let them see it."""
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related("quiz"), pk=attempt_id, user=request.user
    )
    if page_restriction_refuses(request, attempt.quiz):
        raise Http404
    return attempt


def _close_if_overdue(attempt: QuizAttempt) -> QuizAttempt:
    """The attempt, graded as expired first if its time ran out (the learner's copy, with its
    quiz, read again: the grade is on it)."""
    if attempt.is_open and attempt_is_overdue(attempt):
        quiz_attempt_submit(attempt_id=attempt.pk, expired=True)
        attempt.refresh_from_db()
    return attempt


@login_required
def attempt_view(request, attempt_id: int):
    attempt = _close_if_overdue(_own_attempt(request, attempt_id))
    if not attempt.is_open:
        return redirect("kursus:attempt_result", attempt_id=attempt.pk)
    attempt_tokens_ensure(attempt_id=attempt.pk)
    questions = attempt_questions_shown(attempt, reveal=REVEAL_NONE)
    remaining = None
    if attempt.deadline:
        remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return TemplateResponse(
        request,
        "kursus/quiz_attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": questions,
            "remaining_seconds": remaining,
            "last_saved": attempt_last_saved(attempt),
            "answered": sum(q.answered for q in questions),
        },
    )


def _form_response(question, data):
    """One question's answer from a plain form post (the page without JavaScript): the tokens
    it was shown, as the autosave sends them. A matching question's selects are named
    `q<position>-<prompt token>`."""
    name = f"q{question.position}"
    if question.kind == "multiple":
        return data.getlist(name)
    if question.kind == "matching":
        prefix = f"{name}-"
        return {
            key.removeprefix(prefix): data.get(key)
            for key in data
            if key.startswith(prefix) and data.get(key)
        }
    return data.get(name, "")


@login_required
@require_POST
def attempt_answer(request, attempt_id: int):
    """Autosave of one answer, sent by the page's script as JSON."""
    try:
        payload = json.loads(request.body or b"{}")
        position = int(payload["position"])
        response = payload.get("response")
    except (ValueError, KeyError, TypeError):
        get_object_or_404(QuizAttempt.objects.only("id"), pk=attempt_id, user=request.user)
        return JsonResponse({"ok": False, "error": _("Permintaan tidak valid.")}, status=400)
    try:
        saved_at = quiz_answer_save(
            user=request.user, attempt_id=attempt_id, position=position, response=response
        )
    except QuizAttempt.DoesNotExist as exc:
        raise Http404 from exc
    except AttemptClosed as exc:
        return JsonResponse(
            {
                "ok": False,
                "closed": True,
                "error": str(exc),
                "result_url": reverse("kursus:attempt_result", args=[attempt_id]),
            },
            status=409,
        )
    except QuizError as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    return JsonResponse({"ok": True, "saved_at": timezone.localtime(saved_at).strftime("%H:%M:%S")})


@login_required
@require_POST
def attempt_save(request, attempt_id: int):
    """Save every answer of the form at once, then go where the learner asked. An answer the
    attempt does not know (a token of another attempt, a forged value) is not saved; the
    others are, and the learner is told which question to look at again."""
    attempt = _own_attempt(request, attempt_id)
    refused = []
    for question in attempt_questions_shown(attempt, reveal=REVEAL_NONE):
        try:
            quiz_answer_save(
                user=request.user,
                attempt_id=attempt.pk,
                position=question.position,
                response=_form_response(question, request.POST),
            )
        except AttemptClosed as exc:
            messages.error(request, str(exc))
            return redirect("kursus:attempt_result", attempt_id=attempt.pk)
        except QuizError:
            refused.append(str(question.position))
    if refused:
        messages.error(
            request,
            _("Jawaban soal %(numbers)s tidak dikenali dan tidak disimpan.")
            % {"numbers": ", ".join(refused)},
        )
        return redirect("kursus:attempt", attempt_id=attempt.pk)
    if request.POST.get("next") == "summary":
        return redirect("kursus:attempt_summary", attempt_id=attempt.pk)
    messages.success(request, _("Jawaban tersimpan."))
    return redirect("kursus:attempt", attempt_id=attempt.pk)


@login_required
def attempt_summary(request, attempt_id: int):
    attempt = _close_if_overdue(_own_attempt(request, attempt_id))
    if not attempt.is_open:
        return redirect("kursus:attempt_result", attempt_id=attempt.pk)
    questions = attempt_questions_shown(attempt, reveal=REVEAL_NONE)
    return TemplateResponse(
        request,
        "kursus/quiz_summary.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": questions,
            "unanswered": [q for q in questions if not q.answered],
            "answered": sum(q.answered for q in questions),
        },
    )


@login_required
@require_POST
def attempt_submit(request, attempt_id: int):
    try:
        quiz_attempt_submit(attempt_id=attempt_id, user=request.user)
    except QuizAttempt.DoesNotExist as exc:  # not theirs
        raise Http404 from exc
    return redirect("kursus:attempt_result", attempt_id=attempt_id)


@login_required
def attempt_result(request, attempt_id: int):
    attempt = _close_if_overdue(_own_attempt(request, attempt_id))
    if attempt.is_open:
        return redirect("kursus:attempt", attempt_id=attempt.pk)
    reveal = review_level(attempt)
    quiz = attempt.quiz
    course = quiz.course
    enrollment = enrollment_get(user=request.user, course=course)
    return TemplateResponse(
        request,
        "kursus/quiz_result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "course": course,
            "reveal": reveal,
            "questions": attempt_questions_shown(attempt, reveal=reveal) if reveal else [],
            "enrollment": enrollment,
        },
    )
