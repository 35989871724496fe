"""Real Celery workers on the configured broker (the filesystem broker by default, Redis in
CI): a certificate issued end to end, and a worker killed in the middle of a render."""

import time

import pytest
from django.core.files.storage import default_storage
from django.db import transaction

from kursus.services import course_certificate_request
from sertifikat.models import Certificate
from sertifikat.services import certificate_sweep_pending
from sertifikat.tasks import certificate_render_task

from ..celery_worker import WorkerProcess, wait_for
from .conftest import complete_course

pytestmark = [
    pytest.mark.realworker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def start_worker(settings, signing_key_file):
    """Start real worker processes that sign with the suite's key; stop them afterwards."""
    from lms.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with app.connection_for_write() as conn:
        for name in ("default", "pdf"):
            conn.default_channel.queue_declare(queue=name, durable=True, auto_delete=False)
            conn.default_channel.queue_purge(name)
    workers = []

    def start(**extra_env):
        worker = WorkerProcess(
            extra_env={
                "LMS_CERT_SIGNING_P12": str(signing_key_file),
                "LMS_CERT_SIGNING_PASSPHRASE": "uji-tanda-tangan",
                **extra_env,
            }
        )
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    app.conf.task_always_eager = previous
    with app.connection_for_write() as conn:
        for name in ("default", "pdf"):
            conn.default_channel.queue_purge(name)


def _issue(learner, course) -> Certificate:
    enrollment = complete_course(learner, course)
    with transaction.atomic():
        return course_certificate_request(enrollment=enrollment)


def _stored_files(cert) -> list[str]:
    folder = f"sertifikat/{cert.year}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def test_a_real_worker_issues_a_certificate_end_to_end(start_worker, learner, course):
    worker = start_worker()

    cert = _issue(learner, course)

    assert cert.status == Certificate.Status.PENDING
    wait_for(
        lambda: Certificate.objects.get(pk=cert.pk).status == Certificate.Status.ISSUED,
        timeout=90,
    )
    cert.refresh_from_db()
    assert default_storage.open(cert.pdf.name).read().startswith(b"%PDF")
    assert len(cert.sha256) == 64
    assert any("certificate_render_task" in line for line in worker.output)


def test_a_worker_killed_mid_render_loses_nothing_and_duplicates_nothing(
    start_worker, learner, course
):
    # given: a worker whose rendering is slow enough to be killed in the middle
    slow = start_worker(LMS_CERT_TEST_RENDER_DELAY="30")
    cert = _issue(learner, course)
    wait_for(lambda: Certificate.objects.get(pk=cert.pk).attempts >= 1, timeout=90)
    time.sleep(1)

    # when it is killed (SIGKILL: no shutdown, no acknowledgement)
    slow.kill()

    # then nothing was stored, and the certificate is still pending
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.PENDING
    assert _stored_files(cert) == []

    # when another worker starts and the beat sweeper runs after its grace period
    fresh = start_worker()
    from datetime import timedelta

    assert certificate_sweep_pending(older_than=timedelta(0)) == 1
    wait_for(
        lambda: Certificate.objects.get(pk=cert.pk).status == Certificate.Status.ISSUED,
        timeout=90,
    )
    cert.refresh_from_db()
    first = (cert.pdf.name, cert.sha256, cert.issued_at)

    # and the lost message turns up again after all (Redis redelivers an unacknowledged
    # message once its visibility timeout has passed)
    certificate_render_task.delay(cert.pk, cert.generation)
    wait_for(
        lambda: (
            sum("certificate_render_task" in line and "succeeded" in line for line in fresh.output)
            >= 2
        ),
        timeout=90,
    )

    # then: exactly one issued certificate with one stored file, unchanged
    cert.refresh_from_db()
    assert Certificate.objects.filter(user=learner, subject=course).count() == 1
    assert cert.status == Certificate.Status.ISSUED
    assert (cert.pdf.name, cert.sha256, cert.issued_at) == first
    assert _stored_files(cert) == [cert.pdf.name.rsplit("/", 1)[-1]]
