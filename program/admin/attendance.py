"""The facilitator's attendance screens for one session, in the admin: the phone-sized code
screen (QR + typed code, refreshing itself), and the attendance sheet with the meeting report
upload, the report lines still to resolve, and the history of changes."""

import base64
import io

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from wagtail import hooks
from wagtail.admin import messages

from lms.akun.roles import PENGAJAR, user_has_role, user_is_admin_lms
from lms.organisasi.models import OrgUnit

from ..models import Attendance, CohortSession, Participant, ParticipantReportLine
from ..selectors import (
    session_attendance_counts,
    session_attendance_history,
    session_attendance_rows,
)
from ..services import (
    Mark,
    MarkingError,
    ReportError,
    attendance_mark_many,
    checkin_codes,
    checkin_key_get_or_create,
    checkin_window,
    checkin_window_error,
    participant_report_import,
    report_line_resolve,
)


def user_may_run_attendance(user) -> bool:
    """Admin LMS and trainers (Pengajar) run sessions' attendance."""
    return user_is_admin_lms(user) or user_has_role(user, PENGAJAR)


def _session(request, session_id: int) -> CohortSession:
    if not user_may_run_attendance(request.user):
        raise PermissionDenied
    return get_object_or_404(CohortSession.objects.select_related("cohort"), pk=session_id)


def _qr_data_uri(url: str) -> str:
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(url, image_factory=SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _code_state(request, session: CohortSession) -> dict:
    now = timezone.now()
    error = checkin_window_error(session, now)
    if error:
        return {"open": False, "message": error, "seconds_left": 30}
    key = checkin_key_get_or_create(session=session)
    codes = checkin_codes(session=session, key=key, now=now)
    url = request.build_absolute_uri(reverse("program:checkin_scan", args=[codes.token]))
    return {
        "open": True,
        "message": "",
        "code": codes.code,
        "url": url,
        "qr": _qr_data_uri(url),
        "seconds_left": codes.seconds_left,
        "step_seconds": codes.step_seconds,
    }


@never_cache
def session_code_view(request, session_id: int):
    """ "Tampilkan kode hadir": made for a phone or a tablet held up to the room."""
    session = _session(request, session_id)
    opens, closes = checkin_window(session)
    return TemplateResponse(
        request,
        "program/admin/session_code.html",
        {
            "session": session,
            "state": _code_state(request, session),
            "opens": opens,
            "closes": closes,
            "typed_code_url": request.build_absolute_uri(reverse("program:checkin_code")),
        },
    )


@require_GET
@never_cache
def session_code_json(request, session_id: int):
    """What the code screen's script polls when the code changes."""
    session = _session(request, session_id)
    return JsonResponse(_code_state(request, session))


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Laporan peserta (CSV dari Zoom)"),
        help_text=gettext_lazy(
            "Unduh di Zoom: Laporan > Penggunaan > Peserta > Ekspor. Kolom nama, email, waktu "
            "bergabung dan waktu keluar dibaca; beberapa baris satu orang dijumlahkan."
        ),
    )
    min_share_percent = forms.IntegerField(
        label=gettext_lazy("Dihitung hadir mulai (% lama sesi)"),
        min_value=1,
        max_value=100,
    )
    overwrite_manual = forms.BooleanField(
        label=gettext_lazy("Timpa kehadiran yang dicatat fasilitator"),
        required=False,
        help_text=gettext_lazy(
            "Tanpa centang, kehadiran yang sudah Anda catat sendiri tetap dipakai. Peserta yang "
            "hadir dengan kode QR atau kode ketik tetap hadir."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Unggah berkas CSV seperti yang diekspor Zoom."))
        if upload.size > settings.LMS_IMPORT_MAX_FILE_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar."))
        return upload


def _int_or_none(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@never_cache
def session_attendance_view(request, session_id: int):
    """The attendance sheet: every active participant with a status and a reason, saved in one
    post; the report upload; report lines to resolve; counts and history."""
    session = _session(request, session_id)
    unit_id = _int_or_none(request.GET.get("unit"))
    team_id = _int_or_none(request.GET.get("tim"))
    sheet_errors: dict[int, str] = {}
    if request.method == "POST":
        marks = []
        for name, value in request.POST.items():
            if name.startswith("status-") and value:
                pk = _int_or_none(name.removeprefix("status-"))
                if pk is not None:
                    marks.append(Mark(pk, value, request.POST.get(f"reason-{pk}", "")))
        try:
            changed = attendance_mark_many(session=session, marks=marks, by=request.user)
        except MarkingError as exc:
            sheet_errors = exc.errors
            if session.cohort.is_closed:
                messages.error(request, _("Angkatan sudah ditutup; kehadiran tidak dapat diubah."))
            else:
                messages.error(
                    request, _("Lembar kehadiran tidak disimpan. Periksa baris bertanda.")
                )
        else:
            messages.success(request, _("%(n)s perubahan kehadiran disimpan.") % {"n": changed})
            return redirect(request.get_full_path())
    rows = session_attendance_rows(session, unit_id=unit_id, team_id=team_id)
    counts = session_attendance_counts(session)
    for row in rows:
        row.error = sheet_errors.get(row.participant.pk, "")
        row.posted_status = request.POST.get(f"status-{row.participant.pk}", row.status)
        row.posted_reason = request.POST.get(f"reason-{row.participant.pk}", "")
    report = session.participant_reports.first()
    open_lines = list(report.lines.filter(match__in=["unmatched", "ambiguous"])) if report else []
    participants = list(
        Participant.objects.filter(cohort_id=session.cohort_id, status=Participant.Status.ACTIVE)
        .select_related("user__employee")
        .order_by("user__employee__full_name")
    )
    unit_ids = (
        Participant.objects.filter(cohort_id=session.cohort_id, status=Participant.Status.ACTIVE)
        .exclude(unit=None)
        .values("unit_id")
    )
    return TemplateResponse(
        request,
        "program/admin/session_attendance.html",
        {
            "session": session,
            "rows": rows,
            "statuses": Attendance.Status.choices,
            "count_rows": [(label, counts[status]) for status, label in Attendance.Status.choices],
            "unrecorded": counts[""],
            "history": session_attendance_history(session),
            "units": OrgUnit.objects.filter(pk__in=unit_ids).order_by("name"),
            "teams": session.cohort.teams.all(),
            "unit_id": unit_id,
            "team_id": team_id,
            "upload_form": ReportUploadForm(
                initial={"min_share_percent": settings.LMS_ATTENDANCE_MIN_SHARE_PERCENT}
            ),
            "report": report,
            "open_lines": open_lines,
            "participants": participants,
        },
    )


@require_POST
def session_report_upload_view(request, session_id: int):
    session = _session(request, session_id)
    form = ReportUploadForm(request.POST, request.FILES)
    target = reverse("program_attendance:sheet", args=[session.pk])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(target)
    upload = form.cleaned_data["file"]
    try:
        outcome = participant_report_import(
            session=session,
            content=upload.read(),
            filename=upload.name,
            by=request.user,
            min_share_percent=form.cleaned_data["min_share_percent"],
            overwrite_manual=form.cleaned_data["overwrite_manual"],
        )
    except ReportError as exc:
        messages.error(request, _("Berkas ditolak: %(error)s") % {"error": exc})
        return redirect(target)
    text = _(
        "Laporan dibaca: %(rows)s baris, %(matched)s peserta dikenali, %(changed)s kehadiran "
        "dicatat atau diubah."
    ) % {
        "rows": outcome.report.rows_count,
        "matched": outcome.report.matched_count,
        "changed": outcome.recorded,
    }
    if outcome.kept_manual:
        text += " " + _("%(n)s peserta yang dicatat fasilitator tidak diubah.") % {
            "n": outcome.kept_manual
        }
    if outcome.open_lines:
        text += " " + _("%(n)s baris perlu Anda tentukan di bawah.") % {"n": outcome.open_lines}
    messages.success(request, text)
    return redirect(target)


@require_POST
def report_line_resolve_view(request, session_id: int, line_id: int):
    session = _session(request, session_id)
    line = get_object_or_404(ParticipantReportLine, pk=line_id, report__session=session)
    choice = request.POST.get("peserta", "")
    try:
        if choice == "abaikan":
            report_line_resolve(line=line, participant_id=None, by=request.user)
        elif _int_or_none(choice) is not None:
            report_line_resolve(line=line, participant_id=int(choice), by=request.user)
        else:
            raise ReportError(_("Pilih peserta atau abaikan baris ini."))
    except ReportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Baris %(line)s diselesaikan.") % {"line": line.line})
    return redirect(reverse("program_attendance:sheet", args=[session.pk]) + "#laporan")


def register_attendance() -> None:
    """Hook the attendance screens into the admin, under /admin/program/sesi/<id>/."""

    @hooks.register("register_admin_urls")
    def attendance_admin_urls():
        urls = [
            path("kehadiran/", session_attendance_view, name="sheet"),
            path("kehadiran/laporan/", session_report_upload_view, name="report_upload"),
            path(
                "kehadiran/laporan/baris/<int:line_id>/",
                report_line_resolve_view,
                name="report_line",
            ),
            path("kode/", session_code_view, name="code"),
            path("kode/status.json", session_code_json, name="code_json"),
        ]
        return [path("program/sesi/<int:session_id>/", include((urls, "program_attendance")))]
