"""Writes of the programme app, by concern; every service is importable from here."""

from .certificates import (
    COHORT_CERTIFICATES_BATCH,
    cohort_certificates_request,
    participant_certificate_request,
    programme_certificate_facts,
    programme_curriculum,
)

__all__ = [
    "COHORT_CERTIFICATES_BATCH",
    "cohort_certificates_request",
    "participant_certificate_request",
    "programme_certificate_facts",
    "programme_curriculum",
]
