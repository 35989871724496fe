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


def test_the_cms_template_gives_the_bytes_pyhanko_itself_builds():
    """The signer fills a CMS template instead of building the CMS for each PDF: for any
    digest, the result must be byte for byte what pyHanko's own signer makes."""
    import asyncio
    import hashlib

    from pyhanko.sign.signers import SimpleSigner

    from sertifikat.signing import signer

    fast = signer()
    plain = SimpleSigner(
        signing_cert=fast.signing_cert,
        signing_key=fast.signing_key,
        cert_registry=fast.cert_registry,
        signature_mechanism=fast.signature_mechanism,
    )
    for text in (b"satu", b"dua"):
        digest = hashlib.sha256(text).digest()
        mine = asyncio.run(fast.async_sign(digest, "sha256", use_pades=True))
        theirs = asyncio.run(plain.async_sign(digest, "sha256", use_pades=True))
        assert mine.dump() == theirs.dump()
    assert fast._templates["sha256"] is not None  # the template path was the one taken


def test_the_qr_code_png_holds_the_modules_of_the_code():
    import base64

    import qrcode
    from PIL import Image
    from qrcode.constants import ERROR_CORRECT_M

    from sertifikat.rendering import qr_data_url

    text = "https://lms.bawaslu.go.id/sertifikat/verifikasi/ABCD-EFGH-JKMN-PQRS/"
    url = qr_data_url(text)
    assert url.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=2)
    code.add_data(text)
    code.make(fit=True)
    size = len(code.modules)
    assert image.size == (size, size)
    dark = [[image.getpixel((x, y)) == 0 for x in range(size)] for y in range(size)]
    assert dark == code.modules
