"""A closed programme cohort's certificates: exactly once, how long the rows take, and how
fast their two-page PDFs render, against the course certificate's path in the same run.

    python -m bench.programme_certificates [--size small|medium|large]

A programme (10 clusters of 3 courses, as Bawaslu Membelajarkan) with one closed cohort of
N participants who all passed (small 500, medium 2,000, large 10,000), people, employees and
participants written with bulk_create. Then:
1. `cohort_certificates_request` over the cohort, timed (rows and the programme's JP, batch
   by batch; the render messages are counted, not sent: rendering is timed apart), then
   run a second time (it must find everything done): `certificates` must equal N,
   `duplicates` and `second_run_requested` must be 0, and so must the JP credits' excess.
2. The baseline, in the same run: the course path, one `certificate_request` per person in a
   transaction of its own with its render enqueued on commit (as a course completion asks),
   for a sample of people and a course, extrapolated to N (`baseline_rows_seconds_for_n`).
3. Rendering: a sample of the programme's certificates (two pages) and as many course
   certificates (one page) rendered and signed in this process, one after another, as one
   worker does; `render_seconds_for_n_one_worker` extrapolates the programme's to N.

DATABASE_URL picks the database (a throw-away SQLite file by default; a new PostgreSQL
database next to DATABASE_URL's). Targets: exactly N certificates and N programme credits
after two runs; the cohort's rows in at most the time of the course path for as many
people (`rows_vs_baseline` <= 1.0); a programme PDF (two pages) in at most 2.2 x a course
PDF's time (one page).
"""

import datetime
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from .harness import django_setup, emit, parse_args, peak_rss_mb, throwaway_database

SIZES = {"small": 500, "medium": 2_000, "large": 10_000}
RENDER_SAMPLE = {"small": 20, "medium": 50, "large": 50}
BASELINE_SAMPLE = 500
CLUSTERS = [
    "Administrasi dan tata kelola",
    "Analisis risiko",
    "Pencegahan",
    "Penegakan hukum",
    "Teknologi digital dan keamanan siber",
    "Kepemimpinan",
    "Investigasi lanjutan",
    "Komunikasi kelembagaan",
    "Pemilu inklusif",
    "Sejarah pengawasan",
]
TARGET_ROWS_VS_BASELINE = 1.0
TARGET_PDF_VS_COURSE = 2.2


def _people(n: int) -> list[int]:
    """N users with employee records in a regency unit, by bulk_create. Their ids."""
    from lms.akun.models import User
    from lms.organisasi.models import Employee, OrgUnit

    units = list(OrgUnit.objects.filter(level="kabkota").values_list("pk", flat=True)[:50])
    users = User.objects.bulk_create(
        [
            User(email=f"prog-bench-{i}@bawaslu.go.id", first_name=f"Peserta {i}", password="!")
            for i in range(n)
        ],
        batch_size=2000,
    )
    if not users[0].pk:  # a database that returns no ids from bulk_create
        users = list(User.objects.filter(email__startswith="prog-bench-").order_by("pk"))
    Employee.objects.bulk_create(
        [
            Employee(
                user=user,
                full_name=f"Peserta Uji Beban {i}",
                nip=str(197001012000011000 + i),
                employment_type="pns",
                position="Analis Pengawasan Pemilu",
                unit_id=units[i % len(units)],
            )
            for i, user in enumerate(users)
        ],
        batch_size=2000,
    )
    return [user.pk for user in users]


def _programme():
    from bench.datagen import _build_courses
    from kursus.models import CourseIndexPage, CoursePage
    from program.models import ProgrammeCluster, ProgrammeCourse, ProgrammePage

    course_ids = list(_build_courses(30))
    courses = list(CoursePage.objects.filter(pk__in=course_ids).order_by("pk"))
    programme = ProgrammePage(
        title="Bawaslu Membelajarkan",
        slug="bawaslu-membelajarkan-bench",
        code="BM-BENCH",
        summary="Program uji beban.",
        jp=60,
    )
    for c, title in enumerate(CLUSTERS):
        cluster = ProgrammeCluster(title=title, sort_order=c)
        for k, course in enumerate(courses[3 * c : 3 * c + 3]):
            cluster.courses.add(ProgrammeCourse(course=course, required=True, sort_order=k))
        programme.clusters.add(cluster)
    CourseIndexPage.objects.get().add_child(instance=programme)
    return programme, courses


def _closed_cohort(programme, user_ids: list[int]):
    from django.utils import timezone

    from program.models import Cohort, Participant

    cohort = Cohort.objects.create(
        programme=programme,
        name="Angkatan I 2026",
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 4, 30),
        status=Cohort.Status.CLOSED,
        closed_at=timezone.now(),
    )
    Participant.objects.bulk_create(
        [
            Participant(
                cohort=cohort,
                user_id=uid,
                source=Participant.Source.NOMINATION,
                status=Participant.Status.ACTIVE,
                outcome=Participant.Outcome.PASSED,
                final_grade=Decimal(60 + i % 40),
            )
            for i, uid in enumerate(user_ids)
        ],
        batch_size=2000,
    )
    return cohort


def _count_renders():
    """Render messages counted, not sent (rendering is timed apart)."""
    from sertifikat import jobs

    sent = []
    task = jobs.task(jobs.RENDER)
    task.delay = lambda *args, **kw: sent.append(args)
    return sent


def _baseline_rows(course, user_ids: list[int]) -> float:
    """Seconds for the course path: one request per person, each its own transaction."""
    from django.db import transaction
    from django.utils import timezone

    from lms.akun.models import User
    from sertifikat.services import CertificateFacts, certificate_request

    users = list(User.objects.filter(pk__in=user_ids).order_by("pk"))
    facts = CertificateFacts(
        code=course.code, title=course.title, jp=course.jp, completed_at=timezone.now()
    )
    start = time.perf_counter()
    for user in users:
        with transaction.atomic():
            certificate_request(user=user, subject=course, facts=facts)
    return time.perf_counter() - start


def _render(pks: list[int]) -> float:
    from sertifikat.models import Certificate
    from sertifikat.services import certificate_render

    rows = list(Certificate.objects.filter(pk__in=pks).values_list("pk", "generation"))
    # The first render of a process loads fonts and the signer: not what a worker pays per
    # certificate.
    first, rest = rows[0], rows[1:]
    certificate_render(certificate_id=first[0], generation=first[1])
    start = time.perf_counter()
    for pk, generation in rest:
        certificate_render(certificate_id=pk, generation=generation)
    return (time.perf_counter() - start) / max(1, len(rest))


def run(size: str) -> dict:
    from django.db.models import Count

    from kursus.models import JPCredit
    from lms.organisasi.services import orgunit_load_official
    from program.services import cohort_certificates_request
    from sertifikat.models import Certificate

    n = SIZES[size]
    figures: dict = {"participants": n}
    orgunit_load_official()
    programme, courses = _programme()
    user_ids = _people(n)
    cohort = _closed_cohort(programme, user_ids)
    sent = _count_renders()

    start = time.perf_counter()
    requested = cohort_certificates_request(cohort=cohort)
    figures["rows_seconds"] = time.perf_counter() - start
    figures["requested"] = requested
    figures["render_messages"] = len(sent)
    start = time.perf_counter()
    figures["second_run_requested"] = cohort_certificates_request(cohort=cohort)
    figures["second_run_seconds"] = time.perf_counter() - start

    certs = Certificate.objects.filter(subject=programme)
    figures["certificates"] = certs.count()
    figures["duplicates"] = certs.values("user_id").annotate(n=Count("id")).filter(n__gt=1).count()
    figures["programme_jp_credits"] = JPCredit.objects.filter(programme=programme).count()
    figures["rows_per_second"] = n / figures["rows_seconds"]

    sample = user_ids[: min(n, BASELINE_SAMPLE)]
    baseline = _baseline_rows(courses[0], sample)
    figures["baseline_sample"] = len(sample)
    figures["baseline_rows_seconds_for_n"] = baseline / len(sample) * n
    figures["rows_vs_baseline"] = figures["rows_seconds"] / figures["baseline_rows_seconds_for_n"]

    k = RENDER_SAMPLE[size]
    programme_pdf = _render(list(certs.order_by("pk").values_list("pk", flat=True)[: k + 1]))
    course_pdf = _render(
        list(
            Certificate.objects.filter(subject=courses[0])
            .order_by("pk")
            .values_list("pk", flat=True)[: k + 1]
        )
    )
    figures["render_sample"] = k
    figures["programme_pdf_seconds"] = programme_pdf
    figures["course_pdf_seconds"] = course_pdf
    figures["programme_pdf_vs_course"] = programme_pdf / course_pdf if course_pdf else None
    figures["render_seconds_for_n_one_worker"] = programme_pdf * n
    figures["peak_rss_mb"] = peak_rss_mb()
    figures["targets_met"] = (
        figures["certificates"] == n
        and figures["duplicates"] == 0
        and figures["second_run_requested"] == 0
        and figures["programme_jp_credits"] == n
        and figures["rows_vs_baseline"] <= TARGET_ROWS_VS_BASELINE
        and (figures["programme_pdf_vs_course"] or 0) <= TARGET_PDF_VS_COURSE
    )
    return figures


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], SIZES)
    tmp = Path(tempfile.mkdtemp(prefix="prog-cert-bench-"))
    django_setup(
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
        LMS_CERT_SIGNING_P12=str(tmp / "signing.p12"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    from django.conf import settings

    from sertifikat.signing import demo_key_create

    demo_key_create(
        path=Path(settings.LMS_CERT_SIGNING_P12), passphrase=settings.LMS_CERT_SIGNING_PASSPHRASE
    )
    with throwaway_database("prog_cert_bench"):
        figures = run(args.size)
    emit("programme_certificates", args.size, figures)


if __name__ == "__main__":
    main()
