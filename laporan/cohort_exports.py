"""The cohort report as one XLSX: Ringkasan, Peserta, Kehadiran and Kuesioner sheets, written
row by row through openpyxl's write-only mode. Names, units, team names and free-text answers
are typed by people: every text cell goes through `lms.core.spreadsheets.writing.safe_cell`,
so none can become a formula."""

from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kuesioner.models import Question
from lms.core.spreadsheets.writing import safe_cell

from .selectors.cohorts import (
    ATTENDANCE_LABELS,
    ATTENDANCE_STATUSES,
    OUTCOME_LABELS,
    CohortReport,
    attendance_matrix,
)

CHUNK = 2000


def _number(value: Decimal | None):
    return "" if value is None else value


def _summary_rows(report: CohortReport) -> Iterator[list]:
    cohort = report.cohort
    yield [_("Program"), cohort.programme.title]
    yield [_("Angkatan"), cohort.name]
    yield [
        _("Tanggal"),
        f"{date_format(cohort.starts_on, 'j M Y')} - {date_format(cohort.ends_on, 'j M Y')}",
    ]
    yield [_("Status"), str(cohort.get_status_display())]
    if report.scope.unit is not None:
        yield [_("Cakupan"), report.scope.unit.name]
    yield [_("Dibuat"), date_format(timezone.localtime(), "j M Y H:i")]
    yield [_("Peserta aktif"), report.active]
    for _value, label, n in report.outcome_rows:
        yield [str(label), n]
    yield []
    yield [
        _("Provinsi / kabupaten/kota"),
        _("Tingkat"),
        _("Peserta aktif"),
        *[str(label) for label in OUTCOME_LABELS.values()],
        _("Belum ada hasil"),
    ]
    for unit in report.units:
        level = {"provinsi": _("Provinsi"), "kabkota": _("Kabupaten/Kota")}.get(unit.level, "")
        yield [unit.label, level, unit.active, *unit.outcome_cells, unit.undecided]
    yield []
    yield [
        _("Sesi"),
        _("Mulai"),
        *[str(ATTENDANCE_LABELS[s]) for s in ATTENDANCE_STATUSES],
        _("Kehadiran (%)"),
    ]
    for s in report.sessions:
        started = date_format(timezone.localtime(s.session.starts_at), "j M Y H:i")
        if not s.held:
            yield [s.session.title, started, _("Belum berlangsung")]
            continue
        yield [s.session.title, started, *s.cells, _number(s.present_percent)]


def participant_header() -> list[str]:
    return [
        _("Nama"),
        _("NIP"),
        _("Unit kerja"),
        _("Tim penyaji"),
        _("Kehadiran (%)"),
        _("Post-test"),
        _("Nilai presentasi tim"),
        _("Penilaian sesama peserta"),
        _("Nilai partisipasi"),
        _("Nilai akhir"),
        _("Hasil"),
    ]


def _participant_rows(report: CohortReport) -> Iterator[list]:
    yield participant_header()
    for row in report.rows:
        yield [
            row.name,
            row.nip,
            row.unit_name,
            row.team_name,
            _number(row.attendance),
            _number(row.posttest),
            _number(row.presenter),
            _number(row.peer),
            _number(row.participation),
            _number(row.final),
            str(OUTCOME_LABELS.get(row.outcome, "")),
        ]


def _attendance_rows(report: CohortReport) -> Iterator[list]:
    """The participant x session matrix, its statuses read chunk by chunk."""
    yield [_("Nama"), _("NIP"), _("Unit kerja"), *[s.session.title for s in report.sessions]]
    labels = {status: str(label) for status, label in ATTENDANCE_LABELS.items()}
    for start in range(0, len(report.rows), CHUNK):
        chunk = report.rows[start : start + CHUNK]
        matrix = attendance_matrix([r.participant_id for r in chunk], report.sessions)
        for row in chunk:
            statuses = matrix[row.participant_id]
            yield [row.name, row.nip, row.unit_name, *[labels.get(s, "") for s in statuses]]


def _questionnaire_rows(report: CohortReport) -> Iterator[list]:
    results = report.questionnaire
    if not report.questionnaire_shown:
        yield [_("Hasil kuesioner hanya tersedia bagi penyelenggara (Admin LMS dan pengajar).")]
        return
    if results is None:
        yield [_("Angkatan ini tidak memakai kuesioner evaluasi.")]
        return
    yield [_("Kuesioner"), results.questionnaire.title]
    yield [_("Jumlah responden"), results.responses]
    if results.rate is not None:
        yield [_("Tingkat respons (%)"), results.rate]
    if results.hidden:
        yield [_("Hasil baru ditampilkan setelah paling sedikit 3 responden mengisi.")]
        return
    yield []
    yield [
        _("Bagian"),
        _("Pertanyaan"),
        _("Jumlah jawaban"),
        _("Rata-rata"),
        _("Jawaban"),
        _("Jumlah"),
        _("Persen"),
    ]
    for section in results.sections:
        for item in section.questions:
            question = item.question
            base = [section.title, question.text, item.count]
            if question.kind == Question.Kind.TEXT:
                for text in item.texts:
                    yield [*base, "", text, "", ""]
                continue
            mean = item.mean if item.mean is not None else ""
            for label, n, pct in item.bars:
                yield [*base, mean, label, n, pct]


def cohort_report_sheets(report: CohortReport) -> list[tuple[str, Iterable[list]]]:
    return [
        (_("Ringkasan"), _summary_rows(report)),
        (_("Peserta"), _participant_rows(report)),
        (_("Kehadiran"), _attendance_rows(report)),
        (_("Kuesioner"), _questionnaire_rows(report)),
    ]


def cohort_report_xlsx(report: CohortReport, fh) -> None:
    """Write the report's workbook to the binary file `fh`."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in cohort_report_sheets(report):
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows:
            sheet.append([safe_cell(value, sheet) for value in row])
    workbook.save(fh)
