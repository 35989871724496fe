"""The site as a person meets it: gunicorn on loopback and a real Celery worker, on a database
and broker of their own, seeded with the demo data.

SQLite in a temporary folder by default; with DATABASE_URL (PostgreSQL) a database of our own
next to it, created here and dropped afterwards; with CELERY_BROKER_URL (Redis) that broker,
with the queues purged first, else a filesystem broker in the temporary folder.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
SETTINGS = "tests.e2e.settings"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_admin_connect(url: str):
    """A connection to the server's `postgres` database, to create and drop ours."""
    import psycopg

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin_url, autocommit=True)


def pg_database_url(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def wait_http_ok(url: str, *, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:  # noqa: S310 (loopback)
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = str(exc)
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer 200 within {timeout}s ({last})")


class LiveStack:
    """gunicorn + a Celery worker (queues default and pdf) on a throwaway database."""

    def __init__(self, *, web_workers: int | None = None):
        self.tmp = Path(tempfile.mkdtemp(prefix="lms-e2e-"))
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.pg_url = os.environ.get("DATABASE_URL", "")
        self.pg_name = f"lms_e2e_{os.getpid()}" if self.pg_url.startswith("postgres") else ""
        broker = os.environ.get("CELERY_BROKER_URL", "") or "filesystem://"
        shared_cache = os.environ.get("DJANGO_CACHE_URL", "")
        # Without a shared cache, one process: sessions are read through the local cache.
        self.web_workers = web_workers or (2 if shared_cache else 1)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": (
                pg_database_url(self.pg_url, self.pg_name)
                if self.pg_name
                else f"sqlite:///{self.tmp / 'db.sqlite3'}"
            ),
            "CELERY_BROKER_URL": broker,
            "CELERY_FILESYSTEM_BROKER_DIR": str(self.tmp / "broker"),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_MEDIA_ROOT": str(self.tmp / "media"),
            "LMS_CERT_SIGNING_P12": str(self.tmp / "signing" / "demo-signing.p12"),
            "LMS_E2E_BASE_URL": self.base_url,
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        self.seed_seconds = 0.0

    def manage(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = self.tmp / f"{name}.log"
        self.logs[name] = log
        handle = log.open("w")
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT
        )
        handle.close()
        self.processes[name] = process
        return process

    def _purge_queues(self) -> None:
        from kombu import Connection

        with Connection(self.env["CELERY_BROKER_URL"]) as conn:
            channel = conn.default_channel
            for name in ("default", "pdf"):
                channel.queue_declare(queue=name, durable=True, auto_delete=False)
                channel.queue_purge(name)

    def start(self) -> None:
        started = time.monotonic()
        if self.pg_name:
            with pg_admin_connect(self.pg_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}"')
                conn.execute(f'CREATE DATABASE "{self.pg_name}"')
        if not self.env["CELERY_BROKER_URL"].startswith("filesystem"):
            self._purge_queues()
        self.manage("migrate", "--noinput")
        self.manage("seed_demo")
        self.manage("certificate_signing_key")
        self.seed_seconds = time.monotonic() - started
        self._spawn(
            "worker",
            [
                sys.executable, "-m", "celery", "-A", "lms", "worker", "-Q", "default,pdf",
                "--pool", "solo", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
                "-n", f"e2e-{os.getpid()}@%h",
            ],
        )  # fmt: skip
        web = self._spawn(
            "web",
            [
                sys.executable, "-m", "gunicorn", "lms.wsgi",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.web_workers), "--threads", "4", "--timeout", "120",
            ],
        )  # fmt: skip
        wait_http_ok(f"{self.base_url}/healthz", timeout=90, process=web)
        self.wait_worker_ready(timeout=90)

    def wait_worker_ready(self, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes["worker"].poll() is not None:
                raise RuntimeError("Celery worker exited:\n" + self.log_tail("worker"))
            if " ready." in self.logs["worker"].read_text(errors="replace"):
                return
            time.sleep(0.3)
        raise RuntimeError("Celery worker did not start:\n" + self.log_tail("worker"))

    def log_tail(self, name: str, chars: int = 4000) -> str:
        path = self.logs.get(name)
        return path.read_text(errors="replace")[-chars:] if path and path.exists() else ""

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.pg_name:
            with pg_admin_connect(self.pg_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)
