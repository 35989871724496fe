"""Wagtail admin pages of the question bank and of quiz results, for trainers."""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.admin import messages

from .forms import QuestionImportForm
from .kuis.analysis import quiz_item_analysis
from .kuis.bank import EXPORTERS, question_bank_export, question_import
from .kuis.formats import QuestionFileError
from .kuis.formats.template import build_template_csv, build_template_xlsx
from .kuis.selectors import course_average_gain, quiz_attempt_counts
from .models import CoursePage, Question, QuestionCategory, QuizPage


@permission_required("kursus.add_question", raise_exception=True)
def question_import_view(request):
    form = QuestionImportForm(request.POST or None, request.FILES or None)
    report = error = None
    if request.method == "POST" and form.is_valid():
        category = form.cleaned_data["category"] or form.cleaned_data["new_category"]
        try:
            report = question_import(
                content=form.cleaned_data["file"].read(),
                fmt=form.cleaned_data["fmt"],
                category=category,
                user=request.user,
            )
        except QuestionFileError as exc:
            error = str(exc)
            messages.error(request, _("Berkas ditolak; tidak ada soal yang disimpan."))
        else:
            messages.success(
                request,
                _("%(n)s soal baru disimpan di kategori %(category)s.")
                % {"n": len(report.created), "category": report.category.name},
            )
    return TemplateResponse(
        request,
        "kursus/admin/question_import.html",
        {
            "form": form,
            "report": report,
            "error": error,
            "categories": QuestionCategory.objects.order_by("name"),
            "formats": EXPORTERS,
        },
    )


@permission_required("kursus.view_question", raise_exception=True)
def question_template_view(request, extension: str):
    if extension == "xlsx":
        content = build_template_xlsx()
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = build_template_csv()
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="templat-soal.{extension}"'
    return response


@permission_required("kursus.view_question", raise_exception=True)
def question_export_view(request, category_id: int, fmt: str):
    category = get_object_or_404(QuestionCategory, pk=category_id)
    if fmt not in EXPORTERS:
        raise PermissionDenied
    content, extension = question_bank_export(category=category, fmt=fmt)
    content_type = "application/xml" if extension == "xml" else "text/plain; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    name = slugify(category.name) or "bank-soal"
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


def quiz_analysis_view(request, page_id: int):
    """Item analysis of one quiz, for whoever may edit it."""
    quiz = get_object_or_404(QuizPage, pk=page_id)
    if not quiz.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    course = CoursePage.objects.ancestor_of(quiz).first()
    return TemplateResponse(
        request,
        "kursus/admin/quiz_analysis.html",
        {
            "quiz": quiz,
            "course": course,
            "analysis": quiz_item_analysis(quiz=quiz),
            "counts": quiz_attempt_counts(quiz=quiz),
            "gain": course_average_gain(course=course) if course else None,
        },
    )


@permission_required("kursus.view_question", raise_exception=True)
def question_preview_view(request, question_id):
    """A bank question as a learner meets it in an attempt: its text and options, no key."""
    question = get_object_or_404(Question, pk=question_id)
    return TemplateResponse(
        request,
        question.get_preview_template(request, ""),
        question.get_preview_context(request, ""),
    )
