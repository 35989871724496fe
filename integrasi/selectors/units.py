"""The organisation tree as a client sees it: its own unit and every unit below it."""

import datetime

from django.db.models import QuerySet

from lms.organisasi.models import OrgUnit


def orgunit_api_list(
    *, root: OrgUnit, updated_since: datetime.datetime | None = None
) -> QuerySet[OrgUnit]:
    """Units of `root`'s subtree (`root` included), as `orgunit_subtree_filter` reads it;
    those added or renamed since `updated_since` if given."""
    queryset = OrgUnit.objects.filter(path__startswith=root.path)
    if updated_since is not None:
        queryset = queryset.filter(updated_at__gte=updated_since)
    return queryset.only("id", "path", "depth", "code", "name", "level", "updated_at")


def orgunit_api_get(*, root: OrgUnit, code: str) -> OrgUnit | None:
    """The unit of `code` if it lies in `root`'s subtree; None otherwise, whether it exists
    elsewhere or not."""
    return orgunit_api_list(root=root).filter(code=code).first()


def orgunit_items(units: list[OrgUnit], *, root: OrgUnit) -> list[dict]:
    """`units` as the API shows them, each with its parent's code (one query for the page);
    the parent of `root` lies outside the client's scope and is shown as none."""
    step = OrgUnit.steplen
    parent_paths = {u.path[:-step] for u in units if u.depth > root.depth}
    codes = dict(
        OrgUnit.objects.filter(path__in=parent_paths).values_list("path", "code")
        if parent_paths
        else ()
    )
    return [
        {
            "id": unit.pk,
            "code": unit.code,
            "name": unit.name,
            "level": unit.level,
            "parent_code": codes.get(unit.path[:-step]) if unit.depth > root.depth else None,
            "depth": unit.depth,
            "updated_at": unit.updated_at,
        }
        for unit in units
    ]
