"""The supervisor's reports under /laporan/. Every view starts from `orgunit_get_visible`:
a unit outside the user's subtree is a 404, before anything else is read."""

import tempfile
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kursus.models import CoursePage
from lms.organisasi.selectors import (
    employee_list_visible,
    orgunit_get_visible,
    orgunit_list_visible,
    orgunit_scope_root,
    orgunit_subtree_filter,
)

from . import charts
from .exports import csv_lines, export_table, sync_max_rows, write_xlsx
from .filters import ReportFilterForm, filters_from_request, jp_bin_labels, jp_target
from .forms import SubscriptionForm
from .models import ReminderBatch, ReportExport, ReportSubscription
from .selectors import (
    COURSE_ORDERS,
    COURSE_REPORT_EXTRA_COLUMNS,
    JP_ORDERS,
    STATUS_CHOICES,
    course_report_page,
    course_report_rows,
    employee_record_get,
    jp_list_count,
    jp_list_queryset,
    jp_rows,
    learning_record,
    reminder_last_sent,
    summary_latest,
    unit_course_rows,
    unit_report,
)
from .selectors.cohorts import cohort_report_scope
from .services import (
    REMINDER_WEEK,
    reminder_batch_create,
    report_export_create,
    report_subscription_set,
)

PER_PAGE = 50


def _unit_context(request, code: str) -> dict:
    unit = orgunit_get_visible(request.user, code=code)
    root = orgunit_scope_root(request.user)
    crumbs = [a for a in unit.get_ancestors() if a.path.startswith(root.path)] + [unit]
    return {"unit": unit, "breadcrumbs": crumbs}


COURSE_ORDER_LABELS = [
    ("nama", _lazy("Nama")),
    ("unit", _lazy("Unit kerja")),
    ("kemajuan", _lazy("Kemajuan terendah")),
    ("-kemajuan", _lazy("Kemajuan tertinggi")),
    ("batas", _lazy("Batas waktu")),
]
JP_ORDER_LABELS = [
    ("jp", _lazy("JP terendah")),
    ("-jp", _lazy("JP tertinggi")),
    ("nama", _lazy("Nama")),
    ("unit", _lazy("Unit kerja")),
]


def _select(name: str, label: str, choices, value: str) -> dict:
    """A list of the page's own (status, order) in the one filter bar (_filters.html)."""
    return {"name": name, "label": label, "choices": choices, "value": value}


def _with_last_reminder(rows: list[dict]) -> None:
    """Put on each row of a report page when the person was last reminded. One query."""
    last = reminder_last_sent({row["user_id"] for row in rows})
    for row in rows:
        row["last_reminded"] = last.get(row["user_id"])


def _reminder_form(request, *, kind: str, filters, course=None) -> dict:
    """What the page's reminder form needs: a fresh token (a form submitted twice sends
    once), and where to come back to."""
    return {
        "kind": kind,
        "token": uuid.uuid4(),
        "course": course,
        "hidden": filters.pairs(),
        "next": request.get_full_path(),
    }


@login_required
def scope_home(request):
    """A supervisor lands on their own unit; Admin LMS on Bawaslu RI; a trainer on the
    cohort reports."""
    root = orgunit_scope_root(request.user)
    if root is None:
        if cohort_report_scope(request.user) is not None:
            return redirect("laporan:cohort_list")  # a trainer: the cohort reports only
        raise PermissionDenied
    return redirect("laporan:unit_detail", code=root.code)


@login_required
def unit_dashboard(request, code: str):
    """Headline figures of the unit's subtree, one row per child unit to drill down, charts."""
    context = _unit_context(request, code)
    unit = context["unit"]
    form, filters = filters_from_request(request)
    refresh = summary_latest()
    report = unit_report(unit=unit, filters=filters, refresh=refresh)
    figures = report.figures
    bars = [(row["unit"].name, row["figures"].completion_rate) for row in report.children]
    subscription = ReportSubscription.objects.filter(user=request.user, unit=unit).first()
    context.update(
        form=form,
        filters=filters,
        query=filters.querystring(),
        tab_query=filters.querystring(),
        report=report,
        children=report.children,
        figures=figures,
        direct=report.direct,
        refresh=refresh,
        target=jp_target(),
        bar_chart=charts.bar_chart(bars, title=_("Tingkat penyelesaian per unit di bawahnya"))
        if bars
        else None,
        line_chart=charts.line_chart(
            figures.months,
            title=_("Penyelesaian kursus per bulan, %(year)s") % {"year": filters.year},
        ),
        months=list(zip(charts.MONTH_LABELS, figures.months, strict=True)),
        histogram=charts.histogram(
            figures.jp_bins,
            jp_bin_labels(),
            title=_("Sebaran JP pegawai, %(year)s") % {"year": filters.year},
        ),
        jp_bins=list(zip(jp_bin_labels(), figures.jp_bins, strict=True)),
        subscription_form=SubscriptionForm(
            initial={"frequency": subscription.frequency if subscription else ""}
        ),
        subscription=subscription,
        active_tab="ringkasan",
    )
    return TemplateResponse(request, "laporan/dashboard.html", context)


@login_required
def unit_courses(request, code: str):
    """The same figures per course, each a link to the course report."""
    context = _unit_context(request, code)
    form, filters = filters_from_request(request)
    refresh = summary_latest()
    rows = unit_course_rows(unit=context["unit"], filters=filters, refresh=refresh)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("halaman"))
    context.update(
        form=form,
        filters=filters,
        query=filters.querystring(),
        tab_query=filters.querystring(),
        page=page,
        refresh=refresh,
        active_tab="kursus",
    )
    return TemplateResponse(request, "laporan/courses.html", context)


@login_required
def course_report(request, code: str, course_id: int):
    """Each employee's status in one course, for the unit's subtree."""
    context = _unit_context(request, code)
    course = get_object_or_404(CoursePage, pk=course_id)
    form, filters = filters_from_request(request, course_field=False)
    status = request.GET.get("status", "")
    order = request.GET.get("urut", "nama")
    page = course_report_page(
        unit=context["unit"],
        course=course,
        filters=filters,
        status=status,
        order=order,
        number=request.GET.get("halaman"),
        per_page=PER_PAGE,
    )
    status = status if status in dict(STATUS_CHOICES) else ""
    order = order if order in COURSE_ORDERS else "nama"
    rows = course_report_rows(list(page.object_list), course=course)
    _with_last_reminder(rows)
    context.update(
        course=course,
        form=form,
        filters=filters,
        status=status,
        order=order,
        extra_active=int(bool(status) or order != "nama"),
        extra_filters=[
            _select("status", _("Status"), STATUS_CHOICES, status),
            _select("urut", _("Urutkan"), COURSE_ORDER_LABELS, order),
        ],
        query=filters.querystring(status=status, urut=order),
        tab_query=filters.querystring(),
        export_query=filters.querystring(kursus=course.pk, status=status, urut=order),
        page=page,
        rows=rows,
        extra_columns=COURSE_REPORT_EXTRA_COLUMNS,
        reminder=_reminder_form(
            request, kind=ReminderBatch.Kind.COURSE, filters=filters, course=course
        ),
        active_tab="kursus",
    )
    return TemplateResponse(request, "laporan/course_report.html", context)


@login_required
def jp_compliance(request, code: str):
    """JP this year against the target: rate per child unit and the people under it."""
    context = _unit_context(request, code)
    unit = context["unit"]
    form, filters = filters_from_request(request, course_field=False)
    refresh = summary_latest()
    below_only = request.GET.get("semua") != "1"
    order = request.GET.get("urut", "jp")
    report = unit_report(unit=unit, filters=filters, refresh=refresh)
    qs = jp_list_queryset(
        unit=unit,
        filters=filters,
        refresh=refresh,
        below_only=below_only,
        order=order,
        subtree_people=report.figures.employees,
    )
    paginator = Paginator(qs, PER_PAGE)
    count = jp_list_count(report=report, refresh=refresh, below_only=below_only)
    if count is not None:
        paginator.count = count  # from the summary the list is read from: no count query
    page = paginator.get_page(request.GET.get("halaman"))
    extra = {"urut": order, "semua": "" if below_only else "1"}
    rows = jp_rows(list(page.object_list), year=filters.year)
    _with_last_reminder(rows)
    context.update(
        form=form,
        filters=filters,
        report=report,
        figures=report.figures,
        refresh=refresh,
        below_only=below_only,
        order=order if order in JP_ORDERS else "jp",
        extra_active=int(not below_only or order not in ("jp", "")),
        extra_filters=[
            _select("urut", _("Urutkan"), JP_ORDER_LABELS, order if order in JP_ORDERS else "jp")
        ],
        extra_checks=[
            {
                "name": "semua",
                "value": "1",
                "label": _("Tampilkan juga yang sudah memenuhi"),
                "checked": not below_only,
            }
        ],
        query=filters.querystring(**extra),
        filter_query=filters.querystring(),
        tab_query=filters.querystring(),
        page=page,
        rows=rows,
        reminder=_reminder_form(request, kind=ReminderBatch.Kind.JP, filters=filters),
        target=jp_target(),
        bar_chart=charts.bar_chart(
            [(row["unit"].name, row["figures"].jp_rate) for row in report.children],
            title=_("Kepatuhan JP per unit di bawahnya"),
        )
        if report.children
        else None,
        active_tab="jp",
    )
    return TemplateResponse(request, "laporan/jp_compliance.html", context)


@login_required
def unit_employees(request, code: str):
    """The active employees of the unit's subtree."""
    context = _unit_context(request, code)
    employees = (
        employee_list_visible(request.user)
        .filter(orgunit_subtree_filter(context["unit"]), is_active=True)
        .select_related("unit")
        .order_by("full_name", "id")
    )
    page = Paginator(employees, PER_PAGE).get_page(request.GET.get("halaman"))
    context.update(page=page, active_tab="pegawai")
    return TemplateResponse(request, "laporan/employees.html", context)


@login_required
def employee_record(request, code: str, employee_id: int):
    """One employee's learning record: courses, scores, JP per year, certificates and the
    reminders sent, for a supervisor whose scope holds the employee (404 otherwise)."""
    context = _unit_context(request, code)
    employee = employee_record_get(request.user, unit=context["unit"], employee_id=employee_id)
    year = request.GET.get("tahun", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    record = learning_record(employee=employee, year=year)
    context.update(
        employee=employee,
        record=record,
        year=year,
        active_tab="pegawai",
    )
    return TemplateResponse(request, "laporan/employee_record.html", context)


def _safe_next(request, fallback: str) -> str:
    """The report page the form came from: a path of the reports on this site, or `fallback`."""
    target = request.POST.get("next", "")
    if target.startswith("/laporan/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def reminder_send(request, code: str):
    """Send a reminder to the people ticked on a report page, or to everyone the page lists
    as missing something ("semua"). Only people inside the unit's subtree can be reminded."""
    unit = orgunit_get_visible(request.user, code=code)
    kind = request.POST.get("jenis", "")
    course = None
    if kind == ReminderBatch.Kind.COURSE:
        course_id = request.POST.get("kursus", "")
        course = get_object_or_404(CoursePage, pk=course_id) if course_id.isdigit() else None
        if course is None:
            raise Http404
        fallback = reverse("laporan:course_report", args=[unit.code, course.pk])
    elif kind == ReminderBatch.Kind.JP:
        fallback = reverse("laporan:jp_compliance", args=[unit.code])
    else:
        raise Http404
    back = redirect(_safe_next(request, fallback))
    try:
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        messages.error(
            request, _("Formulir pengingat tidak sah. Muat ulang halaman lalu coba lagi.")
        )
        return back
    # The page's filters, carried as hidden fields: "all" means all that the page lists.
    filters = ReportFilterForm(request.POST, course_field=False).filters()
    target = request.POST.get("sasaran", "")
    if target == "semua":
        employee_ids = None
    else:
        employee_ids = sorted(
            {int(v) for v in request.POST.getlist("pegawai") if v.isdigit() and len(v) < 19}
        )
        if not employee_ids:
            messages.error(request, _("Pilih dahulu pegawai yang akan diingatkan."))
            return back
    outcome = reminder_batch_create(
        sender=request.user,
        unit=unit,
        kind=kind,
        token=token,
        filters=filters,
        course=course,
        employee_ids=employee_ids,
    )
    _reminder_messages(request, outcome, kind=kind)
    return back


def _reminder_messages(request, outcome, *, kind: str) -> None:
    if outcome.repeated:
        messages.info(
            request,
            _(
                "Pengingat dari formulir ini sudah dicatat sebelumnya; "
                "tidak ada yang dikirim ulang."
            ),
        )
        return
    if outcome.queued:
        messages.success(
            request,
            ngettext(
                "Pengingat sedang dikirim ke %(n)s pegawai.",
                "Pengingat sedang dikirim ke %(n)s pegawai.",
                outcome.queued,
            )
            % {"n": outcome.queued},
        )
    else:
        messages.warning(request, _("Tidak ada pengingat yang dikirim."))
    days = REMINDER_WEEK.days
    if outcome.skipped_recent:
        messages.info(
            request,
            _(
                "%(n)s pegawai dilewati karena sudah diingatkan dalam %(days)s hari terakhir "
                "(pengingat paling banyak sekali seminggu per orang)."
            )
            % {"n": outcome.skipped_recent, "days": days},
        )
    if outcome.skipped_done:
        reason = (
            _("%(n)s pegawai dilewati karena JP-nya sudah memenuhi target.")
            if kind == ReminderBatch.Kind.JP
            else _("%(n)s pegawai dilewati karena sudah menyelesaikan kursus ini.")
        )
        messages.info(request, reason % {"n": outcome.skipped_done})
    if outcome.ignored:
        reason = (
            _("%(n)s pilihan diabaikan karena bukan pegawai aktif di unit ini.")
            if kind == ReminderBatch.Kind.JP
            else _("%(n)s pilihan diabaikan karena bukan peserta kursus ini di unit ini.")
        )
        messages.warning(request, reason % {"n": outcome.ignored})


# Exports

EXPORT_KINDS = {k.value for k in ReportExport.Kind}
EXPORT_FORMATS = {f.value for f in ReportExport.Format}


@login_required
def report_export(request, code: str, kind: str, fmt: str):
    """Download a report with the page's filters: streamed at once when small, otherwise
    written by a Celery job whose page shows a progress bar and then the link."""
    unit = orgunit_get_visible(request.user, code=code)
    if kind not in EXPORT_KINDS or fmt not in EXPORT_FORMATS:
        raise Http404
    course = None
    course_field = kind == ReportExport.Kind.SUMMARY
    _form, filters = filters_from_request(request, course_field=course_field)
    options = {}
    if kind == ReportExport.Kind.COURSE:
        course_id = request.GET.get("kursus", "")
        course = get_object_or_404(CoursePage, pk=course_id) if course_id.isdigit() else None
        if course is None:
            raise Http404
        options = {"status": request.GET.get("status", ""), "order": request.GET.get("urut", "")}
    elif kind == ReportExport.Kind.JP:
        options = {
            "below_only": request.GET.get("semua") != "1",
            "order": request.GET.get("urut", "jp"),
        }
    refresh = summary_latest()
    table = export_table(
        kind=kind, unit=unit, filters=filters, refresh=refresh, course=course, options=options
    )
    if table.count > sync_max_rows():
        job = report_export_create(
            user=request.user,
            kind=kind,
            unit=unit,
            filters=filters,
            fmt=fmt,
            course=course,
            options=options,
            total_rows=table.count,
        )
        return redirect("laporan:export_detail", pk=job.pk)
    filename = f"{table.filename}.{fmt}"
    if fmt == ReportExport.Format.CSV:
        response = StreamingHttpResponse(csv_lines(table), content_type="text/csv; charset=utf-8")
    else:
        fh = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        write_xlsx(table, fh)
        fh.seek(0)
        response = FileResponse(
            fh,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _own_export(request, pk: int) -> ReportExport:
    job = get_object_or_404(
        ReportExport.objects.select_related("unit", "course"), pk=pk, requested_by=request.user
    )
    if not orgunit_list_visible(request.user).filter(pk=job.unit_id).exists():
        raise Http404
    return job


@login_required
def export_detail(request, pk: int):
    job = _own_export(request, pk)
    return TemplateResponse(
        request,
        "laporan/export_detail.html",
        {"job": job, "unit": job.unit, "breadcrumbs": [job.unit]},
    )


@login_required
def export_status(request, pk: int):
    job = _own_export(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress_percent,
            "processed_rows": job.processed_rows,
            "total_rows": job.total_rows,
            "finished": job.is_finished,
        }
    )


@login_required
def export_download(request, pk: int):
    job = _own_export(request, pk)
    if job.status != ReportExport.Status.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1]
    )


# Subscriptions


@login_required
@require_POST
def subscribe(request, code: str):
    unit = orgunit_get_visible(request.user, code=code)
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        frequency = form.cleaned_data["frequency"]
        report_subscription_set(user=request.user, unit=unit, frequency=frequency)
        if frequency:
            messages.success(
                request,
                _("Ringkasan %(unit)s akan dikirim ke %(email)s.")
                % {"unit": unit.name, "email": request.user.email},
            )
        else:
            messages.success(request, _("Langganan ringkasan dihentikan."))
    return redirect("laporan:unit_detail", code=unit.code)
