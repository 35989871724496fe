"""A province supervisor reads the reports of their subtree, and only of their subtree."""

import re
from pathlib import Path

from openpyxl import load_workbook

from .conftest import log_in

SUPERVISOR = "supervisor.jabar@lms-bawaslu.test"
PROVINCE = ("32", "Jawa Barat")
REGENCY = ("32.04", "Kabupaten Bandung")
OUTSIDE = "33"  # Jawa Tengah: another province


def test_supervisor_journey(new_context, shoot, axe, tmp_path: Path):
    page = new_context().new_page()
    log_in(page, SUPERVISOR, mfa=True)

    # The reports open on the supervisor's own unit.
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Laporan"
    ).click()
    page.wait_for_url(re.compile(rf"/laporan/unit/{PROVINCE[0]}/$"))
    assert PROVINCE[1] in page.get_by_role("heading", level=1).inner_text()
    axe.check(page, "reports: province")
    shoot(page, "province")

    # Drill down to a regency from the table of the units below.
    page.locator("table").get_by_role("link", name=re.compile(REGENCY[1])).first.click()
    page.wait_for_url(re.compile(rf"/laporan/unit/{re.escape(REGENCY[0])}/"))
    assert REGENCY[1] in page.get_by_role("heading", level=1).inner_text()
    breadcrumb = page.get_by_role("navigation", name=re.compile("Lokasi|Jenjang", re.I))
    if breadcrumb.count():
        assert PROVINCE[1] in breadcrumb.first.inner_text()
    axe.check(page, "reports: regency")
    shoot(page, "regency")

    # Export the regency's summary as XLSX: a real workbook arrives.
    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX").first.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx", path.name
    workbook = load_workbook(path, read_only=True)
    cells = " ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    assert REGENCY[1] in cells or REGENCY[0] in cells, cells[:500]

    # A unit outside the subtree does not exist for this supervisor.
    reply = page.goto(f"/laporan/unit/{OUTSIDE}/")
    assert reply.status == 404
    shoot(page, "outside-404")
    reply = page.goto(f"/laporan/unit/{OUTSIDE}/ekspor/ringkasan.xlsx")
    assert reply is None or reply.status == 404

    axe.assert_clean()
