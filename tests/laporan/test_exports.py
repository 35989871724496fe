"""Exports: the same rows as the screen, Indonesian headers, CSV streamed, XLSX readable,
large ones through a Celery job with a progress page."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from laporan.models import ReportExport

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def _xlsx(response) -> list[list]:
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_summary_csv_matches_the_dashboard_table(client, supervisor_jabar, report_data):
    client.force_login(supervisor_jabar)
    page = client.get(reverse("laporan:unit_detail", args=["32"]), {"jenis": "pns"})

    response = client.get(
        reverse("laporan:report_export", args=["32", "ringkasan", "csv"]), {"jenis": "pns"}
    )

    assert response["Content-Disposition"].endswith('.csv"')
    rows = _csv(response)
    assert rows[0][:3] == ["Kode unit", "Unit", "Pegawai aktif"]
    by_code = {row[0]: row for row in rows[1:]}
    for child in page.context["children"]:
        f = child["figures"]
        row = by_code[child["unit"].code]
        assert [int(x) for x in row[2:7]] == [
            f.employees, f.enrolled, f.not_started, f.in_progress, f.completed
        ]  # fmt: skip
    total = rows[-1]
    assert total[1] == "Jumlah Bawaslu Provinsi Jawa Barat"
    assert total[2:8] == ["4", "5", "2", "0", "3", "60.0"]
    assert len(rows) == 1 + 27 + 1 + 1  # header, children, the province's own staff, total


def test_course_xlsx_matches_the_course_report(client, supervisor_jabar, report_data):
    client.force_login(supervisor_jabar)
    params = {"status": "", "urut": "nama"}
    page = client.get(reverse("laporan:course_report", args=["32", report_data.a.pk]), params)

    response = client.get(
        reverse("laporan:report_export", args=["32", "kursus", "xlsx"]),
        {"kursus": report_data.a.pk, **params},
    )

    rows = _xlsx(response)
    assert rows[0][:6] == ["Nama", "NIP", "Unit kerja", "Jabatan", "Jenis pegawai", "Status"]
    assert [r[0] for r in rows[1:]] == [r["name"] for r in page.context["rows"]]
    budi = next(r for r in rows if r[0] == "Budi Santoso")
    assert budi[5:11] == ["Sedang belajar", 50, None, "Ya", budi[9], "Ya"]


def test_jp_csv_matches_the_jp_list(client, supervisor_jabar, report_data):
    client.force_login(supervisor_jabar)
    page = client.get(reverse("laporan:jp_compliance", args=["32"]), {"urut": "nama"})

    response = client.get(
        reverse("laporan:report_export", args=["32", "jp", "csv"]), {"urut": "nama"}
    )

    rows = _csv(response)
    assert rows[0][5] == f"JP tahun {report_data.year}"
    assert [r[0] for r in rows[1:]] == [r["full_name"] for r in page.context["rows"]]
    citra = next(r for r in rows if r[0] == "Citra Dewi")
    assert citra[5:] == ["4", "16", "RPT-C (4 JP)"]


def test_export_of_another_units_subtree_is_404(client, supervisor_jabar, report_data):
    client.force_login(supervisor_jabar)
    url = reverse("laporan:report_export", args=["33", "jp", "csv"])
    assert client.get(url).status_code == 404
    pdf = reverse("laporan:report_export", args=["32", "jp", "pdf"])
    assert client.get(pdf).status_code == 404


def test_large_export_runs_as_a_job_with_progress_and_a_link(
    client, supervisor_jabar, admin_lms, report_data, settings, django_capture_on_commit_callbacks
):
    settings.LMS_REPORT_EXPORT_SYNC_MAX_ROWS = 2
    client.force_login(supervisor_jabar)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            reverse("laporan:report_export", args=["32", "jp", "xlsx"]), {"semua": "1"}
        )

    job = ReportExport.objects.get()
    assert response.url == reverse("laporan:export_detail", args=[job.pk])
    assert (job.status, job.total_rows, job.processed_rows) == ("done", 6, 6)  # eager worker
    page = client.get(response.url)
    assert reverse("laporan:export_download", args=[job.pk]) in page.content.decode()
    status = client.get(reverse("laporan:export_status", args=[job.pk])).json()
    assert (status["progress"], status["finished"]) == (100, True)
    download = client.get(reverse("laporan:export_download", args=[job.pk]))
    assert len(_xlsx(download)) == 7
    # nobody else may fetch it, not even an admin
    client.force_login(admin_lms)
    assert client.get(reverse("laporan:export_download", args=[job.pk])).status_code == 404


def test_export_job_refuses_a_unit_that_left_the_scope(supervisor_jabar, report_data):
    from laporan.filters import ReportFilters
    from laporan.services import report_export_process
    from lms.organisasi.models import OrgUnit

    job = ReportExport.objects.create(
        requested_by=supervisor_jabar,
        kind="jp",
        unit=OrgUnit.objects.get(code="33"),
        params={"filters": ReportFilters(year=report_data.year).as_params()},
        format="csv",
    )
    job = report_export_process(export_id=job.pk)
    assert job.status == "failed" and not job.file


@pytest.mark.realworker
def test_export_job_on_a_real_worker(celery_worker_process, supervisor_jabar, report_data):
    from laporan.filters import ReportFilters
    from laporan.services import report_export_create
    from lms.organisasi.models import OrgUnit
    from tests.celery_worker import wait_for

    job = report_export_create(
        user=supervisor_jabar,
        kind="kursus",
        unit=OrgUnit.objects.get(code="32"),
        filters=ReportFilters(year=report_data.year),
        fmt="csv",
        course=report_data.a,
    )

    done = wait_for(lambda: ReportExport.objects.filter(pk=job.pk, status="done").first())
    with done.file.open("rb") as fh:
        lines = fh.read().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Nama,NIP,Unit kerja")
    assert len(lines) == 5


FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "\t=1",
]


@pytest.fixture
def formula_people(report_data, make_employee):
    """Employees in Jawa Barat whose names (and position) a spreadsheet would run."""
    from kursus.models import Enrollment

    for name in FORMULAS:
        employee = make_employee("32.04", full_name=name, position="=1+1")
        Enrollment.objects.create(user=employee.user, course=report_data.a, progress_percent=25)
    return report_data


def test_xlsx_writes_formula_like_text_as_strings(client, supervisor_jabar, formula_people):
    client.force_login(supervisor_jabar)

    # when the supervisor exports the course report with those names as XLSX
    response = client.get(
        reverse("laporan:report_export", args=["32", "kursus", "xlsx"]),
        {"kursus": formula_people.a.pk, "urut": "nama"},
    )

    # then each name and position is a string cell holding the text, numbers stay numbers
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    for name in FORMULAS:
        cells = rows[name]
        assert (cells[0].data_type, cells[3].data_type, cells[3].value) == ("s", "s", "=1+1")
        assert (cells[6].value, cells[6].data_type) == (25, "n")
    assert rows["Budi Santoso"][6].value == 50
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_csv_puts_a_quote_before_formula_like_text(client, supervisor_jabar, formula_people):
    client.force_login(supervisor_jabar)

    # when the same report is exported as CSV
    response = client.get(
        reverse("laporan:report_export", args=["32", "kursus", "csv"]),
        {"kursus": formula_people.a.pk, "urut": "nama"},
    )

    # then each such cell begins with a single quote; plain text and numbers are untouched
    people = {row[0]: row for row in _csv(response)[1:]}
    for name in FORMULAS:
        row = people["'" + name]
        assert (row[3], row[6]) == ("'=1+1", "25")
    budi = people["Budi Santoso"]
    assert (budi[3], budi[6]) == ("Operator", "50")


def test_numbers_stay_numbers_even_when_negative():
    from laporan.exports import Table, csv_lines, write_xlsx

    # given a table with a negative number, a decimal one and text that looks like them
    table = Table(
        title="Uji",
        filename="uji",
        header=["Nama", "Selisih", "Nilai", "Catatan"],
        rows=[["-5", -12, Decimal("-12.5"), "#N/A"]],
        count=1,
    )

    # when it is written both ways
    lines = list(csv_lines(table))
    buffer = io.BytesIO()
    write_xlsx(table, buffer)

    # then the numbers are numbers, and text is text (quoted in CSV when it leads with "-")
    assert lines[1] == "'-5,-12,-12.5,#N/A\r\n"
    cells = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(min_row=2))
    assert [(c.value, c.data_type) for c in cells] == [
        ("-5", "s"),
        (-12, "n"),
        (-12.5, "n"),
        ("#N/A", "s"),
    ]


def test_quiz_grades_are_numbers_in_the_course_export():
    from laporan.exports import course_cells

    # given a course-report row whose grades the screen shows as text, a loss among them
    row = {
        "name": "Ani Lestari",
        "nip": "198603122010031008",
        "unit": "Bawaslu Kota Bandung",
        "position": "Staf",
        "employment_type": "PNS",
        "status_label": "Selesai",
        "progress": 100,
        "completed_at": None,
        "mandatory": False,
        "due_date": None,
        "overdue": False,
        "extras": ["62.5", "50", "-12.5", "00001/SERT/LMS-BAWASLU/03/2026"],
    }

    # then the file gets them as numbers, the NIP and the certificate number as text
    cells = course_cells(row)
    assert cells[1] == "198603122010031008"
    assert cells[-4:] == [
        Decimal("62.5"),
        Decimal("50"),
        Decimal("-12.5"),
        "00001/SERT/LMS-BAWASLU/03/2026",
    ]


def test_a_control_character_in_a_name_does_not_fail_the_xlsx():
    from laporan.exports import Table, write_xlsx

    table = Table(title="Uji", filename="uji", header=["Nama"], rows=[["Ani\x01Lestari"]], count=1)
    buffer = io.BytesIO()

    write_xlsx(table, buffer)

    cell = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(min_row=2))[0]
    assert (cell.value, cell.data_type) == ("Ani\ufffdLestari", "s")
