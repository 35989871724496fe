"""The organisation tree, as far as the client's unit scope reaches."""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import field_serializer

from ...models.clients import Scope
from ...selectors.units import orgunit_api_get, orgunit_api_list, orgunit_items
from ..core import (
    PAGE_SIZE_DEFAULT,
    PAGE_SIZE_MAX,
    aware,
    client_of,
    not_found,
    page_of,
    require_scope,
)

router = Router(tags=["Unit"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    level: str
    parent_code: str | None = Field(
        description="Kode unit induk; kosong untuk unit cakupan aplikasi itu sendiri"
    )
    depth: int
    updated_at: datetime.datetime

    @field_serializer("updated_at")
    def _full_precision(self, value: datetime.datetime) -> str:
        return value.isoformat()


class UnitPage(Schema):
    items: list[UnitOut]
    next_cursor: str | None


class UnitFilters(Schema):
    cursor: str | None = Field(None, max_length=100, description="next_cursor halaman sebelumnya")
    limit: int = Field(PAGE_SIZE_DEFAULT, ge=1, le=PAGE_SIZE_MAX)
    updated_since: datetime.datetime | None = Field(
        None, description="Hanya unit yang ditambah atau diubah sejak saat ini (tanpa zona: WIB)"
    )


@router.get("/", response=UnitPage, summary="Daftar unit dalam cakupan")
def unit_list(request, filters: Query[UnitFilters]):
    """The client's unit and every unit below it, in a stable order (by id)."""
    require_scope(request, Scope.READ_EMPLOYEES)
    root = client_of(request).unit
    return page_of(
        orgunit_api_list(root=root, updated_since=aware(filters.updated_since)),
        cursor=filters.cursor,
        limit=filters.limit,
        serialize=lambda units: orgunit_items(units, root=root),
    )


@router.get("/{code}", response=UnitOut, summary="Satu unit menurut kodenya")
def unit_get(request, code: str):
    require_scope(request, Scope.READ_EMPLOYEES)
    root = client_of(request).unit
    unit = orgunit_api_get(root=root, code=code)
    if unit is None:
        raise not_found(_("Unit dengan kode itu tidak ada dalam cakupan aplikasi ini."))
    return orgunit_items([unit], root=root)[0]
