"""The Celery app of a worker whose every certificate render kills its process, as a render
that exhausts memory or crashes WeasyPrint would: `celery -A tests.sertifikat.crashing_worker`."""

import os

from celery.signals import worker_process_init

from lms.celery import app

__all__ = ["app"]


def _die(*args, **kwargs):
    os._exit(13)


@worker_process_init.connect
def _every_render_kills_the_process(**kwargs):
    import sertifikat.rendering

    sertifikat.rendering.certificate_pdf = _die
