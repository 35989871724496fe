"""Reads of the SIASN connector for HR's screens: people with records (counts per status),
one person's records and their audit rows."""

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from lms.organisasi.models import Employee, OrgUnit
from lms.organisasi.selectors import orgunit_subtree_filter

from ..models import SiasnRecord, SiasnSendLog

S = SiasnRecord.Status


def siasn_person_list(
    *, query: str = "", status: str = "", unit: OrgUnit | None = None
) -> QuerySet[Employee]:
    """Employees with at least one SIASN record, each with its counts per status and the
    time of its last send; searched by NIP or name, filtered by a status some record has,
    and by unit (with the units below it)."""
    people = Employee.objects.filter(
        Exists(SiasnRecord.objects.filter(user_id=OuterRef("user_id")))
    )
    if query:
        people = people.filter(Q(nip__startswith=query.strip()) | Q(full_name__icontains=query))
    if status in S.values:
        people = people.filter(
            Exists(SiasnRecord.objects.filter(user_id=OuterRef("user_id"), status=status))
        )
    if unit is not None:
        people = people.filter(orgunit_subtree_filter(unit))
    counts = {
        value: Count("user__siasn_records", filter=Q(user__siasn_records__status=value))
        for value in S.values
    }
    return (
        people.select_related("unit")
        .annotate(
            total=Count("user__siasn_records"),
            last_attempt_at=Max("user__siasn_records__last_attempt_at"),
            **{f"n_{value}": expr for value, expr in counts.items()},
        )
        .order_by("full_name", "pk")
    )


def siasn_record_list_for(user_id: int) -> list[SiasnRecord]:
    """A person's records, newest first, each with its audit rows (newest first)."""
    return list(
        SiasnRecord.objects.filter(user_id=user_id)
        .select_related("certificate")
        .prefetch_related("logs")
        .order_by("-created_at", "-pk")
    )


def siasn_log_list(record: SiasnRecord) -> QuerySet[SiasnSendLog]:
    return record.logs.order_by("-at", "-pk")
