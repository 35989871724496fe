"""Certificates end to end: rows, a Redis broker, real Celery workers, PostgreSQL, storage
and signing, against the floor: raw WeasyPrint rendering plus raw pyHanko signing of the same
document in one process, with the same fonts (one FontConfiguration and stylesheet) and the
same key (the signer the workers use, built once).

    python -m bench.certificates [--size small|medium|large]

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/lms_cert_bench: the run creates
and drops its own lms_cert_bench_<pid>) and CELERY_BROKER_URL (default Redis db 10) may
point elsewhere. Workers are `celery worker --pool solo` processes under the production
settings, each one process rendering one certificate at a time. Each timed batch is written
as completions write it (a PENDING row per enrolment, its render enqueued on commit) in one
transaction, and timed from that commit: the workers drain a backlog, as after a Bimtek
closes, without the bench process taking CPU from them while they are timed.

Each timed run also reports where the CPU went while the workers drained the backlog: the
workers' own CPU seconds and the whole machine's busy time (from /proc), in cores. When the
machine is busy on all its cores, two workers cannot reach twice one: what is left of the
second core goes to PostgreSQL, Redis and this process's polling.

Targets (issue 5): pipeline throughput of one worker >= 0.85 x the floor's rate; two
workers >= 1.6 x one; worker peak RSS growth < 30 MB after the first 100 certificates over
2,000 (medium); a 10,000-certificate backlog (large) drains with no failure.
"""

import io
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .harness import ROOT, emit, parse_args, throwaway_database

# (floor renders, certificates for one worker, certificates for two workers)
SIZES = {"small": (15, 30, 30), "medium": (100, 2000, 400), "large": (100, 400, 10_000)}
TARGET_PIPELINE_VS_FLOOR = 0.85
TARGET_TWO_VS_ONE = 1.6
TARGET_RSS_GROWTH_MB = 30.0
SIGNING_PASSPHRASE = "bench-signing"


def setup_environment(tmp: Path) -> dict:
    env = {
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms_cert_bench"
        ),
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/10"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "LMS_CERT_SIGNING_P12": str(tmp / "signing.p12"),
        "LMS_CERT_SIGNING_PASSPHRASE": SIGNING_PASSPHRASE,
        "CELERY_FILESYSTEM_BROKER_DIR": str(tmp / "broker"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return env


def database_url(connection) -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] or ""
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """One `celery worker --pool solo` process under the production settings."""

    def __init__(self, env: dict, name: str, log_dir: Path):
        self.log_path = log_dir / f"{name}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "lms", "worker", "-Q", "pdf,default",
                "--pool", "solo", "--loglevel", "WARNING", "-n", f"{name}-{os.getpid()}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                **env,
                "DJANGO_SETTINGS_MODULE": "lms.settings.production",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "localhost",
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def cpu_seconds(self) -> float:
        """User plus system CPU time the worker process has used."""
        with open(f"/proc/{self.proc.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> tuple[float, float]:
        """(current RSS, peak RSS) of the worker process, in MB."""
        fields = {}
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                fields[key] = value
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def machine_busy_seconds() -> float:
    """CPU seconds all cores of the machine spent busy (not idle, not waiting for I/O)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def make_people(n: int, *, offset: int, course) -> list[int]:
    """n employees with a completed enrolment in `course`; their enrolment ids."""
    from django.utils import timezone

    from kursus.models import Enrollment
    from lms.akun.models import User
    from lms.organisasi.models import Employee, OrgUnit

    unit = OrgUnit.objects.first()
    users = User.objects.bulk_create(
        [User(email=f"bench{offset + i}@bawaslu.go.id", password="!") for i in range(n)],
        batch_size=1000,
    )
    Employee.objects.bulk_create(
        [
            Employee(
                user_id=u.pk,
                full_name=f"Pegawai Uji Coba Nomor {offset + i}",
                nip=None,
                employment_type="non_asn",
                position="Staf Divisi Pencegahan",
                unit=unit,
            )
            for i, u in enumerate(users)
        ],
        batch_size=1000,
    )
    now = timezone.now()
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                user_id=u.pk,
                course=course,
                status=Enrollment.Status.COMPLETED,
                completed_at=now,
                lessons_done=1,
                progress_percent=100,
            )
            for u in users
        ],
        batch_size=1000,
    )
    return [e.pk for e in enrollments]


def issue_all(enrollment_ids: list[int]) -> float:
    """What completions do (a PENDING row, its render enqueued on commit), for the whole
    batch in one transaction, so that the rows are written before any worker can start and
    the workers drain a backlog: the bench process's own work of writing the rows is not
    timed against the workers, and does not take CPU from them while they are timed. Each
    completion keeps its own savepoint. Returns the perf_counter() at which the commit
    began, when the first render could be enqueued: the start of the timed drain."""
    from django.db import transaction

    from kursus.models import Enrollment
    from kursus.services import course_certificate_request

    with transaction.atomic():
        for pk in enrollment_ids:
            with transaction.atomic():
                enrollment = Enrollment.objects.select_related("user", "course").get(pk=pk)
                course_certificate_request(enrollment=enrollment)
        start = time.perf_counter()
    return start


def wait_issued(ids: list[int], *, timeout: float, on_progress=None) -> float:
    """Seconds until every enrolment in `ids` has an issued (or failed) certificate."""
    from kursus.models import Enrollment
    from sertifikat.models import Certificate

    users = list(Enrollment.objects.filter(pk__in=ids).values_list("user_id", flat=True))
    start = time.perf_counter()
    deadline = start + timeout
    while time.perf_counter() < deadline:
        done = Certificate.objects.filter(
            user_id__in=users, status__in=[Certificate.Status.ISSUED, Certificate.Status.FAILED]
        ).count()
        if on_progress:
            on_progress(done)
        if done >= len(ids):
            return time.perf_counter()
        # A short poll: the end of the run is known to within 50 ms (at 0.25 s it could be
        # late by up to 0.25 s, several percent of a 30-certificate run).
        time.sleep(0.05)
    raise RuntimeError(f"only {done} of {len(ids)} certificates issued within {timeout}s")


def run_workers(env, log_dir, course, count: int, workers: int, *, offset: int, watch_rss=False):
    """Start `workers` workers, warm them up, then issue `count` certificates and time the
    pipeline from the commit of their rows (the backlog) to the last issued file."""
    procs = [Worker(env, f"w{workers}-{i}", log_dir) for i in range(workers)]
    try:
        warm = make_people(2 * workers, offset=offset, course=course)
        issue_all(warm)
        wait_issued(warm, timeout=180)
        ids = make_people(count, offset=offset + 2 * workers, course=course)
        rss = {"after_100": None}

        def progress(done):
            if watch_rss and rss["after_100"] is None and done >= min(100, count // 2):
                rss["after_100"] = procs[0].rss_mb()[0]

        start = issue_all(ids)
        cpu_before = [proc.cpu_seconds() for proc in procs], machine_busy_seconds()
        end = wait_issued(ids, timeout=max(600, count * 2), on_progress=progress)
        cpu_after = [proc.cpu_seconds() for proc in procs], machine_busy_seconds()
        seconds = end - start
        workers_cpu = sum(cpu_after[0]) - sum(cpu_before[0])
        machine_busy = cpu_after[1] - cpu_before[1]
        figures = {
            "count": count,
            "seconds": seconds,
            "rate": count / seconds,
            "workers_cores": workers_cpu / seconds,
            "machine_cores_busy": machine_busy / seconds,
            "others_cores": (machine_busy - workers_cpu) / seconds,
            "worker_cpu_ms_per_certificate": 1000 * workers_cpu / count,
        }
        if watch_rss:
            _current, peak = procs[0].rss_mb()
            figures["rss_after_100_mb"] = rss["after_100"]
            figures["rss_peak_mb"] = peak
            figures["rss_growth_mb"] = peak - (rss["after_100"] or peak)
        return figures
    finally:
        for proc in procs:
            proc.stop()


def floor_rate(n: int, cert) -> dict:
    """The floor: raw WeasyPrint rendering of the certificate's HTML plus raw pyHanko
    signing of the result, with one FontConfiguration, stylesheet and image cache, and the
    workers' signer (the same key, parsed once), as the pipeline signs it (PAdES, the same
    reservation). No template rendering, no QR code, no database, no storage."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from sertifikat.rendering import CSS_PATH, STATIC_DIR, certificate_html
    from sertifikat.signing import SIGNATURE_BYTES, signer

    html = certificate_html(cert)
    fonts = FontConfiguration()
    stylesheet = CSS(filename=str(CSS_PATH), font_config=fonts)
    key = signer()
    meta = signers.PdfSignatureMetadata(
        field_name="TandaTanganElektronik",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )

    images = {}  # WeasyPrint's image cache, kept across documents as the workers keep it

    def signed_pdf() -> bytes:
        pdf = HTML(string=html, base_url=str(STATIC_DIR)).write_pdf(
            font_config=fonts, stylesheets=[stylesheet], cache=images
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = signers.sign_pdf(writer, meta, signer=key, bytes_reserved=SIGNATURE_BYTES)
        return out.getvalue()

    for _ in range(3):
        signed_pdf()
    start = time.perf_counter()
    for _ in range(n):
        signed_pdf()
    seconds = time.perf_counter() - start
    return {"count": n, "seconds": seconds, "rate": n / seconds}


def main() -> None:
    args = parse_args(__doc__, SIZES)
    n_floor, n_one, n_two = SIZES[args.size]
    tmp = Path(tempfile.mkdtemp(prefix="bench-cert-"))
    env = setup_environment(tmp)
    from django.conf import settings

    from sertifikat.signing import demo_key_create

    demo_key_create(path=Path(env["LMS_CERT_SIGNING_P12"]), passphrase=SIGNING_PASSPHRASE)
    settings.LMS_CERT_SIGNING_P12 = Path(env["LMS_CERT_SIGNING_P12"])
    settings.MEDIA_ROOT = env["DJANGO_MEDIA_ROOT"]

    with throwaway_database("cert_bench") as connection:
        from lms.celery import app
        from lms.organisasi.models import OrgUnit
        from sertifikat.models import Certificate
        from tests.factories import make_course

        app.conf.task_always_eager = False
        with app.connection_for_write() as conn:
            for name in ("default", "pdf"):
                conn.default_channel.queue_declare(queue=name, durable=True, auto_delete=False)
                conn.default_channel.queue_purge(name)
        env = {**env, "DATABASE_URL": database_url(connection)}
        OrgUnit.add_root(code="RI", name="Bawaslu Republik Indonesia", level="pusat")
        course = make_course(
            "BENCH-01", modules=(1,), jp=8, title="Pengawasan Pemilu Berintegritas"
        )

        one = run_workers(env, tmp, course, n_one, 1, offset=0, watch_rss=True)
        two = run_workers(env, tmp, course, n_two, 2, offset=100_000)
        sample = Certificate.objects.filter(status=Certificate.Status.ISSUED).first()
        floor = floor_rate(n_floor, sample)
        failed = Certificate.objects.filter(status=Certificate.Status.FAILED).count()
        issued = Certificate.objects.filter(status=Certificate.Status.ISSUED).count()

        pipeline_vs_floor = one["rate"] / floor["rate"]
        two_vs_one = two["rate"] / one["rate"]
        emit(
            "certificates",
            args.size,
            {
                "broker": settings.CELERY_BROKER_URL.split(":", 1)[0],
                "floor_per_second": floor["rate"],
                "floor_ms_per_certificate": 1000 / floor["rate"],
                "one_worker_certificates": one["count"],
                "one_worker_per_second": one["rate"],
                "two_workers_certificates": two["count"],
                "two_workers_per_second": two["rate"],
                "pipeline_vs_floor": pipeline_vs_floor,
                "two_vs_one_workers": two_vs_one,
                "cpu_count": os.cpu_count(),
                "one_worker_cores": one["workers_cores"],
                "one_worker_machine_cores_busy": one["machine_cores_busy"],
                "one_worker_others_cores": one["others_cores"],
                "one_worker_cpu_ms_per_certificate": one["worker_cpu_ms_per_certificate"],
                "two_workers_cores": two["workers_cores"],
                "two_workers_machine_cores_busy": two["machine_cores_busy"],
                "two_workers_others_cores": two["others_cores"],
                "two_workers_cpu_ms_per_certificate": two["worker_cpu_ms_per_certificate"],
                "rss_after_100_mb": one["rss_after_100_mb"],
                "rss_peak_mb": one["rss_peak_mb"],
                "rss_growth_mb": one["rss_growth_mb"],
                "issued": issued,
                "failed": failed,
                "target_met": (
                    pipeline_vs_floor >= TARGET_PIPELINE_VS_FLOOR
                    and two_vs_one >= TARGET_TWO_VS_ONE
                    and one["rss_growth_mb"] < TARGET_RSS_GROWTH_MB
                    and failed == 0
                ),
            },
        )


if __name__ == "__main__":
    main()
