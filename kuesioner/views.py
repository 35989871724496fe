"""The respondent's page: /kuesioner/isi/<context>/ (context "kursus.course:34" ...)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .forms import AnswerForm
from .models import Questionnaire
from .registry import context_describe
from .selectors import questionnaire_answered_by
from .services import questionnaire_answer_submit


@login_required
def answer_view(request, context: str):
    """The questionnaire that applies to `context`, for a person who may answer it; once
    answered, a thank-you (a second submission records nothing)."""
    info = context_describe(context)
    if info is None or info.questionnaire_id is None or not info.may_answer(request.user):
        raise Http404
    questionnaire = get_object_or_404(
        Questionnaire.objects.prefetch_related("sections__questions"), pk=info.questionnaire_id
    )
    answered = questionnaire_answered_by(
        user_id=request.user.pk, questionnaire_id=questionnaire.pk, context=context
    )
    form = None
    if not answered and questionnaire.is_active:
        form = AnswerForm(
            request.POST if request.method == "POST" else None, questionnaire=questionnaire
        )
        if request.method == "POST":
            if form.is_valid():
                questionnaire_answer_submit(
                    user=request.user,
                    questionnaire=questionnaire,
                    context=context,
                    answers=form.answers(),
                )
                messages.success(request, _("Terima kasih, jawaban Anda sudah tersimpan."))
                return redirect(info.back_url)
            messages.error(request, _("Periksa kembali jawaban Anda di bawah."))
    elif answered and request.method == "POST":
        messages.info(request, _("Anda sudah mengisi kuesioner ini."))
        return redirect(info.back_url)
    return TemplateResponse(
        request,
        "kuesioner/answer.html",
        {
            "questionnaire": questionnaire,
            "info": info,
            "form": form,
            "answered": answered,
        },
    )
