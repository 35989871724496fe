"""Learning records (records:read): the completions of courses and programmes with their
dates, score, JP and certificate, and a person's JP ledger for a year.

A completion is a row of the JP ledger (`JPCredit`): every completed course and every passed
programme has exactly one, and its id is stable."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from ...models.clients import Scope
from ...selectors.learning import (
    credit_code,
    credit_counted_in_code,
    credit_title,
    employee_in_scope,
    jp_ledger,
    learning_record_list,
    learning_record_page_extras,
)
from ..core import PAGE_SIZE_DEFAULT, Problem, aware, not_found, page_of, require_scope
from ..schemas_learning import JPLedgerOut, LearningRecordPage

router = Router(tags=["Catatan belajar dan JP"])

YEAR = {"ge": 2000, "le": 2100}


def _score(value) -> float | None:
    return None if value is None else float(value)


def learning_records_out(credits) -> list[dict]:
    credits = list(credits)
    extras = learning_record_page_extras(credits)
    items = []
    for credit in credits:
        employee = credit.user.employee
        subject_id = credit.course_id or credit.programme_id
        key = (credit.user_id, subject_id)
        certificate = extras.certificates.get(key)
        score = certificate["final_score"] if certificate else None
        if score is None:
            score = extras.programme_grades.get(key)
        items.append(
            {
                "id": credit.pk,
                "kind": "course" if credit.course_id else "programme",
                "code": credit_code(credit),
                "title": credit_title(credit),
                "nip": employee.nip,
                "name": employee.full_name,
                "unit_code": employee.unit.code,
                "year": credit.year,
                "jp": credit.jp,
                "counted": credit.counted_in_id is None,
                "counted_in": credit_counted_in_code(credit),
                "enrolled_at": extras.enrolled.get(key),
                "completed_at": credit.completed_at,
                "score": _score(score),
                "certificate": (
                    {
                        "number": certificate["number"],
                        "code": certificate["code"],
                        "status": certificate["status"],
                    }
                    if certificate
                    else None
                ),
            }
        )
    return items


@router.get(
    "/learning-records/",
    response={200: LearningRecordPage, 400: Problem, 403: Problem, 422: Problem},
    summary="Catatan belajar (kursus dan program yang diselesaikan)",
)
def learning_records_list(
    request,
    nip: str | None = None,
    year: int | None = Query(None, **YEAR),
    updated_since: datetime.datetime | None = None,
    cursor: str | None = None,
    limit: int = Query(PAGE_SIZE_DEFAULT, ge=1, le=500),
):
    """Kursus dan program yang diselesaikan pegawai di unit cakupan klien: tanggal daftar dan
    selesai, nilai akhir, JP sebagaimana tercatat di buku JP, dan sertifikatnya.
    `updated_since`: yang selesai sejak waktu itu, atau yang sertifikatnya dibuat, terbit,
    dicabut atau diganti sejak itu, atau yang JP-nya sejak itu dihitung dalam program."""
    client = require_scope(request, Scope.READ_RECORDS)
    qs = learning_record_list(
        unit=client.unit, nip=nip, year=year, updated_since=aware(updated_since)
    )
    return page_of(qs, cursor=cursor, limit=limit, serialize=learning_records_out)


@router.get(
    "/employees/{nip}/jp",
    response={200: JPLedgerOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Buku JP pegawai per tahun",
)
def employee_jp(request, nip: str, year: int | None = Query(None, **YEAR)):
    """JP pegawai pada tahun itu (bawaan: tahun ini): jumlah yang dihitung, target, dan setiap
    baris buku JP. JP kursus yang sudah dihitung dalam program tetap tampil (counted: false,
    counted_in: kode program) tetapi tidak dijumlahkan lagi."""
    client = require_scope(request, Scope.READ_RECORDS)
    employee = employee_in_scope(unit=client.unit, nip=nip)
    if employee is None:
        raise not_found(_("Pegawai dengan NIP itu tidak ditemukan."))
    ledger = jp_ledger(employee=employee, year=year or timezone.localdate().year)
    return {
        "nip": employee.nip,
        "name": employee.full_name,
        "year": ledger.year,
        "total": ledger.total,
        "target": ledger.target,
        "entries": [
            {
                "id": credit.pk,
                "kind": "course" if credit.course_id else "programme",
                "code": credit_code(credit),
                "title": credit_title(credit),
                "jp": credit.jp,
                "completed_at": credit.completed_at,
                "counted": credit.counted_in_id is None,
                "counted_in": credit_counted_in_code(credit),
            }
            for credit in ledger.entries
        ],
    }
