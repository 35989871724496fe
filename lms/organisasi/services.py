"""Writes of the organisation: the official unit tree, employees and their invitations."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import OrgUnit

WILAYAH_DIR = Path(settings.BASE_DIR) / "fixtures" / "wilayah"
ROOT_CODE = "RI"
ACEH_CODE = "11"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    level: str
    parent_code: str | None


def _official_unit_specs(wilayah_dir: Path) -> list[UnitSpec]:
    """The 553 permanent units derived from the Kemendagri code list, named as Bawaslu names
    them (Panwaslih in Aceh)."""
    specs = [UnitSpec(ROOT_CODE, "Bawaslu Republik Indonesia", OrgUnit.Level.PUSAT, None)]
    with open(wilayah_dir / "provinces.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            body = "Panwaslih" if row["code"] == ACEH_CODE else "Bawaslu"
            specs.append(
                UnitSpec(
                    row["code"], f"{body} Provinsi {row['name']}", OrgUnit.Level.PROVINSI, ROOT_CODE
                )
            )
    with open(wilayah_dir / "regencies.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            body = "Panwaslih" if row["province_code"] == ACEH_CODE else "Bawaslu"
            specs.append(
                UnitSpec(
                    row["code"],
                    f"{body} {row['name']}",
                    OrgUnit.Level.KABKOTA,
                    row["province_code"],
                )
            )
    return specs


@transaction.atomic
def orgunit_load_official(*, wilayah_dir: Path = WILAYAH_DIR) -> dict[str, int]:
    """Create or update the permanent units; running it again changes nothing.

    Units below kab/kota (ad hoc bodies) are never touched. Returns counts of created and
    renamed units.
    """
    specs = _official_unit_specs(wilayah_dir)
    if not OrgUnit.objects.exists():
        _bulk_create_tree(specs)
        return {"created": len(specs), "renamed": 0, "total": OrgUnit.objects.count()}
    existing = {unit.code: unit for unit in OrgUnit.objects.all()}
    created = renamed = 0
    for spec in specs:
        unit = existing.get(spec.code)
        if unit is not None:
            if unit.name != spec.name or unit.level != spec.level:
                unit.name, unit.level = spec.name, spec.level
                unit.save(update_fields=["name", "level", "updated_at"])
                renamed += 1
            continue
        if spec.parent_code is None:
            unit = OrgUnit.add_root(code=spec.code, name=spec.name, level=spec.level)
        else:
            parent = existing[spec.parent_code]
            # Re-read the parent: treebeard keeps numchild on the row, not on our instance.
            parent.refresh_from_db(fields=["numchild", "path", "depth"])
            unit = parent.add_child(code=spec.code, name=spec.name, level=spec.level)
        existing[spec.code] = unit
        created += 1
    return {"created": created, "renamed": renamed, "total": OrgUnit.objects.count()}


def _bulk_create_tree(specs: list[UnitSpec]) -> None:
    """First load into an empty table: compute the materialised paths ourselves and insert
    in one go, in the same sibling order (by code) that treebeard would keep."""
    by_parent: dict[str | None, list[UnitSpec]] = {}
    for spec in specs:
        by_parent.setdefault(spec.parent_code, []).append(spec)
    units: list[OrgUnit] = []

    def place(parent_code: str | None, parent_path: str, depth: int) -> None:
        children = sorted(by_parent.get(parent_code, []), key=lambda s: s.code)
        for index, spec in enumerate(children, start=1):
            path = parent_path + OrgUnit._get_path(None, 1, index)
            units.append(
                OrgUnit(
                    code=spec.code,
                    name=spec.name,
                    level=spec.level,
                    path=path,
                    depth=depth,
                    numchild=len(by_parent.get(spec.code, [])),
                )
            )
            place(spec.code, path, depth + 1)

    place(None, "", 1)
    OrgUnit.objects.bulk_create(units, batch_size=1000)


def orgunit_add_adhoc(*, parent: OrgUnit, code: str, name: str, level: str) -> OrgUnit:
    """Add an ad hoc body (Panwaslu Kecamatan, PKD, PTPS, ...) below an existing unit."""
    parent.refresh_from_db(fields=["numchild", "path", "depth"])
    return parent.add_child(code=code, name=name, level=level)
