import datetime
import io
import logging
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.storage import default_storage

from sertifikat.models import Certificate

pytestmark = pytest.mark.django_db


def _validate(pdf: bytes, trust_root, tsa_root=None):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    (embedded,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=[trust_root], allow_fetching=False)
    ts_context = ValidationContext(trust_roots=[tsa_root or trust_root], allow_fetching=False)
    return validate_pdf_signature(embedded, context, ts_validation_context=ts_context)


def test_an_issued_pdf_carries_a_valid_pades_signature_that_one_changed_byte_breaks(issued):
    from sertifikat.signing import signer

    pdf = default_storage.open(issued.pdf.name).read()
    root = signer().signing_cert

    status = _validate(pdf, root)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.timestamp_validity is None  # no timestamp authority configured
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


def test_the_signer_is_pyhankos_own_loaded_once_per_process_and_again_for_a_new_key(
    settings, tmp_path
):
    from pyhanko.sign.signers import SimpleSigner

    from sertifikat.signing import demo_key_create, signer

    # given a key file of this test's own
    settings.LMS_CERT_SIGNING_P12 = tmp_path / "kunci.p12"
    demo_key_create(path=settings.LMS_CERT_SIGNING_P12, passphrase="uji-tanda-tangan")

    # then the signer is pyHanko's stock one, built once for the process
    first = signer()
    assert type(first) is SimpleSigner
    assert signer() is first
    assert first.sign_raw(b"satu", "sha256")

    # when the key is rotated: the next signature uses the new one, without a restart
    before = settings.LMS_CERT_SIGNING_P12.stat().st_mtime_ns
    demo_key_create(path=settings.LMS_CERT_SIGNING_P12, passphrase="uji-tanda-tangan")
    os.utime(settings.LMS_CERT_SIGNING_P12, ns=(before + 10**9, before + 10**9))
    rotated = signer()
    assert rotated is not first
    assert rotated.signing_cert.serial_number != first.signing_cert.serial_number


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


# RFC 3161 timestamps (PAdES B-T)


@pytest.fixture(scope="module")
def tsa_identity():
    """A timestamp authority's own RSA key and self-signed certificate (EKU timeStamping)."""
    from asn1crypto import keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA Uji LMS")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        keys.PrivateKeyInfo.load(der_key),
    )


@pytest.fixture
def tsa(tsa_identity):
    """An RFC 3161 server over HTTP on 127.0.0.1: pyHanko's DummyTimeStamper answers each
    timestamp query the way a real authority would. Yields (url, requests received)."""
    from asn1crypto import tsp
    from pyhanko.sign.timestamps import DummyTimeStamper

    cert, key = tsa_identity
    authority = DummyTimeStamper(tsa_cert=cert, tsa_key=key)
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers["Content-Type"], self.headers.get("Authorization"), body))
            answer = authority.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/tsa", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def with_tsa(tsa, settings):
    settings.LMS_CERT_TSA_URL = tsa[0]
    settings.LMS_CERT_TSA_USERNAME = "lms"
    settings.LMS_CERT_TSA_PASSWORD = "rahasia-tsa"
    return tsa


def test_with_a_timestamp_authority_the_signature_carries_its_timestamp(
    with_tsa, issued, tsa_identity
):
    from sertifikat.signing import signer

    # given a timestamp authority configured, a certificate was issued (the fixture `issued`)
    _url, received = with_tsa
    pdf = default_storage.open(issued.pdf.name).read()

    # when the PDF's signature is validated, trusting the signing key and the authority
    status = _validate(pdf, signer().signing_cert, tsa_root=tsa_identity[0])

    # then it is a PAdES signature with a signature timestamp token from that authority
    assert status.intact and status.valid and status.trusted
    assert b"/ETSI.CAdES.detached" in pdf
    stamp = status.timestamp_validity
    assert stamp is not None
    assert stamp.intact and stamp.valid and stamp.trusted
    assert stamp.signing_cert.subject.native["common_name"] == "TSA Uji LMS"
    assert abs(stamp.timestamp - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(
        minutes=5
    )
    assert received and {r[0] for r in received} == {"application/timestamp-query"}
    assert {r[1] for r in received} == {"Basic bG1zOnJhaGFzaWEtdHNh"}  # lms:rahasia-tsa


def test_an_unreachable_timestamp_authority_still_gives_a_signed_certificate(
    settings, learner, course, django_capture_on_commit_callbacks, caplog
):
    import socket

    from sertifikat.signing import signer

    from .conftest import complete_course, issue

    # given a timestamp authority at an address where nothing listens
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.LMS_CERT_TSA_URL = f"http://127.0.0.1:{port}/tsa"
    settings.LMS_CERT_TSA_TIMEOUT_SECONDS = 2

    # when a certificate is issued
    enrollment = complete_course(learner, course)
    with (
        caplog.at_level(logging.WARNING, logger="sertifikat.signing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        cert = issue(enrollment)

    # then it is issued and signed, without a timestamp, and the operator is told why
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.ISSUED
    status = _validate(default_storage.open(cert.pdf.name).read(), signer().signing_cert)
    assert status.intact and status.valid and status.trusted
    assert status.timestamp_validity is None
    assert f"timestamp authority http://127.0.0.1:{port}/tsa failed" in caplog.text
