import io

import pytest
from django.core.files.storage import default_storage

pytestmark = pytest.mark.django_db


def _validate(pdf: bytes, trust_root):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    (embedded,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=[trust_root], allow_fetching=False)
    return validate_pdf_signature(embedded, context)


def test_an_issued_pdf_carries_a_valid_pades_signature_that_one_changed_byte_breaks(issued):
    from sertifikat.signing import signer

    pdf = default_storage.open(issued.pdf.name).read()
    root = signer().signing_cert

    status = _validate(pdf, root)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert "Sertifikat" in pdf.decode("latin-1")  # title metadata is there

    # when one byte inside the signed content changes
    index = pdf.index(b"/Producer")
    tampered = pdf[:index] + b"/Prodacer" + pdf[index + len(b"/Producer") :]
    assert len(tampered) == len(pdf)

    broken = _validate(tampered, root)
    assert not broken.intact
    assert not broken.bottom_line


def test_the_demo_key_is_made_on_first_start(tmp_path, settings):
    from django.core.management import call_command

    settings.LMS_CERT_SIGNING_P12 = tmp_path / "signing" / "demo.p12"
    out = io.StringIO()
    call_command("certificate_signing_key", stdout=out)
    assert settings.LMS_CERT_SIGNING_P12.exists()
    assert "DEMO" in out.getvalue()
    first = settings.LMS_CERT_SIGNING_P12.read_bytes()
    call_command("certificate_signing_key", stdout=io.StringIO())
    assert settings.LMS_CERT_SIGNING_P12.read_bytes() == first  # kept, not replaced


def test_without_a_key_and_without_autocreation_rendering_fails_clearly(settings, tmp_path):
    from sertifikat.signing import SigningKeyMissing, signer

    settings.LMS_CERT_SIGNING_P12 = tmp_path / "missing.p12"
    settings.LMS_CERT_SIGNING_AUTOCREATE = False
    with pytest.raises(SigningKeyMissing, match="LMS_CERT_SIGNING_P12"):
        signer()
