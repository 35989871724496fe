import pytest

from lms.organisasi.models import OrgUnit
from lms.organisasi.services import orgunit_load_official

pytestmark = pytest.mark.django_db


def test_official_tree_has_553_units_on_three_levels(org_tree):
    assert OrgUnit.objects.count() == 553
    assert OrgUnit.objects.filter(level=OrgUnit.Level.PUSAT).count() == 1
    assert OrgUnit.objects.filter(level=OrgUnit.Level.PROVINSI).count() == 38
    assert OrgUnit.objects.filter(level=OrgUnit.Level.KABKOTA).count() == 514
    assert OrgUnit.get_root_nodes().get().name == "Bawaslu Republik Indonesia"


def test_every_regency_hangs_under_its_province(org_tree):
    for unit in OrgUnit.objects.filter(level=OrgUnit.Level.KABKOTA):
        assert unit.get_parent().code == unit.code.split(".")[0]
    for unit in OrgUnit.objects.filter(level=OrgUnit.Level.PROVINSI):
        assert unit.get_parent().code == "RI"
    assert org_tree["32"].get_children_count() == 27


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("11", "Panwaslih Provinsi Aceh"),
        ("11.71", "Panwaslih Kota Banda Aceh"),
        ("11.01", "Panwaslih Kabupaten Aceh Selatan"),
        ("32", "Bawaslu Provinsi Jawa Barat"),
        ("32.04", "Bawaslu Kabupaten Bandung"),
        ("32.73", "Bawaslu Kota Bandung"),
        ("31.01", "Bawaslu Kabupaten Administrasi Kepulauan Seribu"),
        ("95", "Bawaslu Provinsi Papua Pegunungan"),
    ],
)
def test_units_are_named_as_bawaslu_names_them(org_tree, code, name):
    assert org_tree[code].name == name


def test_loading_twice_changes_nothing(org_tree):
    before = list(OrgUnit.objects.order_by("path").values_list("code", "name", "path", "numchild"))

    result = orgunit_load_official()

    assert result == {"created": 0, "renamed": 0, "total": 553}
    after = list(OrgUnit.objects.order_by("path").values_list("code", "name", "path", "numchild"))
    assert after == before


def test_reload_restores_a_changed_name_and_keeps_ad_hoc_units(org_tree, kecamatan):
    OrgUnit.objects.filter(code="32.04").update(name="Salah ketik")

    result = orgunit_load_official()

    assert result["renamed"] == 1
    assert result["total"] == 554
    assert OrgUnit.objects.get(code="32.04").name == "Bawaslu Kabupaten Bandung"
    kecamatan.refresh_from_db()
    assert kecamatan.get_parent().code == "32.04"


def test_ad_hoc_units_fit_below_regencies_without_schema_change(kecamatan):
    pkd = OrgUnit.objects.get(pk=kecamatan.pk).add_child(
        code="32.04.01.2001", name="PKD Desa Lebakmuncang", level=OrgUnit.Level.KELURAHAN
    )
    assert [a.code for a in pkd.get_ancestors()] == ["RI", "32", "32.04", "32.04.01"]


def test_incremental_load_into_a_partial_tree(db):
    root = OrgUnit.add_root(code="RI", name="Bawaslu Republik Indonesia", level="pusat")
    root.add_child(code="32", name="Bawaslu Provinsi Jawa Barat", level="provinsi")

    result = orgunit_load_official()

    assert result["created"] == 551
    assert OrgUnit.objects.count() == 553
    assert OrgUnit.find_problems() == ([], [], [], [], [])
