"""Results in the admin, for Admin LMS and trainers: the contexts a questionnaire was
answered for, one context's figures with bars, and its XLSX."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from lms.akun.roles import user_can_use_admin

from .exports import results_xlsx
from .models import Questionnaire, validate_context
from .registry import context_describe
from .selectors import questionnaire_contexts, questionnaire_results
from .services import questionnaire_copy


def _staff(request) -> None:
    if not user_can_use_admin(request.user):
        raise PermissionDenied


def _results(questionnaire, context: str):
    try:
        validate_context(context)
    except Exception as exc:
        raise Http404 from exc
    info = context_describe(context)
    return info, questionnaire_results(
        questionnaire=questionnaire,
        context=context,
        population=info.population if info else None,
        anonymous=info.anonymous if info else True,
    )


def results_index_view(request, pk: int):
    _staff(request)
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    rows = []
    for row in questionnaire_contexts(questionnaire=questionnaire):
        info = context_describe(row["context"])
        rows.append({**row, "title": info.title if info else row["context"]})
    return TemplateResponse(
        request,
        "kuesioner/admin/results_index.html",
        {"questionnaire": questionnaire, "rows": rows},
    )


def results_view(request, pk: int, context: str):
    """One context's figures. Residual risk, which nothing here removes: the answer rows
    carry no person and no date, and an anonymous context's figures are hidden below
    MIN_RESPONSES_SHOWN responses, but whoever can open this screen can still compare it
    over time: the figures seen before and after a day on which the respondents list (which
    does carry names and dates) grew by one person differ by that person's answers. Free
    texts may also name or betray their author, and a non-anonymous context shows its
    figures from the first response."""
    _staff(request)
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    info, results = _results(questionnaire, context)
    return TemplateResponse(
        request,
        "kuesioner/admin/results.html",
        {"questionnaire": questionnaire, "info": info, "results": results},
    )


def results_xlsx_view(request, pk: int, context: str):
    _staff(request)
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    _info, results = _results(questionnaire, context)
    response = HttpResponse(
        results_xlsx(results),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"kuesioner-{questionnaire.pk}-{context.replace(':', '-')}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def copy_view(request, pk: int):
    if not request.user.has_perm("kuesioner.add_questionnaire"):
        raise PermissionDenied
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    if request.method != "POST":
        return redirect("wagtailsnippets_kuesioner_questionnaire:edit", pk)
    copy = questionnaire_copy(
        questionnaire=questionnaire, title=_("%(title)s (salinan)") % {"title": questionnaire}
    )
    return redirect("wagtailsnippets_kuesioner_questionnaire:edit", copy.pk)
