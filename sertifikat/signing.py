"""PAdES signatures with pyHanko, from a PKCS#12 key and certificate named in the settings.

`make run` creates a self-signed demo key on first start (`certificate_signing_key`); a real
deployment points LMS_CERT_SIGNING_P12 at the PKCS#12 issued by a certificate authority
(BSrE for Indonesian government documents) and LMS_CERT_SIGNING_PASSPHRASE at its passphrase.
With LMS_CERT_TSA_URL set, each signature also carries an RFC 3161 timestamp from that
authority (PAdES B-T): proof from a third party of when it was signed.
"""

import base64
import datetime
import io
import logging
import os
import tempfile
import threading
from pathlib import Path

from django.conf import settings

# Room for the CMS signature in the PDF: an RSA-4096 chain of three certificates fits.
SIGNATURE_BYTES = 16384

log = logging.getLogger(__name__)

_lock = threading.Lock()
_signer_cache: dict[tuple, object] = {}
_timestamper_cache: dict[tuple, object] = {}


class SigningKeyMissing(RuntimeError):
    pass


def demo_key_create(*, path: Path, passphrase: str) -> Path:
    """A self-signed RSA key and certificate for signing demo certificates, as PKCS#12.
    Written atomically, so that two processes starting at once never read half a file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "LMS Bawaslu (DEMO)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "LMS Bawaslu Demo - bukan sertifikat BSrE"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        name=b"lms-bawaslu-demo",
        key=key,
        cert=cert,
        cas=None,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".signing-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def signing_key_path() -> Path:
    return Path(settings.LMS_CERT_SIGNING_P12)


def signing_key_ensure() -> bool:
    """Create the demo key if the configured file is missing and autocreation is on.
    Returns True when a key was created."""
    path = signing_key_path()
    if path.exists():
        return False
    if not settings.LMS_CERT_SIGNING_AUTOCREATE:
        raise SigningKeyMissing(
            f"Kunci penandatanganan tidak ditemukan: {path} (LMS_CERT_SIGNING_P12)."
        )
    demo_key_create(path=path, passphrase=settings.LMS_CERT_SIGNING_PASSPHRASE)
    return True


_key_kind_cache: dict[tuple, bool] = {}


def _file_holds_demo_key(path: Path) -> bool:
    """Whether the PKCS#12 at `path` holds a self-signed certificate (the demo key is one;
    a certificate authority's, BSrE's, never is). A file that cannot be read with the
    configured passphrase says nothing here (signing will report it)."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    passphrase = settings.LMS_CERT_SIGNING_PASSPHRASE
    try:
        _key, certificate, _chain = pkcs12.load_key_and_certificates(
            path.read_bytes(), passphrase.encode() if passphrase else None
        )
    except (OSError, ValueError):
        return False
    if certificate is None:
        return False
    return certificate.issuer == certificate.subject


def signing_key_is_demo() -> bool:
    """Whether certificates are (or would be) signed with a demo key: one the app creates
    itself (LMS_CERT_SIGNING_AUTOCREATE) or a self-signed one. Read once per file version."""
    if settings.LMS_CERT_SIGNING_AUTOCREATE:
        return True
    path = signing_key_path()
    try:
        stat = path.stat()
    except OSError:
        return False
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _lock:
        cached = _key_kind_cache.get(key)
    if cached is None:
        cached = _file_holds_demo_key(path)
        with _lock:
            _key_kind_cache.clear()
            _key_kind_cache[key] = cached
    return cached


def signer():
    """pyHanko's own SimpleSigner for the configured key, loaded (the PKCS#12 file read and
    decrypted) once per process, and again if the file changes, so a key rotation needs no
    restart."""
    from pyhanko.sign import signers

    path = signing_key_path()
    with _lock:
        signing_key_ensure()
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        cached = _signer_cache.get(key)
        if cached is None:
            passphrase = settings.LMS_CERT_SIGNING_PASSPHRASE
            cached = signers.SimpleSigner.load_pkcs12(
                str(path), passphrase=passphrase.encode() if passphrase else None
            )
            if cached is None:
                raise SigningKeyMissing(f"Kunci penandatanganan tidak dapat dibaca: {path}.")
            _signer_cache.clear()
            _signer_cache[key] = cached
        return cached


def timestamper():
    """The RFC 3161 client for LMS_CERT_TSA_URL, or None when no authority is configured.
    Kept per process: pyHanko sizes the signature from a first token and keeps it."""
    url = settings.LMS_CERT_TSA_URL
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    username, password = settings.LMS_CERT_TSA_USERNAME, settings.LMS_CERT_TSA_PASSWORD
    timeout = settings.LMS_CERT_TSA_TIMEOUT_SECONDS
    key = (url, username, password, timeout)
    with _lock:
        cached = _timestamper_cache.get(key)
        if cached is None:
            headers = {}
            if username:
                pair = f"{username}:{password}".encode()
                headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
            cached = HTTPTimeStamper(url, timeout=timeout, headers=headers)
            _timestamper_cache.clear()
            _timestamper_cache[key] = cached
        return cached


def _sign(pdf: bytes, *, reason: str, location: str, stamper) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name="TandaTanganElektronik",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    # Without a timestamp, a fixed reservation skips pyHanko's dry-run signature that would
    # only measure it; a timestamp token's size depends on the authority, so pyHanko measures.
    out = signers.sign_pdf(
        writer,
        meta,
        signer=signer(),
        timestamper=stamper,
        bytes_reserved=None if stamper else SIGNATURE_BYTES,
    )
    return out.getvalue()


def pdf_sign(pdf: bytes, *, reason: str, location: str) -> bytes:
    """Sign `pdf` and return the signed bytes: PAdES baseline B-T when a timestamp authority
    is configured, else B.

    An authority that cannot be reached or refuses gives a B signature and a warning, not a
    failed certificate: the signature is as valid without the timestamp (its signing time is
    then the server's word), the learner gets the certificate now, and an admin can
    regenerate the ones signed meanwhile once the authority is back. Retrying through the
    render task instead would hold every certificate for as long as the authority is down
    and then mark it failed."""
    from pyhanko.sign.timestamps import TimestampRequestError

    stamper = timestamper()
    if stamper is not None:
        try:
            return _sign(pdf, reason=reason, location=location, stamper=stamper)
        except TimestampRequestError as exc:
            log.warning(
                "timestamp authority %s failed (%s: %s); signing without a timestamp",
                settings.LMS_CERT_TSA_URL,
                exc,
                exc.__cause__ or "",
            )
    return _sign(pdf, reason=reason, location=location, stamper=None)
