"""The shape of the report pages: one filter bar each, carrying the page's own list
options (status, order, "show all"), and the course report's columns."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _get_forms(html: str) -> list[str]:
    return re.findall(r'<form[^>]*method="get"[^>]*>', html)


@pytest.mark.parametrize("page", ["unit_detail", "unit_courses", "course_report", "jp_compliance"])
def test_each_report_page_has_one_filter_bar(client, supervisor_jabar, report_data, page):
    client.force_login(supervisor_jabar)
    args = ["32", report_data.a.pk] if page == "course_report" else ["32"]

    html = client.get(reverse(f"laporan:{page}", args=args)).content.decode()

    assert html.count('class="report-filters card"') == 1
    assert len(_get_forms(html)) == 1


def test_the_course_reports_status_and_order_are_in_the_filter_bar(
    client, supervisor_jabar, report_data
):
    client.force_login(supervisor_jabar)
    url = reverse("laporan:course_report", args=["32", report_data.a.pk])

    closed = client.get(url).content.decode()
    response = client.get(url, {"status": "terlambat", "urut": "unit"})

    html = response.content.decode()
    assert '<details class="report-filters card" >' in closed  # nothing chosen: folded
    assert '<details class="report-filters card" open>' in html
    assert '<select id="filter-status" name="status">' in html
    assert '<option value="terlambat" selected>Terlambat (wajib)</option>' in html
    assert '<option value="unit" selected>Unit kerja</option>' in html
    assert [r["name"] for r in response.context["rows"]] == ["Budi Santoso"]
    # the columns: the certificate has its own, the scores share one
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html)
    assert any(h.startswith("Sertifikat") for h in headers)
    assert any(h.startswith("Pre-test / Post-test") for h in headers)
    assert any(h.startswith("Pengingat terakhir") for h in headers)


def test_the_jp_lists_order_and_show_all_are_in_the_filter_bar(
    client, supervisor_jabar, report_data
):
    client.force_login(supervisor_jabar)
    response = client.get(
        reverse("laporan:jp_compliance", args=["32"]), {"semua": "1", "urut": "nama"}
    )
    html = response.content.decode()
    assert 'id="filter-semua" name="semua" value="1" checked' in html
    assert '<option value="nama" selected>Nama</option>' in html
    assert len(response.context["rows"]) == 6
