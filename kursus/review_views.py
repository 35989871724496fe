"""The admin's course review: the reviewer's queue of courses (one item per course), a
course's review page (its outline, what changed since its last publication, a preview of each
page, the decision with a comment), and copying a course for its next edition."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.models import TaskState

from .forms import CourseCopyForm, CourseReviewDecisionForm
from .models import CoursePage
from .models.review import course_has_lesson
from .review import course_changes, course_review_latest, course_reviews_waiting
from .services import CourseReviewError, course_copy, course_review_decide, course_review_submit


def course_review_list_view(request):
    """The reviewer's queue: one item per course waiting for a decision."""
    return TemplateResponse(
        request,
        "kursus/admin/course_review_list.html",
        {"waiting": course_reviews_waiting(user=request.user)},
    )


def _preview_url(row, task_state: TaskState | None) -> str:
    if row.page is None:
        return ""
    if row.depth == 0 and task_state is not None:
        return reverse(
            "wagtailadmin_pages:workflow_preview", args=[row.page.pk, task_state.task_id]
        )
    return reverse("wagtailadmin_pages:view_draft", args=[row.page.pk])


def course_review_view(request, page_id: int):
    """One course's review: for its trainers (submit it, read the reviewer's comment) and for
    its reviewers (preview each page, approve or ask for changes)."""
    course = get_object_or_404(CoursePage, pk=page_id)
    latest = course_review_latest(course=course)
    in_review = latest is not None and latest.status == TaskState.STATUS_IN_PROGRESS
    actions = (
        {name for name, _label, _modal in latest.task.specific.get_actions(course, request.user)}
        if in_review
        else set()
    )
    can_edit = course.permissions_for_user(request.user).can_edit()
    if not (can_edit or actions):
        raise PermissionDenied
    form = CourseReviewDecisionForm(request.POST or None)
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "submit" and can_edit:
                course_review_submit(course=course, user=request.user)
                messages.success(
                    request, _("Kursus %(code)s diajukan untuk ditinjau.") % {"code": course.code}
                )
            elif decision in {"approve", "reject"} and form.is_valid():
                course_review_decide(
                    course=course,
                    user=request.user,
                    approve=decision == "approve",
                    comment=form.cleaned_data["comment"],
                )
                if decision == "approve":
                    messages.success(
                        request,
                        _("Kursus %(code)s disetujui dan terbit bersama seluruh isinya.")
                        % {"code": course.code},
                    )
                else:
                    messages.success(
                        request,
                        _("Permintaan perbaikan dikirim kepada pengajar kursus %(code)s.")
                        % {"code": course.code},
                    )
                return redirect("kursus_review:list")
            else:
                raise PermissionDenied
        except CourseReviewError as exc:
            messages.error(request, str(exc))
        return redirect("kursus_review:detail", page_id=course.pk)
    rows = course_changes(course=course)
    task_state = latest if in_review else None
    for row in rows:
        row.preview_url = _preview_url(row, task_state)
    return TemplateResponse(
        request,
        "kursus/admin/course_review.html",
        {
            "course": course,
            "rows": rows,
            "latest": latest,
            "in_review": in_review,
            "can_approve": "approve" in actions,
            "can_reject": "reject" in actions,
            "can_submit": can_edit and not in_review,
            "has_lesson": course_has_lesson(course),
            "form": form,
        },
    )


def course_copy_view(request, page_id: int):
    """Copy a course for a new edition (a new year's): structure and quizzes, as drafts."""
    course = get_object_or_404(CoursePage, pk=page_id)
    if not course.get_parent().permissions_for_user(request.user).can_add_subpage():
        raise PermissionDenied
    form = CourseCopyForm(
        request.POST or None,
        initial={"title": course.title, "code": course.code, "slug": course.slug},
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = course_copy(course=course, user=request.user, **form.cleaned_data)
        except CourseReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Kursus %(code)s dibuat dari salinan %(source)s, sebagai konsep.")
                % {"code": copy.code, "source": course.code},
            )
            return redirect("wagtailadmin_pages:edit", copy.pk)
    return TemplateResponse(
        request, "kursus/admin/course_copy.html", {"course": course, "form": form}
    )
