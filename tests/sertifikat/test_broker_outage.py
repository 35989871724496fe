"""Real workers on a Redis broker of the test's own, which the test stops and starts: work
enqueued while the broker is down completes once it is back (a course completion's
certificate, an outbox message), and a render that always kills its worker ends failed after
its bounded attempts instead of looping (issue "Hardening", items 8 and 9)."""

import datetime
import shutil
import socket
import subprocess
import time

import kombu.pools
import pytest

from lms.core.models import OutboxMessage
from lms.core.outbox import outbox_sweep
from sertifikat.archives import certificate_archive_start
from sertifikat.models import Certificate, CertificateArchive
from sertifikat.services import certificate_sweep_pending

from ..celery_worker import WorkerProcess, wait_for
from .conftest import complete_course

pytestmark = [
    pytest.mark.realworker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server process of this test: no persistence, so a restart also loses
    whatever was queued, as a broker that is replaced would."""

    def __init__(self, binary: str, folder):
        self.binary, self.folder = binary, folder
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.folder),
            ],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self._accepts, timeout=20, interval=0.1)

    def _accepts(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        wait_for(lambda: not self._accepts(), timeout=20, interval=0.1)


def _reset_connections(app) -> None:
    """Close and forget every connection and producer pool (kombu keeps them in registries
    of its own), so that the next publish connects to the current broker URL."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_broker(tmp_path, settings):
    """This process and the workers it starts publish to and consume from a Redis of the
    test's own. Skipped only when redis-server is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    from lms.celery import app

    server = RedisServer(binary, tmp_path)
    server.start()
    keys = (
        "broker_url",
        "broker_read_url",
        "broker_write_url",
        "broker_transport_options",
        "task_always_eager",
    )
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=server.url,
        broker_read_url=server.url,
        broker_write_url=server.url,
        broker_transport_options={"visibility_timeout": 3600},
        task_always_eager=False,
    )
    settings.CELERY_BROKER_URL = server.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _reset_connections(app)
    yield server
    server.stop()
    app.conf.update(saved)
    _reset_connections(app)


@pytest.fixture
def start_worker(redis_broker, signing_key_file):
    workers = []

    def start(**options):
        extra_env = options.pop("extra_env", {})
        worker = WorkerProcess(
            extra_env={
                "LMS_CERT_SIGNING_P12": str(signing_key_file),
                "LMS_CERT_SIGNING_PASSPHRASE": "uji-tanda-tangan",
                "LMS_CERT_RETRY_BACKOFF_SECONDS": "1",
                **extra_env,
            },
            **options,
        )
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def test_work_enqueued_while_the_broker_is_down_completes_once_it_is_back(
    redis_broker, start_worker, settings, learner, admin_lms, course
):
    settings.LMS_OUTBOX_GRACE_SECONDS = 0
    settings.LMS_CERT_PENDING_GRACE_SECONDS = 5
    worker = start_worker()

    # given: the broker goes down
    redis_broker.stop()

    # when a learner completes a course (a certificate to render) and Admin LMS asks for a
    # ZIP of it (an outbox message): both commit, neither raises
    complete_course(learner, course)
    archive = certificate_archive_start(subject=course, requested_by=admin_lms)

    # then the intents are rows: a pending certificate and an unsent outbox message
    cert = Certificate.objects.get(user=learner, subject=course)
    assert cert.status == Certificate.Status.PENDING
    message = OutboxMessage.objects.get(task="sertifikat.tasks.certificate_archive_task")
    assert message.args == [archive.pk]
    assert message.sent_at is None and "OperationalError" in message.last_error
    time.sleep(2)
    assert Certificate.objects.get(pk=cert.pk).status == Certificate.Status.PENDING

    # when the broker is back and the sweepers run, as beat runs them every minute
    redis_broker.start()

    def swept_and_done() -> bool:
        outbox_sweep()
        certificate_sweep_pending()
        return (
            Certificate.objects.get(pk=cert.pk).status == Certificate.Status.ISSUED
            and CertificateArchive.objects.get(pk=archive.pk).status
            == CertificateArchive.Status.DONE
        )

    wait_for(swept_and_done, timeout=180, interval=2)

    # then the certificate is issued and the archive built, each once
    cert.refresh_from_db()
    assert cert.sha256 and cert.pdf.name
    assert Certificate.objects.filter(user=learner, subject=course).count() == 1
    message.refresh_from_db()
    assert message.sent_at is not None
    assert any("certificate_archive_task" in line and "succeeded" in line for line in worker.output)


def test_a_render_that_always_kills_its_worker_ends_failed_after_bounded_attempts(
    redis_broker, start_worker, settings, learner, course
):
    # given: a worker (one prefork child) whose every render kills the child process
    settings.LMS_CERT_RENDER_MAX_ATTEMPTS = 5
    settings.LMS_CERT_RETRY_BACKOFF_SECONDS = 1
    worker = start_worker(app="tests.sertifikat.crashing_worker", pool="prefork")

    # when a course is completed and the sweeper runs as beat would (here every half second)
    complete_course(learner, course)
    cert = Certificate.objects.get(user=learner, subject=course)

    def swept_and_failed() -> bool:
        certificate_sweep_pending(older_than=datetime.timedelta(seconds=3))
        return Certificate.objects.get(pk=cert.pk).status == Certificate.Status.FAILED

    wait_for(swept_and_failed, timeout=180, interval=0.5)

    # then: failed with its reason after exactly five attempts, each of which killed a child
    cert.refresh_from_db()
    assert cert.attempts == 5
    assert "5 kali" in cert.error
    time.sleep(3)
    certificate_sweep_pending(older_than=datetime.timedelta(0))
    time.sleep(2)
    crashes = sum("exited with 'exitcode 13'" in line for line in worker.output)
    assert crashes == 5, "".join(worker.output[-40:])
    assert Certificate.objects.get(pk=cert.pk).attempts == 5
