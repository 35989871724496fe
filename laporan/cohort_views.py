"""The cohort report under /laporan/angkatan/: the cohorts a reader may see, one cohort's
report, and its XLSX. Scope is decided once, by `cohort_report_scope`; a cohort outside it
is a 404 before anything else is read."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse

from .cohort_exports import cohort_report_xlsx
from .selectors.cohorts import (
    ATTENDANCE_LABELS,
    OUTCOME_LABELS,
    CohortScope,
    attendance_matrix,
    cohort_get_for_report,
    cohort_list_for_report,
    cohort_report,
    cohort_report_scope,
)

PER_PAGE = 50


def _scope_or_404(request) -> CohortScope:
    scope = cohort_report_scope(request.user)
    if scope is None:
        raise Http404
    return scope


@login_required
def cohort_list(request):
    """The cohorts the reader may report on, newest first."""
    scope = cohort_report_scope(request.user)
    if scope is None:
        raise PermissionDenied
    page = Paginator(cohort_list_for_report(scope), PER_PAGE).get_page(request.GET.get("halaman"))
    return TemplateResponse(
        request, "laporan/cohorts.html", {"page": page, "scope": scope, "active_tab": "angkatan"}
    )


@login_required
def cohort_detail(request, cohort_id: int):
    """One cohort's report for the participants the reader may see."""
    scope = _scope_or_404(request)
    cohort = cohort_get_for_report(scope, cohort_id=cohort_id)
    report = cohort_report(cohort, scope=scope)
    page = Paginator(report.rows, PER_PAGE).get_page(request.GET.get("halaman"))
    rows = list(page.object_list)
    matrix = attendance_matrix([r.participant_id for r in rows], report.sessions)
    people = [
        {
            "grade": row,
            "outcome_label": OUTCOME_LABELS.get(row.outcome, ""),
            "attendance": [
                (status, ATTENDANCE_LABELS.get(status, "")) for status in matrix[row.participant_id]
            ],
        }
        for row in rows
    ]
    return TemplateResponse(
        request,
        "laporan/cohort_report.html",
        {
            "cohort": cohort,
            "report": report,
            "scope": scope,
            "page": page,
            "people": people,
            "attendance_labels": list(ATTENDANCE_LABELS.values()),
            "outcome_labels": list(OUTCOME_LABELS.values()),
            "active_tab": "angkatan",
        },
    )


@login_required
def cohort_export(request, cohort_id: int):
    """The report as XLSX (Ringkasan, Peserta, Kehadiran, Kuesioner), same scope as the page."""
    scope = _scope_or_404(request)
    cohort = cohort_get_for_report(scope, cohort_id=cohort_id)
    report = cohort_report(cohort, scope=scope)
    fh = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    cohort_report_xlsx(report, fh)
    fh.seek(0)
    response = FileResponse(
        fh,
        as_attachment=True,
        filename=f"laporan-angkatan-{cohort.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
