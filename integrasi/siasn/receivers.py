"""The SIASN connector's reaction to an issued certificate (a course's or a programme's):
queue the completion, in the issuing transaction, never calling SIASN there."""

import logging

from django.db import transaction

from sertifikat.signals import certificate_issued

from .services import siasn_is_enabled, siasn_record_queue

log = logging.getLogger(__name__)


def on_certificate_issued(sender, *, certificate_id: int, user_id: int, **kwargs) -> None:
    """In a savepoint: a fault here costs the SIASN record (logged; the sweeper cannot know
    of it, HR sees the person without it), never the certificate. With the connector off,
    not even the savepoint: the issue's statements stay what they were."""
    if not siasn_is_enabled():
        return
    try:
        with transaction.atomic():
            siasn_record_queue(certificate_id=certificate_id)
    except Exception:
        log.exception("SIASN: certificate %s not queued", certificate_id)


def connect_siasn_receivers() -> None:
    certificate_issued.connect(
        on_certificate_issued, dispatch_uid="integrasi.siasn.on_certificate_issued"
    )
