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


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, CSV injection).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def text_errors(
    value: str, *, label: str, max_length: int, formula_guard: bool = False
) -> list[str]:
    """Why `value` may not be stored in a one-line text field of at most `max_length`
    characters: too long (it is never cut), a control character (a NUL above all, a tab or a
    line break: never turned into a space), an invisible or direction-changing character, or,
    with `formula_guard`, a first character that a spreadsheet would run as a formula."""
    from lms.core.spreadsheets import has_control_characters, invisible_character

    errors = []
    if len(value) > max_length:
        errors.append(
            _("Kolom %(col)s berisi %(length)s karakter; batasnya %(max)s karakter.")
            % {"col": label, "length": len(value), "max": max_length}
        )
    if has_control_characters(value, line_breaks_allowed=False):
        errors.append(
            _(
                "Kolom %(col)s berisi karakter kendali (misalnya NUL, tab atau ganti baris) yang "
                "tidak diizinkan."
            )
            % {"col": label}
        )
    invisible = invisible_character(value)
    if invisible is not None:
        errors.append(
            _(
                "Kolom %(col)s berisi karakter U+%(code)04X: karakter tak terlihat atau pengubah "
                "arah teks tidak diizinkan."
            )
            % {"col": label, "code": ord(invisible)}
        )
    if formula_guard and value.startswith(FORMULA_LEADS):
        errors.append(
            _(
                "Kolom %(col)s tidak boleh diawali tanda =, +, -, @, tab atau CR, karena "
                "spreadsheet akan menjalankannya sebagai rumus."
            )
            % {"col": label}
        )
    return errors
