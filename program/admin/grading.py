"""Grading in the Wagtail admin, for Admin LMS and trainers: the presentation rubric per
programme, the cohorts' assessor panels, the gradebook of a cohort (sortable, filtered,
paginated, XLSX), audited corrections, and closing the cohort."""

from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet

from ..exports import xlsx_bytes
from ..models import Cohort, CohortAssessor, GradeOverride, Participant, RubricCriterion
from ..selectors.grading import (
    SORT_KEYS,
    gradebook_filtered,
    gradebook_rows,
    gradebook_sorted,
)
from ..services.grading import (
    cohort_close,
    grade_override_create,
    rubric_total,
    user_is_grading_staff,
)
from .menu import PROGRAM_MENU_HOOK

PAGE_SIZE = 50

COLUMNS = [
    ("name", gettext_lazy("Nama")),
    ("nip", gettext_lazy("NIP")),
    ("unit_name", gettext_lazy("Unit kerja")),
    ("team_name", gettext_lazy("Tim penyaji")),
    ("posttest", gettext_lazy("Post-test")),
    ("presenter", gettext_lazy("Nilai presentasi tim")),
    ("attendance", gettext_lazy("Kehadiran (%)")),
    ("peer", gettext_lazy("Penilaian sesama peserta")),
    ("participation", gettext_lazy("Nilai partisipasi")),
    ("final", gettext_lazy("Nilai akhir")),
    ("outcome", gettext_lazy("Hasil")),
]
assert [key for key, _label in COLUMNS] == list(SORT_KEYS)


# The rubric and the assessor panels


class RubricCriterionForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        programme, weight = cleaned.get("programme"), cleaned.get("weight")
        if programme is not None and weight is not None:
            others = RubricCriterion.objects.filter(programme=programme).exclude(
                pk=self.instance.pk
            ).aggregate(total=Sum("weight"))["total"] or Decimal(0)
            if others + weight > 100:
                self.add_error(
                    "weight",
                    _(
                        "Bobot kriteria program ini menjadi %(total)s; jumlahnya harus tepat "
                        "100 (sisa yang tersedia %(left)s)."
                    )
                    % {"total": others + weight, "left": 100 - others},
                )
        return cleaned


class RubricCriterionViewSet(ModelViewSet):
    model = RubricCriterion
    icon = "list-ol"
    menu_label = gettext_lazy("Rubrik presentasi")
    menu_hook = PROGRAM_MENU_HOOK
    menu_order = 400
    list_display = ["title", "programme", "weight", "order"]
    list_filter = ["programme"]
    search_fields = ["title"]
    copy_view_enabled = False
    inspect_view_enabled = False
    index_results_template_name = "program/admin/index_results.html"
    edit_handler = ObjectList(
        [
            FieldPanel("programme"),
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("weight"),
            FieldPanel("order"),
            InlinePanel("levels", label=gettext_lazy("Tingkat"), min_num=2),
        ],
        base_form_class=RubricCriterionForm,
    )


class CohortAssessorViewSet(ModelViewSet):
    model = CohortAssessor
    icon = "user"
    menu_label = gettext_lazy("Penilai angkatan")
    menu_hook = PROGRAM_MENU_HOOK
    menu_order = 410
    form_fields = ["cohort", "user"]
    list_display = ["user", "cohort"]
    list_filter = ["cohort"]
    copy_view_enabled = False
    inspect_view_enabled = False
    index_results_template_name = "program/admin/index_results.html"


# The gradebook


def _staff_cohort(request, cohort_id: int) -> Cohort:
    if not user_is_grading_staff(request.user):
        raise PermissionDenied
    return get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_id)


def grading_cohorts_view(request):
    if not user_is_grading_staff(request.user):
        raise PermissionDenied
    cohorts = Cohort.objects.select_related("programme").order_by("-starts_on", "name")
    return TemplateResponse(request, "program/admin/grading_cohorts.html", {"cohorts": cohorts})


def _filtered_sorted(request, cohort):
    rows = gradebook_rows(cohort)
    units = sorted({(r.unit_id, r.unit_name) for r in rows if r.unit_id}, key=lambda u: u[1])
    teams = sorted({(r.team_id, r.team_name) for r in rows if r.team_id}, key=lambda t: t[1])
    chosen = {
        "unit": request.GET.get("unit", ""),
        "team": request.GET.get("team", ""),
        "outcome": request.GET.get("outcome", ""),
    }
    rows = gradebook_filtered(rows, **chosen)
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in SORT_KEYS:
        sort = "name"
    return gradebook_sorted(rows, sort), units, teams, chosen, sort


def gradebook_view(request, cohort_id: int):
    cohort = _staff_cohort(request, cohort_id)
    rows, units, teams, chosen, sort = _filtered_sorted(request, cohort)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("p"))
    keep = {k: v for k, v in chosen.items() if v}
    headers = []
    for key, label in COLUMNS:
        next_sort = f"-{key}" if sort == key else key
        headers.append(
            {
                "label": label,
                "url": "?" + urlencode({**keep, "sort": next_sort}),
                "sorted": "asc" if sort == key else "desc" if sort == f"-{key}" else "",
            }
        )
    outcomes = Participant.Outcome
    for row in page.object_list:
        row.outcome_label = outcomes(row.outcome).label if row.outcome else ""
    total = rubric_total(cohort.programme_id)
    return TemplateResponse(
        request,
        "program/admin/gradebook.html",
        {
            "cohort": cohort,
            "page": page,
            "headers": headers,
            "units": units,
            "teams": teams,
            "outcomes": outcomes.choices,
            "chosen": chosen,
            "sort": sort,
            "paging_query": urlencode({**keep, "sort": sort}),
            "export_query": urlencode({**keep, "sort": sort}),
            "rubric_total": total,
            "rubric_complete": total == 100,
        },
    )


def gradebook_export_view(request, cohort_id: int):
    cohort = _staff_cohort(request, cohort_id)
    rows, *_rest = _filtered_sorted(request, cohort)
    outcomes = Participant.Outcome
    components = GradeOverride.Component
    header = [str(label) for _key, label in COLUMNS] + [_("Dikoreksi")]
    content = xlsx_bytes(
        title=_("Nilai"),
        header=header,
        rows=(
            [
                row.name,
                row.nip,
                row.unit_name,
                row.team_name,
                row.posttest,
                row.presenter,
                row.attendance,
                row.peer,
                row.participation,
                row.final,
                str(outcomes(row.outcome).label) if row.outcome else "",
                ", ".join(str(components(c).label) for c in row.corrected),
            ]
            for row in rows
        ),
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="nilai-angkatan-{cohort.pk}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class GradeOverrideForm(forms.Form):
    component = forms.ChoiceField(
        label=gettext_lazy("Komponen"), choices=GradeOverride.Component.choices
    )
    new_value = forms.DecimalField(
        label=gettext_lazy("Nilai baru (0-100)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    reason = forms.CharField(
        label=gettext_lazy("Alasan koreksi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=gettext_lazy("Wajib; tersimpan bersama nama Anda dan nilai semula."),
    )


def grade_correct_view(request, cohort_id: int, participant_id: int):
    cohort = _staff_cohort(request, cohort_id)
    participant = get_object_or_404(
        Participant.objects.select_related("user"),
        pk=participant_id,
        cohort=cohort,
        status=Participant.Status.ACTIVE,
    )
    (row,) = gradebook_rows(cohort, participant_ids=[participant.pk])
    form = GradeOverrideForm(request.POST or None)
    if request.method == "POST" and not cohort.is_closed and form.is_valid():
        try:
            grade_override_create(
                participant=participant,
                component=form.cleaned_data["component"],
                new_value=form.cleaned_data["new_value"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Koreksi nilai disimpan."))
            return redirect("program_grading:correct", cohort.pk, participant.pk)
    history = (
        GradeOverride.objects.filter(participant=participant)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )
    return TemplateResponse(
        request,
        "program/admin/grade_correct.html",
        {"cohort": cohort, "participant": participant, "row": row, "form": form,
         "history": history},
    )  # fmt: skip


def cohort_close_view(request, cohort_id: int):
    cohort = _staff_cohort(request, cohort_id)
    if request.method == "POST":
        result = cohort_close(cohort=cohort, by=request.user)
        if result.closed_now:
            messages.success(
                request,
                _("Angkatan ditutup: %(p)s lulus, %(f)s tidak lulus, %(a)s tidak mengikuti.")
                % {"p": result.passed, "f": result.failed, "a": result.absent},
            )
        else:
            messages.warning(request, _("Angkatan ini sudah ditutup sebelumnya."))
        return redirect("program_grading:gradebook", cohort.pk)
    rows = gradebook_rows(cohort)
    counts = dict.fromkeys(Participant.Outcome.values, 0)
    for row in rows:
        counts[row.outcome] += 1
    return TemplateResponse(
        request,
        "program/admin/cohort_close.html",
        {
            "cohort": cohort,
            "participants": len(rows),
            "passed": counts["passed"],
            "failed": counts["failed"],
            "absent": counts["absent"],
        },
    )


class GradingMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_grading_staff(request.user)


def grading_urls():
    urls = [
        path("", grading_cohorts_view, name="cohorts"),
        path("angkatan/<int:cohort_id>/", gradebook_view, name="gradebook"),
        path("angkatan/<int:cohort_id>/xlsx/", gradebook_export_view, name="export"),
        path(
            "angkatan/<int:cohort_id>/peserta/<int:participant_id>/koreksi/",
            grade_correct_view,
            name="correct",
        ),
        path("angkatan/<int:cohort_id>/tutup/", cohort_close_view, name="close"),
    ]
    return [path("program/nilai/", include((urls, "program_grading")))]


def register_grading() -> None:
    """Called once from program/wagtail_hooks.py."""
    hooks.register("register_admin_urls", grading_urls)
    hooks.register("register_admin_viewset", lambda: RubricCriterionViewSet("rubrik-presentasi"))
    hooks.register("register_admin_viewset", lambda: CohortAssessorViewSet("penilai-angkatan"))
    hooks.register(
        PROGRAM_MENU_HOOK,
        lambda: GradingMenuItem(
            _("Nilai angkatan"), reverse("program_grading:cohorts"), icon_name="table",
            order=300,
        ),
    )  # fmt: skip
