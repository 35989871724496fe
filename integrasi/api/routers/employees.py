"""Employees of the client's unit scope: read them (units_employees:read), and create or
update them by NIP, one or a batch of up to 1,000, with the file import's own rules
(employees:write)."""

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_serializer

from lms.organisasi.models import Employee

from ...models.clients import Scope
from ...selectors.employees import employee_api_get, employee_api_list, employee_items
from ...selectors.units import orgunit_api_get
from ...services.employees import EmployeesConflict, employees_upsert
from ..core import (
    PAGE_SIZE_DEFAULT,
    PAGE_SIZE_MAX,
    ApiProblem,
    aware,
    client_of,
    not_found,
    page_of,
    require_scope,
)

router = Router(tags=["Pegawai"])

BATCH_MAX = 1000
# Generous bounds on what a field may carry before the import's own checks judge it (which
# name each field's real limit in Indonesian).
TEXT_MAX = 1000

EmploymentType = Literal[tuple(Employee.EmploymentType.values)]


class EmployeeOut(Schema):
    id: int
    nip: str | None
    full_name: str
    email: str
    employment_type: EmploymentType
    position: str
    unit_code: str
    is_active: bool
    updated_at: datetime.datetime

    @field_serializer("updated_at")
    def _full_precision(self, value: datetime.datetime) -> str:
        # To the microsecond (the JSON encoder would keep milliseconds): a client that sends
        # the last updated_at it saw as updated_since gets exactly what changed from then.
        return value.isoformat()


class EmployeePage(Schema):
    items: list[EmployeeOut]
    next_cursor: str | None


class EmployeeFilters(Schema):
    cursor: str | None = Field(None, max_length=100, description="next_cursor halaman sebelumnya")
    limit: int = Field(PAGE_SIZE_DEFAULT, ge=1, le=PAGE_SIZE_MAX)
    updated_since: datetime.datetime | None = Field(
        None, description="Hanya yang berubah sejak saat ini (ISO 8601; tanpa zona: WIB)"
    )
    unit: str | None = Field(
        None, max_length=100, description="Kode unit: pegawai unit ini dan jajaran di bawahnya"
    )
    employment_type: EmploymentType | None = None
    is_active: bool | None = None


class EmployeeIn(Schema):
    """A person as a row of the employee import: the same columns, the same rules. The
    employment type is written as in the file (PNS, PPPK, Non-ASN, Ad hoc) or as the API
    shows it (pns, pppk, non_asn, ad_hoc)."""

    full_name: str = Field(max_length=TEXT_MAX)
    email: str = Field(max_length=TEXT_MAX)
    unit_code: str = Field(max_length=TEXT_MAX)
    employment_type: str = Field(max_length=TEXT_MAX)
    position: str = Field("", max_length=TEXT_MAX)


class EmployeeBatchItem(EmployeeIn):
    nip: str | None = Field(
        None, max_length=TEXT_MAX, description="Wajib untuk PNS dan PPPK; tanpa NIP: menurut email"
    )


class EmployeeBatch(Schema):
    items: list[EmployeeBatchItem] = Field(min_length=1, max_length=BATCH_MAX)


class BatchResult(Schema):
    created: int
    updated: int


def _write(request, people: list[dict]):
    client = require_scope(request, Scope.WRITE_EMPLOYEES)
    try:
        written = employees_upsert(root=client.unit, people=people)
    except EmployeesConflict:
        raise ApiProblem(
            409,
            _("Data berubah bersamaan"),
            _("Permintaan lain mengubah orang yang sama pada saat yang sama. Ulangi."),
        ) from None
    if written.errors:
        raise ApiProblem(
            422,
            _("Data pegawai tidak sah"),
            _("Tidak ada yang disimpan. Perbaiki baris yang disebut lalu kirim ulang semuanya."),
            errors=written.errors,
        )
    return written


@router.get("/", response=EmployeePage, summary="Daftar pegawai dalam cakupan")
def employee_list(request, filters: Query[EmployeeFilters]):
    """Employees of the client's unit subtree, in a stable order (by id)."""
    require_scope(request, Scope.READ_EMPLOYEES)
    root = client_of(request).unit
    unit = None
    if filters.unit is not None:
        unit = orgunit_api_get(root=root, code=filters.unit)
        if unit is None:
            raise not_found(_("Unit dengan kode itu tidak ada dalam cakupan aplikasi ini."))
    queryset = employee_api_list(
        root=root,
        unit=unit,
        employment_type=filters.employment_type,
        is_active=filters.is_active,
        updated_since=aware(filters.updated_since),
    )
    return page_of(queryset, cursor=filters.cursor, limit=filters.limit, serialize=employee_items)


@router.post("/batch", response=BatchResult, summary="Buat atau ubah 1 sampai 1.000 pegawai")
def employee_batch(request, batch: EmployeeBatch):
    """All of them or, if any row is refused, none: 422 lists every refused row by its
    index in `items`."""
    written = _write(request, [item.model_dump() for item in batch.items])
    return {"created": written.created, "updated": written.updated}


@router.get("/{nip}", response=EmployeeOut, summary="Satu pegawai menurut NIP")
def employee_get(request, nip: str):
    require_scope(request, Scope.READ_EMPLOYEES)
    employee = employee_api_get(root=client_of(request).unit, nip=nip)
    if employee is None:
        raise not_found(_("Pegawai dengan NIP itu tidak ada dalam cakupan aplikasi ini."))
    return employee_items([employee])[0]


@router.put(
    "/{nip}",
    response={200: EmployeeOut, 201: EmployeeOut},
    summary="Buat atau ubah satu pegawai menurut NIP",
)
def employee_put(request, nip: str, person: EmployeeIn):
    """The person of `nip`, created or updated with the employee import's rules; 201 when
    new. Refused rows answer 422 with each reason."""
    if not nip.strip():  # a row without a NIP would be matched by email, not by this path
        raise ApiProblem(
            422,
            _("Data pegawai tidak sah"),
            errors=[{"index": 0, "nip": None, "reasons": [_("NIP pada alamat kosong.")]}],
        )
    written = _write(request, [{**person.model_dump(), "nip": nip}])
    employee = employee_api_get(root=client_of(request).unit, nip=written.nips[0] or "")
    if employee is None:  # the row was saved in scope, so this is not expected
        raise not_found()
    return Status(201 if written.created else 200, employee_items([employee])[0])
