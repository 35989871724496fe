"""Two web nodes and two Celery workers sharing PostgreSQL, Redis and one media folder: a
learner logs in on node A, carries on on node B, completes a course, and downloads from node
A the certificate a worker rendered. Nothing may depend on which node a request reaches.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/9 DJANGO_CACHE_URL=redis://127.0.0.1:6379/8 \\
        python -m bench.cluster_smoke

The nodes run the production settings (gunicorn, whitenoise after collectstatic) behind no
proxy: this script plays the HTTPS proxy, sending X-Forwarded-Proto and keeping the secure
cookies. It creates its own database (lms_cluster_<pid>) and drops it, whatever happens.
Prints one JSON line (bench.harness.emit); exits non-zero when the journey fails.
"""

import hashlib
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .harness import ROOT, emit

COURSE_SLUG = "ori-01-orientasi-kelembagaan-bawaslu"
COURSE_FILE = ROOT / "fixtures" / "demo" / "courses" / "ori-01.json"
LEARNER = "peserta@lms-bawaslu.test"
PASSWORD = "Demo-LMS-2026"  # the demo accounts' password (README, demo only)
SIGNING_PASSPHRASE = "cluster-smoke"
CERTIFICATE_TIMEOUT = 180


class Failed(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_services() -> tuple[str, str, str]:
    database = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not database.startswith("postgres") or not broker.startswith("redis"):
        sys.exit(
            "cluster_smoke needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis), e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms "
            "CELERY_BROKER_URL=redis://127.0.0.1:6379/9 "
            "DJANGO_CACHE_URL=redis://127.0.0.1:6379/8 python -m bench.cluster_smoke"
        )
    cache = os.environ.get("DJANGO_CACHE_URL", "")
    if not cache.startswith("redis") or cache == broker:
        sys.exit("cluster_smoke needs DJANGO_CACHE_URL: a Redis database apart from the broker's")
    # The cache holds users, pages and outlines by id: an earlier run's database must not
    # answer for this one's.
    import redis

    redis.Redis.from_url(cache).flushdb()
    return database, broker, cache


@contextmanager
def cluster_database(tmp: Path):
    """lms_cluster_<pid> on the configured server: migrated, then dropped."""
    from django.core.management import call_command
    from django.db import connection

    connection.settings_dict["TEST"]["NAME"] = f"lms_cluster_{os.getpid()}"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    name = connection.settings_dict["NAME"]
    try:
        with open(os.devnull, "w") as quiet:
            call_command("certificate_signing_key", stdout=quiet)
        yield connection
    finally:
        connection.close()
        connection.settings_dict["NAME"] = old_name
        # FORCE: a node's connection may outlive its process by a moment.
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Node:
    """One web node as the proxy in front of it sees it: HTTPS to the client, HTTP behind.
    The proxy keeps the browser's cookies (secure ones too: the browser speaks HTTPS) in one
    jar for both nodes, as one browser would."""

    def __init__(self, name: str, port: int, session, cookies: dict):
        self.name = name
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.origin = f"https://127.0.0.1:{port}"
        self.session = session
        self.cookies = cookies
        self.requests = 0

    def _headers(self, extra: dict | None = None) -> dict:
        headers = {"X-Forwarded-Proto": "https", "Origin": self.origin, **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep_cookies(self, reply) -> None:
        for cookie in reply.cookies:
            if cookie.value and not cookie.is_expired():
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        self.session.cookies.clear()

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)

    def request(self, method: str, path: str, *, headers=None, follow=True, **kwargs):
        """Follow redirects ourselves, on this node: the proxy keeps the client here."""
        for _hop in range(10):
            self.requests += 1
            reply = self.session.request(
                method,
                self.base + path,
                headers=self._headers(headers),
                allow_redirects=False,
                timeout=60,
                **kwargs,
            )
            self._keep_cookies(reply)
            if not follow or reply.status_code not in (301, 302, 303):
                return reply
            location = reply.headers["Location"]
            path = re.sub(r"^https?://[^/]+", "", location)
            method, kwargs = "GET", {}
        raise Failed(f"too many redirects from {self.name} {path}")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise Failed("no CSRF token on the page")
    return match.group(1)


def expect(reply, status: int = 200, text: str | None = None):
    if reply.status_code != status:
        raise Failed(f"{reply.request.method} {reply.url}: {reply.status_code}, not {status}")
    if text is not None and text not in reply.text:
        raise Failed(f"{reply.url}: {text!r} not on the page")
    return reply


def plain(html: str) -> str:
    from bs4 import BeautifulSoup

    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def answer_key() -> dict[str, str]:
    course = json.loads(COURSE_FILE.read_text(encoding="utf-8"))
    quiz = next(q for q in course["quizzes"] if q["kind"] == "posttest")
    return {
        plain(q["text"]): next(plain(o["text"]) for o in q["options"] if o["correct"])
        for q in quiz["questions"]
    }


def attempt_choices(html: str, key: dict[str, str]) -> dict[int, str]:
    """For each question on the attempt page, the value of the right option's radio."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    choices = {}
    for fieldset in soup.select("fieldset.quiz-question"):
        text = " ".join(fieldset.select_one(".quiz-question__text").get_text(" ").split())
        right = key.get(text)
        if right is None:
            raise Failed(f"question not in the demo key: {text[:80]}")
        for label in fieldset.select("label"):
            if " ".join(label.get_text(" ").split()) == right:
                choices[int(fieldset["data-position"])] = label.input["value"]
        if int(fieldset["data-position"]) not in choices:
            raise Failed(f"right option not shown for: {text[:80]}")
    return choices


def journey(a: Node, b: Node, timings: dict) -> dict:
    """Log in on A, learn on A and B in turn, pass the post-test, download from A."""
    nodes = [a, b]
    started = time.perf_counter()
    page = expect(a.get("/akun/login/"))
    reply = a.post(
        "/akun/login/",
        data={"login": LEARNER, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(page.text)},
    )
    expect(reply)
    if "/akun/login/" in reply.url:
        raise Failed("login on node A failed")
    timings["login_seconds"] = time.perf_counter() - started

    # Node B knows the session A created (database + shared cache).
    mark = time.perf_counter()
    course = expect(b.get(f"/kursus/{COURSE_SLUG}/"), text="Daftar dan mulai belajar")
    enrol_path = re.search(r'action="(/belajar/kursus/\d+/daftar/)"', course.text).group(1)
    page = expect(b.post(enrol_path, data={"csrfmiddlewaretoken": csrf_token(course.text)}))
    lessons = 0
    while True:
        match = re.search(r'action="(/belajar/materi/\d+/selesai/)"', page.text)
        if not match:
            break
        node = nodes[lessons % 2]
        end = re.search(r'data-end-url="(/belajar/materi/\d+/akhir/)"', page.text)
        if end:
            # The course marks a lesson done after its end came on screen: what the page's
            # script then tells the server, here through the other node too.
            expect(node.post(end.group(1), headers={"X-CSRFToken": csrf_token(page.text)}), 204)
        # The page was served by one node; the click goes to the other.
        page = expect(
            node.post(match.group(1), data={"csrfmiddlewaretoken": csrf_token(page.text)})
        )
        lessons += 1
        if lessons > 50:
            raise Failed("lessons never end")
    timings["lessons_seconds"] = time.perf_counter() - mark

    mark = time.perf_counter()
    start = re.search(r'action="(/belajar/kuis/\d+/mulai/)"', page.text)
    if not start:
        raise Failed("after the last lesson, no post-test to start")
    attempt = expect(a.post(start.group(1), data={"csrfmiddlewaretoken": csrf_token(page.text)}))
    attempt_path = re.search(r"/belajar/percobaan/\d+/", attempt.url).group(0)
    token = csrf_token(attempt.text)
    choices = attempt_choices(attempt.text, answer_key())
    for index, (position, value) in enumerate(sorted(choices.items())):
        node = nodes[index % 2]
        saved = node.post(
            attempt_path + "jawab/",
            data=json.dumps({"position": position, "response": value}),
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        )
        if not expect(saved).json().get("ok"):
            raise Failed(f"autosave of question {position} on {node.name}: {saved.text}")
    # Node A shows every answer B saved, then B hands the attempt in.
    summary = expect(a.get(attempt_path + "ringkasan/"), text="Semua soal sudah dijawab.")
    result = expect(
        b.post(attempt_path + "kumpulkan/", data={"csrfmiddlewaretoken": csrf_token(summary.text)})
    )
    grade = re.search(r"<span>Nilai</span><strong>([^<]+)</strong>", result.text)
    timings["quiz_seconds"] = time.perf_counter() - mark
    if "JP tercatat" not in result.text:
        raise Failed("the course is not completed after the post-test")

    # A worker renders the certificate; node A serves it from the shared media folder.
    mark = time.perf_counter()
    deadline = time.monotonic() + CERTIFICATE_TIMEOUT
    while True:
        dashboard = expect(a.get("/dasbor/"))
        found = re.search(r'href="/sertifikat/unduh/([A-Z0-9-]+)/"', dashboard.text)
        if found:
            break
        if time.monotonic() > deadline:
            raise Failed(f"no certificate after {CERTIFICATE_TIMEOUT} s")
        time.sleep(0.5)
    timings["certificate_wait_seconds"] = time.perf_counter() - mark
    code = found.group(1)
    pdf = expect(a.get(f"/sertifikat/unduh/{code}/"))
    data = pdf.content
    verification = expect(b.get(f"/sertifikat/api/verifikasi/{code}/")).json()
    return {
        "lessons_completed": lessons,
        "post_test_grade": grade.group(1) if grade else None,
        "certificate_code": code,
        "pdf": verify_pdf(data, verification),
        "verification_status": verification.get("status"),
    }


def verify_pdf(data: bytes, verification: dict) -> dict:
    """The downloaded bytes are a PDF with an intact signature, and the file the site
    says it issued (its SHA-256)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    if not data.startswith(b"%PDF-"):
        raise Failed("the download is not a PDF")
    reader = PdfFileReader(io.BytesIO(data))
    if not reader.embedded_signatures:
        raise Failed("the PDF is not signed")
    status = validate_pdf_signature(reader.embedded_signatures[0])
    if not (status.intact and status.valid):
        raise Failed(f"the PDF's signature does not hold: {status.summary()}")
    digest = hashlib.sha256(data).hexdigest()
    if digest != verification.get("sha256"):
        raise Failed("the PDF's SHA-256 differs from the one the verification reports")
    return {"bytes": len(data), "sha256": digest, "signature_intact": True}


def which_worker(logs: dict[str, Path]) -> list[str]:
    return [
        name
        for name, path in logs.items()
        if name.startswith("worker")
        and re.search(r"sertifikat\.tasks\.\w+\[[^\]]+\] succeeded", path.read_text())
    ]


def main() -> int:
    _database, broker, cache = require_services()
    tmp = Path(tempfile.mkdtemp(prefix="lms-cluster-"))
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "CELERY_BROKER_URL": broker,
        "DJANGO_CACHE_URL": cache,
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "LMS_CERT_SIGNING_P12": str(tmp / "signing" / "signing.p12"),
        "LMS_CERT_SIGNING_PASSPHRASE": SIGNING_PASSPHRASE,
        "LMS_CERT_SIGNING_AUTOCREATE": "false",
        "EMAIL_URL": "consolemail://",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    # This process sets up the database under the test settings (autocreating the key).
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "CELERY_BROKER_URL": broker,
            "DJANGO_MEDIA_ROOT": base_env["DJANGO_MEDIA_ROOT"],
            "LMS_CERT_SIGNING_P12": base_env["LMS_CERT_SIGNING_P12"],
            "LMS_CERT_SIGNING_PASSPHRASE": SIGNING_PASSPHRASE,
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import requests
    from django.db import connection

    figures: dict = {"web_nodes": 2, "workers": 2, "ok": False}
    processes: dict[str, subprocess.Popen] = {}
    logs: dict[str, Path] = {}
    timings: dict = {}
    total = time.perf_counter()
    try:
        mark = time.perf_counter()
        with cluster_database(tmp):
            env = {**base_env, "DATABASE_URL": node_database_url(connection.settings_dict)}
            purge_queues(broker)
            # Under the nodes' settings: the demo passwords hashed as production hashes them.
            for command in (["seed_demo"], ["collectstatic", "--noinput", "-v0"]):
                subprocess.run(
                    [sys.executable, "manage.py", *command],
                    cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                )  # fmt: skip
            timings["setup_seconds"] = time.perf_counter() - mark

            def spawn(name: str, command: list[str]) -> None:
                logs[name] = tmp / f"{name}.log"
                with logs[name].open("w") as out:
                    processes[name] = subprocess.Popen(
                        command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )  # fmt: skip

            mark = time.perf_counter()
            ports = {"web-a": free_port(), "web-b": free_port()}
            for name in ("worker-1", "worker-2"):
                spawn(
                    name,
                    [
                        sys.executable, "-m", "celery", "-A", "lms", "worker",
                        "-Q", "default,pdf", "--pool", "solo", "--loglevel", "INFO",
                        "-n", f"cluster-{name}-{os.getpid()}@%h",
                    ],
                )  # fmt: skip
            for name, port in ports.items():
                spawn(
                    name,
                    [
                        sys.executable, "-m", "gunicorn", "lms.wsgi",
                        "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2",
                    ],
                )  # fmt: skip
            for name, port in ports.items():
                wait_ready(f"http://127.0.0.1:{port}/healthz", processes[name])
            for name in ("worker-1", "worker-2"):
                wait_log(logs[name], " ready.", processes[name])
            timings["start_seconds"] = time.perf_counter() - mark

            session, cookies = requests.Session(), {}
            a = Node("A", ports["web-a"], session, cookies)
            b = Node("B", ports["web-b"], session, cookies)
            figures.update(journey(a, b, timings))
            figures["requests"] = {"A": a.requests, "B": b.requests}
            figures["rendered_by"] = which_worker(logs)
            figures["ok"] = True
    except Failed as exc:
        figures["error"] = str(exc)
    finally:
        stop_all(processes)
        if not figures["ok"]:
            for name, path in logs.items():
                print(f"--- {name} log (tail)", file=sys.stderr)
                print(path.read_text(errors="replace")[-3000:], file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
    figures.update(timings)
    figures["total_seconds"] = time.perf_counter() - total
    emit("cluster_smoke", "small", figures)
    return 0 if figures["ok"] else 1


def node_database_url(db: dict) -> str:
    auth = db["USER"] or ""
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def purge_queues(broker: str) -> None:
    from kombu import Connection

    with Connection(broker) as conn:
        for name in ("default", "pdf"):
            conn.default_channel.queue_declare(queue=name, durable=True, auto_delete=False)
            conn.default_channel.queue_purge(name)


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failed(f"{url}: the node exited with {process.returncode}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise Failed(f"{url} not healthy within {timeout} s")


def wait_log(path: Path, text: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failed(f"{path.stem} exited with {process.returncode}")
        if text in path.read_text(errors="replace"):
            return
        time.sleep(0.3)
    raise Failed(f"{path.stem} not ready within {timeout} s")


def stop_all(processes: dict[str, subprocess.Popen]) -> None:
    """Each process group we started, and only those: gunicorn's and Celery's children too."""
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


if __name__ == "__main__":
    sys.exit(main())
