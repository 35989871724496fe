"""Certificate numbers: the yearly counter and the number a certificate prints.

A certificate is numbered by the worker that renders it, in a short transaction of its own
just before the first render (`certificate_number_assign`), not in the learner's request that
completes the course: the counter row of the year, which queues every issuer, is then locked
only by workers, for three statements. Still gapless per year: a transaction that rolls back
returns its number with it, and a number once committed belongs to a certificate row for good.
"""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import Certificate, CertificateCounter, format_number

# The one statement of the counter that the ORM cannot say: add one and return the new
# value, in one statement that locks the row until the transaction ends. Django's update()
# returns a row count, not values; select_for_update() + save() + reading it back would hold
# the year's lock, which every numbering worker queues on, over three round trips.
SERIAL_TAKE_SQL = "UPDATE {table} SET {last} = {last} + 1 WHERE {year} = %s RETURNING {last}"


def _serial_take_sql() -> str:
    quote = connection.ops.quote_name
    meta = CertificateCounter._meta
    return SERIAL_TAKE_SQL.format(
        table=quote(meta.db_table),
        last=quote(meta.get_field("last_serial").column),
        year=quote(meta.get_field("year").column),
    )


def _serial_take(year: int) -> int | None:
    """The year's counter plus one, stored and returned; None when the year has no row."""
    with connection.cursor() as cursor:
        cursor.execute(_serial_take_sql(), [year])
        row = cursor.fetchone()
    return row[0] if row else None


def serial_allocate(*, year: int) -> int:
    """The next serial of `year`. The counter row stays locked until the caller's transaction
    ends, so concurrent issuers queue here and no number is skipped or doubled; a rolled-back
    transaction rolls its number back too. The year's first issuer creates its row."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("serial_allocate must run inside a transaction")
    serial = _serial_take(year)
    if serial is None:
        try:
            with transaction.atomic():
                CertificateCounter.objects.create(year=year, last_serial=1)
            return 1
        except IntegrityError:  # another issuer created the year's row first
            serial = _serial_take(year)
    return serial


def certificate_number_assign(*, certificate: Certificate, generation: int) -> bool:
    """Give a certificate without a number, still pending in `generation` (the render
    message's), the next serial of this year and its number (as its frozen template's format
    says), dated today. True when this call numbered it; False when it already had a number
    (a render attempt before this one gave it) or is no longer pending in that generation
    (revoked, replaced or regenerated meanwhile: it takes no serial then). One transaction:
    the counter, then the certificate.

    A number once given is that certificate's for good, even if its render then fails for
    good (the certificate is marked failed): the number stays on it, unprinted, and "Coba
    lagi" (`certificate_regenerate`) renders it again with the same number, so the yearly
    series keeps no gap and no number is ever given twice."""
    if certificate.number:
        return False
    now = timezone.localtime()
    with transaction.atomic():
        serial = serial_allocate(year=now.year)
        number = format_number(
            certificate.template_snapshot["number_format"],
            serial=serial,
            year=now.year,
            month=now.month,
            course_code=certificate.course_code,
        )
        numbered = Certificate.objects.filter(
            pk=certificate.pk,
            number=None,
            status=Certificate.Status.PENDING,
            generation=generation,
        ).update(year=now.year, serial=serial, number=number, issued_on=now.date())
        if not numbered:  # numbered, or no longer pending in this generation: give it back
            transaction.set_rollback(True)
    if not numbered:
        certificate.refresh_from_db(fields=["year", "serial", "number", "issued_on"])
        return False
    certificate.year, certificate.serial, certificate.number = now.year, serial, number
    certificate.issued_on = now.date()
    return True
