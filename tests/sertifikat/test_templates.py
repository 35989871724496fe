import pytest
from django.core.exceptions import ValidationError

from sertifikat.models import CertificateTemplate
from sertifikat.models.templates import validate_number_format


@pytest.mark.parametrize(
    "value", ["{NNNNN}/SERT/LMS-BAWASLU/{MM}/{YYYY}", "{KODE}-{NNN}/{YYYY}", "{YYYY}.{NN}"]
)
def test_a_number_format_with_a_serial_and_the_year_is_accepted(value):
    validate_number_format(value)


def test_a_number_format_without_the_year_is_refused_as_it_would_repeat_next_year():
    with pytest.raises(ValidationError) as refused:
        validate_number_format("{NNNNN}/SERT/LMS-BAWASLU/{MM}")
    assert "{YYYY}" in refused.value.messages[0]
    assert "setiap tahun" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("value", "says"),
    [("SERT/{YYYY}", "{NNNNN}"), ("{NNNNN}/{YY}/{YYYY}", "hanya")],
)
def test_a_number_format_without_a_serial_or_with_unknown_tokens_is_refused(value, says):
    with pytest.raises(ValidationError) as refused:
        validate_number_format(value)
    assert says in refused.value.messages[0]


@pytest.mark.django_db
def test_the_demo_template_numbers_with_the_year():
    validate_number_format(CertificateTemplate.objects.get(is_default=True).number_format)
