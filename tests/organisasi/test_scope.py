import pytest
from django.urls import reverse

from lms.organisasi.models import OrgUnit
from lms.organisasi.selectors import employee_list_visible, orgunit_list_visible

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_employee):
    return {
        "bandung": make_employee("32.04", full_name="Pegawai Bandung"),
        "bekasi": make_employee("32.75", full_name="Pegawai Bekasi"),
        "semarang": make_employee("33.74", full_name="Pegawai Semarang"),
        "jateng": make_employee("33", full_name="Pegawai Jateng"),
    }


def test_supervisor_sees_their_unit_and_every_unit_below(supervisor_jabar):
    units = orgunit_list_visible(supervisor_jabar)
    assert units.count() == 1 + 27
    assert set(units.values_list("code", flat=True)) == {"32"} | {
        u.code for u in OrgUnit.objects.filter(code__startswith="32.")
    }


def test_supervisor_never_sees_another_province(supervisor_jabar, people):
    names = set(employee_list_visible(supervisor_jabar).values_list("full_name", flat=True))
    assert {"Pegawai Bandung", "Pegawai Bekasi"} <= names
    assert "Pegawai Semarang" not in names
    assert "Pegawai Jateng" not in names


def test_admin_lms_sees_everything(admin_lms, people):
    assert orgunit_list_visible(admin_lms).count() == 553
    assert employee_list_visible(admin_lms).count() == 5 + 1 - 1  # four people + the admin


def test_learner_sees_only_themselves(learner, people):
    assert list(employee_list_visible(learner)) == [learner.employee]
    assert not orgunit_list_visible(learner).exists()


def test_ad_hoc_units_below_a_regency_are_in_scope(supervisor_jabar, kecamatan):
    assert orgunit_list_visible(supervisor_jabar).filter(pk=kecamatan.pk).exists()


# Every URL that takes a unit goes through the selector: listed here so a new one is noticed.
UNIT_URLS = ["laporan:unit_detail", "laporan:unit_assign"]


@pytest.mark.parametrize("url_name", UNIT_URLS)
@pytest.mark.parametrize("code", ["33", "33.74", "RI", "11", "does-not-exist"])
def test_unit_urls_outside_the_subtree_are_404(client, supervisor_jabar, url_name, code):
    client.force_login(supervisor_jabar)
    assert client.get(reverse(url_name, args=[code])).status_code == 404


@pytest.mark.parametrize("url_name", UNIT_URLS)
@pytest.mark.parametrize("code", ["32", "32.04", "32.73"])
def test_unit_urls_inside_the_subtree_work(client, supervisor_jabar, people, url_name, code):
    client.force_login(supervisor_jabar)
    assert client.get(reverse(url_name, args=[code])).status_code == 200


def test_unit_page_lists_child_units_with_counts_and_only_subtree_people(
    client, supervisor_jabar, people
):
    client.force_login(supervisor_jabar)

    response = client.get(reverse("laporan:unit_detail", args=["32"]))

    content = response.content.decode()
    assert "Bawaslu Kabupaten Bandung" in content
    people = client.get(reverse("laporan:unit_employees", args=["32"])).content.decode()
    assert "Pegawai Bandung" in people and "Pegawai Semarang" not in people
    children = {row["unit"].code: row["employees"] for row in response.context["children"]}
    assert children["32.04"] == 1
    assert children["32.75"] == 1
    assert children["32.01"] == 0


def test_scope_home_sends_supervisor_to_their_unit(client, supervisor_jabar):
    client.force_login(supervisor_jabar)
    response = client.get(reverse("laporan:scope_home"))
    assert response.url == reverse("laporan:unit_detail", args=["32"])


def test_learner_has_no_reports(client, learner):
    client.force_login(learner)
    assert client.get(reverse("laporan:scope_home")).status_code == 403
    assert client.get(reverse("laporan:unit_detail", args=["32.04"])).status_code == 404


def test_unit_page_query_count_does_not_grow_with_employees(
    client, supervisor_jabar, make_employee
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(supervisor_jabar)
    url = reverse("laporan:unit_detail", args=["32"])
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for code in ["32.04", "32.73", "32.01", "32.75"] * 15:
        make_employee(code)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)
    assert len(few) <= 13
