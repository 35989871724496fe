"""Certificate jobs. Thin: take ids, call a service, own the retry policy.

Rendering runs on the `pdf` queue (routed in the settings); the quick jobs say `default`.
"""

import gc
import logging
import os

from celery import shared_task
from django.db import close_old_connections

from . import jobs, services
from .archives import certificate_archive_build

log = logging.getLogger(__name__)

_frozen_in: set[int] = set()


def _gc_freeze_once() -> None:
    """After the first certificate a worker process renders, everything alive is long-lived:
    Django, Wagtail, Celery, WeasyPrint's fonts and caches, the signer. Freeze it out of the
    cyclic garbage collector, so that the many collections rendering triggers do not walk
    the worker's whole heap each time (about 7% of a certificate's CPU time)."""
    pid = os.getpid()
    if pid not in _frozen_in:
        _frozen_in.add(pid)
        gc.collect()
        gc.freeze()


@shared_task(
    name=jobs.RENDER,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # The bound that matters is the certificate's own attempt counter
    # (LMS_CERT_RENDER_MAX_ATTEMPTS), which also counts attempts a dead worker never reported.
    max_retries=10,
)
def certificate_render_task(self, certificate_id: int, generation: int) -> str:
    """Render one certificate. A failed attempt is retried after its backoff until the
    attempts run out; then the certificate is marked failed with the reason."""
    if not self.request.is_eager:
        # What Django does around each request: drop a connection that broke or outlived
        # CONN_MAX_AGE. It matters once workers keep connections across tasks
        # (CELERY_DB_REUSE_MAX); otherwise Celery has closed it already.
        close_old_connections()
    try:
        cert = services.certificate_render(certificate_id=certificate_id, generation=generation)
    except Exception as exc:
        countdown = services.certificate_render_failed(
            certificate_id=certificate_id, generation=generation, error=exc
        )
        if countdown is None:
            log.exception("certificate %s: rendering failed for good", certificate_id)
            return "failed"
        log.warning("certificate %s: rendering failed, retry in %ss", certificate_id, countdown)
        raise self.retry(exc=exc, countdown=countdown) from exc
    if not self.request.is_eager:  # a worker process, not a test or a web request
        _gc_freeze_once()
    return "issued" if cert is not None else "unchanged"


@shared_task(
    name=jobs.NOTIFY, queue="default", acks_late=True, max_retries=5, default_retry_delay=60
)
def certificate_notify_task(certificate_id: int) -> bool:
    return services.certificate_notify(certificate_id=certificate_id)


@shared_task(name=jobs.SWEEP_PENDING, queue="default")
def certificate_sweep_pending_task() -> int:
    return services.certificate_sweep_pending()


@shared_task(
    name=jobs.ARCHIVE, queue="default", acks_late=True, max_retries=2, default_retry_delay=30
)
def certificate_archive_task(archive_id: int) -> None:
    certificate_archive_build(archive_id=archive_id)
