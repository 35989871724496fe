"""NIP (Nomor Induk Pegawai) validation.

An 18-digit NIP is: birth date YYYYMMDD, appointment (TMT CPNS) YYYYMM, sex (1 male, 2 female),
and a three-digit serial number.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MIN_BIRTH_YEAR = 1940
MIN_APPOINTMENT_AGE = 17


def nip_errors(nip: str, *, today: datetime.date | None = None) -> list[str]:
    """Every reason why `nip` is not a valid NIP, in Indonesian; empty when it is valid."""
    today = today or timezone.localdate()
    if len(nip) != 18 or not nip.isdigit():
        return [_("NIP harus terdiri atas 18 angka.")]
    errors = []
    try:
        birth = datetime.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        birth = None
        errors.append(_("8 angka pertama NIP bukan tanggal lahir yang sah."))
    else:
        if birth.year < MIN_BIRTH_YEAR or birth >= today:
            errors.append(_("Tanggal lahir pada NIP di luar rentang yang wajar."))
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        errors.append(_("Bulan pengangkatan pada NIP (angka ke-13 dan 14) tidak sah."))
    elif (year, month) > (today.year, today.month):
        errors.append(_("Tahun dan bulan pengangkatan pada NIP berada di masa depan."))
    elif birth and year < birth.year + MIN_APPOINTMENT_AGE:
        errors.append(_("Tahun pengangkatan pada NIP terlalu dekat dengan tahun lahir."))
    if nip[14] not in "12":
        errors.append(_("Angka ke-15 NIP (jenis kelamin) harus 1 atau 2."))
    return errors


def validate_nip(value: str) -> None:
    errors = nip_errors(value)
    if errors:
        raise ValidationError(errors, code="invalid_nip")
