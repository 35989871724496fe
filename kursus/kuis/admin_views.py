"""The trainer's side of learners' attempts, in the admin: who has used their attempts on a
quiz, their requests for another chance, and the overrides (extra attempts, more time, a later
deadline) with their history."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies.pages import PagePermissionPolicy

from ..models import AttemptAllowance, AttemptOverride, AttemptRequest, QuizAttempt, QuizPage
from .grading import grade_fold
from .services import QuizError, attempt_override_grant
from .standing import quiz_standing, request_is_open


class AttemptOverrideForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=AttemptOverride.Kind.choices)
    amount = forms.IntegerField(
        label=_("Jumlah"),
        required=False,
        min_value=1,
        help_text=_("Percobaan tambahan, atau menit tambahan untuk percobaan berikutnya."),
    )
    closes_at = forms.DateTimeField(
        label=_("Batas akhir baru"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    reason = forms.CharField(label=_("Alasan"), max_length=255)


def _editable_quiz(request, page_id: int) -> QuizPage:
    quiz = get_object_or_404(QuizPage, pk=page_id)
    if not quiz.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return quiz


def _learner_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _open_requests(pending) -> list[AttemptRequest]:
    """The pending requests whose learner still waits at the dead end they asked from; not
    one sent before the quiz changed to waiting for a new round, or before an attempt was
    given them in another way. A few queries per request: the pending ones are few."""
    return [
        request
        for request in pending
        if request_is_open(request, standing=quiz_standing(user=request.user, quiz=request.quiz))
    ]


def quiz_learners_view(request, page_id: int):
    """One quiz: the pending requests, every learner who has attempted it with their standing,
    and the history of overrides."""
    quiz = _editable_quiz(request, page_id)
    learners = list(
        get_user_model()
        .objects.filter(quiz_attempts__quiz=quiz)
        .annotate(attempt_count=Count("quiz_attempts", filter=Q(quiz_attempts__quiz=quiz)))
        .order_by("first_name", "last_name", "email")
    )
    # Each learner's grade by the quiz's own rule (the highest, or the last attempt's), as
    # their standing and the course's completion read it.
    grades: dict[int, Decimal] = {}
    finished = (
        QuizAttempt.objects.filter(quiz=quiz, percent__isnull=False)
        .exclude(status=QuizAttempt.Status.IN_PROGRESS)
        .order_by("number")
        .values_list("user_id", "percent")
    )
    for user_id, percent in finished:
        grades[user_id] = grade_fold(grades.get(user_id), percent, quiz.grading)
    allowances = {a.user_id: a for a in AttemptAllowance.objects.filter(quiz=quiz)}
    for user in learners:
        user.allowance = allowances.get(user.pk)
        user.display_name = _learner_name(user)
        user.grade = grades.get(user.pk)
        user.passed = user.grade is not None and user.grade >= quiz.pass_mark
    return TemplateResponse(
        request,
        "kursus/admin/quiz_learners.html",
        {
            "quiz": quiz,
            "learners": learners,
            "requests": _open_requests(
                AttemptRequest.objects.filter(
                    quiz=quiz, status=AttemptRequest.Status.PENDING
                ).select_related("user", "quiz")
            ),
            "history": AttemptOverride.objects.filter(quiz=quiz).select_related(
                "user", "granted_by"
            )[:100],
        },
    )


def quiz_learner_view(request, page_id: int, user_id: int):
    """One learner on one quiz: their attempts and standing, their pending request, the
    override form and the history of what was granted them."""
    quiz = _editable_quiz(request, page_id)
    # Only a learner of the quiz's course (enrolled, or with an attempt of it).
    learner = get_object_or_404(
        get_user_model()
        .objects.filter(Q(enrollments__course_id=quiz.course.pk) | Q(quiz_attempts__quiz=quiz))
        .distinct(),
        pk=user_id,
    )
    form = AttemptOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attempt_override_grant(
                quiz=quiz,
                user=learner,
                granted_by=request.user,
                kind=data["kind"],
                amount=data["amount"],
                closes_at=data["closes_at"],
                reason=data["reason"],
            )
        except QuizError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Perubahan untuk %(name)s tersimpan.") % {"name": _learner_name(learner)},
            )
            return redirect("kursus_attempts:learner", page_id=quiz.pk, user_id=learner.pk)
    attempts = list(QuizAttempt.objects.filter(user=learner, quiz=quiz).order_by("number"))
    return TemplateResponse(
        request,
        "kursus/admin/quiz_learner.html",
        {
            "quiz": quiz,
            "learner": learner,
            "learner_name": _learner_name(learner),
            "attempts": attempts,
            "standing": quiz_standing(user=learner, quiz=quiz, attempts=attempts),
            "form": form,
            "requests": AttemptRequest.objects.filter(user=learner, quiz=quiz).select_related(
                "override__granted_by"
            ),
            "history": AttemptOverride.objects.filter(user=learner, quiz=quiz).select_related(
                "granted_by"
            ),
        },
    )


def attempt_requests_view(request):
    """Every pending request for another chance on a quiz the trainer may edit."""
    editable = PagePermissionPolicy().instances_user_has_permission_for(request.user, "change")
    pending = (
        AttemptRequest.objects.filter(
            status=AttemptRequest.Status.PENDING, quiz_id__in=editable.values("id")
        )
        .select_related("user", "quiz")
        .order_by("created_at")
    )
    return TemplateResponse(
        request, "kursus/admin/attempt_requests.html", {"requests": _open_requests(pending)}
    )
