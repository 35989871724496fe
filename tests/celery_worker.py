"""A real Celery worker process for tests marked `realworker`.

It runs against the broker the suite is configured with (the filesystem broker by default,
Redis in CI) and the test database, so a task goes through serialisation, the broker and
another process exactly as in production.
"""

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] or ""
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    def __init__(
        self,
        *,
        queues: str = "default,pdf",
        extra_env: dict | None = None,
        app: str = "lms",
        pool: str = "solo",
    ):
        self.queues = queues
        self.extra_env = extra_env or {}
        self.app = app
        self.pool = pool  # "prefork" (one child) for a task that kills its process
        self.process: subprocess.Popen | None = None
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []

    def start(self, timeout: float = 60) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "DATABASE_URL": database_url(),
            "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **self.extra_env,
        }
        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).parent
            env["CELERY_FILESYSTEM_BROKER_DIR"] = str(folder)
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", self.app, "worker",
                "-Q", self.queues, "--pool", self.pool, "--concurrency", "1",
                "--loglevel", "INFO",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-n", f"test-{os.getpid()}@%h",
            ],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        threading.Thread(target=self._pump, daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            if " ready." in line:
                return
        self.stop()
        raise RuntimeError("Celery worker did not start:\n" + "".join(self.output))

    def _pump(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            self.output.append(line)
            self.lines.put(line)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """SIGKILL: a crash, not a shutdown."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")
