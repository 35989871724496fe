"""Exports: the same rows as the screen, Indonesian headers, CSV streamed, XLSX readable,
large ones through a Celery job with a progress page."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lms.laporan.models import ReportExport

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
    page = client.get(reverse("organisasi:unit_detail", args=["32"]), {"jenis": "pns"})

    response = client.get(
        reverse("organisasi:report_export", args=["32", "ringkasan", "csv"]), {"jenis": "pns"}
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
    page = client.get(reverse("organisasi:course_report", args=["32", report_data.a.pk]), params)

    response = client.get(
        reverse("organisasi:report_export", args=["32", "kursus", "xlsx"]),
        {"kursus": report_data.a.pk, **params},
    )

    rows = _xlsx(response)
    assert rows[0][:6] == ["Nama", "NIP", "Unit kerja", "Jabatan", "Jenis pegawai", "Status"]
    assert [r[0] for r in rows[1:]] == [r["name"] for r in page.context["rows"]]
    budi = next(r for r in rows if r[0] == "Budi Santoso")
    assert budi[5:11] == ["Sedang belajar", 50, None, "Ya", budi[9], "Ya"]


def test_jp_csv_matches_the_jp_list(client, supervisor_jabar, report_data):
    client.force_login(supervisor_jabar)
    page = client.get(reverse("organisasi:jp_compliance", args=["32"]), {"urut": "nama"})

    response = client.get(
        reverse("organisasi:report_export", args=["32", "jp", "csv"]), {"urut": "nama"}
    )

    rows = _csv(response)
    assert rows[0][5] == f"JP tahun {report_data.year}"
    assert [r[0] for r in rows[1:]] == [r["full_name"] for r in page.context["rows"]]
    citra = next(r for r in rows if r[0] == "Citra Dewi")
    assert citra[5:] == ["4", "16", "RPT-C (4 JP)"]


def test_export_of_another_units_subtree_is_404(client, supervisor_jabar, report_data):
    client.force_login(supervisor_jabar)
    url = reverse("organisasi:report_export", args=["33", "jp", "csv"])
    assert client.get(url).status_code == 404
    pdf = reverse("organisasi:report_export", args=["32", "jp", "pdf"])
    assert client.get(pdf).status_code == 404


def test_large_export_runs_as_a_job_with_progress_and_a_link(
    client, supervisor_jabar, admin_lms, report_data, settings, django_capture_on_commit_callbacks
):
    settings.LMS_REPORT_EXPORT_SYNC_MAX_ROWS = 2
    client.force_login(supervisor_jabar)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            reverse("organisasi:report_export", args=["32", "jp", "xlsx"]), {"semua": "1"}
        )

    job = ReportExport.objects.get()
    assert response.url == reverse("organisasi:export_detail", args=[job.pk])
    assert (job.status, job.total_rows, job.processed_rows) == ("done", 6, 6)  # eager worker
    page = client.get(response.url)
    assert reverse("organisasi:export_download", args=[job.pk]) in page.content.decode()
    status = client.get(reverse("organisasi:export_status", args=[job.pk])).json()
    assert (status["progress"], status["finished"]) == (100, True)
    download = client.get(reverse("organisasi:export_download", args=[job.pk]))
    assert len(_xlsx(download)) == 7
    # nobody else may fetch it, not even an admin
    client.force_login(admin_lms)
    assert client.get(reverse("organisasi:export_download", args=[job.pk])).status_code == 404


def test_export_job_refuses_a_unit_that_left_the_scope(supervisor_jabar, report_data):
    from lms.laporan.filters import ReportFilters
    from lms.laporan.services import report_export_process
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
    from lms.laporan.filters import ReportFilters
    from lms.laporan.services import report_export_create
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
