from .certificates import Certificate, CertificateArchive, CertificateCounter, VerificationLog
from .templates import (
    BODY_PLACEHOLDERS,
    DEFAULT_NUMBER_FORMAT,
    CertificateSignatory,
    CertificateTemplate,
    format_number,
)

__all__ = [
    "BODY_PLACEHOLDERS",
    "DEFAULT_NUMBER_FORMAT",
    "Certificate",
    "CertificateArchive",
    "CertificateCounter",
    "CertificateSignatory",
    "CertificateTemplate",
    "VerificationLog",
    "format_number",
]
