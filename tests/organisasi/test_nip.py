import datetime

import pytest
from django.core.exceptions import ValidationError

from lms.organisasi.validators import nip_errors, validate_nip

TODAY = datetime.date(2026, 11, 23)


@pytest.mark.parametrize(
    "nip",
    [
        "198503122010031001",  # male, appointed March 2010
        "199212302019022003",  # female, appointed February 2019
        "197001011994121001",
        "200002292024061001",  # born on a leap day
    ],
)
def test_real_shaped_nips_are_accepted(nip):
    assert nip_errors(nip, today=TODAY) == []


@pytest.mark.parametrize(
    ("nip", "fragment"),
    [
        ("19850312201003100", "18 angka"),  # 17 digits
        ("1985031220100310011", "18 angka"),  # 19 digits
        ("19850312201003100A", "18 angka"),
        ("198502302010031001", "tanggal lahir"),  # 30 February
        ("198513012010031001", "tanggal lahir"),  # month 13
        ("190001012010031001", "rentang"),  # born 1900
        ("203001012010031001", "rentang"),  # born in the future
        ("198503122010131001", "Bulan pengangkatan"),  # appointment month 13
        ("198503122010001001", "Bulan pengangkatan"),  # appointment month 00
        ("198503122030031001", "masa depan"),  # appointed in 2030
        ("198503121995031001", "terlalu dekat"),  # appointed at ten
        ("198503122010033001", "jenis kelamin"),  # sex digit 3
        ("198503122010030001", "jenis kelamin"),  # sex digit 0
    ],
)
def test_wrong_nips_are_rejected_with_the_reason(nip, fragment):
    errors = nip_errors(nip, today=TODAY)
    assert errors
    assert any(fragment in e for e in errors), errors


def test_model_validator_raises_in_indonesian():
    with pytest.raises(ValidationError) as excinfo:
        validate_nip("198503122010033001")
    assert "jenis kelamin" in str(excinfo.value)
