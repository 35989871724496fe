"""The REST API's list pages: a page of 100 of each list (employees, units, enrolments,
assignments, learning records, certificates), against /healthz in the same run, with the query
count of each page.

    python -m bench.api_pages [--size small|medium|large]

Pages (server time through Django's test client, the whole middleware stack, bearer token,
median of several requests after a warm-up): /api/v1/employees/ for a national client (the
first page and one from the middle by cursor), for a province's client, filtered by a unit, a
kabupaten's client (its people are a small share of the table, which an ordered page must
still find), changed since a moment (updated_since), /api/v1/units/, and the first pages of
enrolments, learning records and certificates for a national and a province's client (an issued
certificate row is written for every course credit of the generated ledger). The baseline is
/healthz (a database round trip and a broker check), the floor of any request here.

Targets (issue 25): each list page of 100 under 100 ms at medium size; the query count
of each page the same at every size. A medium or large run reads the last small run's line
from var/bench-results/ and adds `<page>_queries_as_small`; run small first, on the same
machine and code.
"""

import statistics
import sys
import time

from .harness import django_setup, emit, last_result, parse_args, throwaway_database, timer

SIZES = {"small": 7, "medium": 9, "large": 9}  # timed requests per page
PAGE = 100
TARGET_PAGE_SECONDS = 0.1


def _measure(client, url: str, headers: dict, runs: int) -> tuple[float, int]:
    from django.db import connection

    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url, headers=headers)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url, headers=headers)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(queries)


def _token(code: str) -> dict:
    from integrasi.models import ServiceClient
    from integrasi.models.clients import Scope
    from integrasi.services import client_token_issue
    from lms.organisasi.models import OrgUnit

    client = ServiceClient.objects.create(
        name=f"Bench {code}",
        unit=OrgUnit.objects.get(code=code),
        scopes=[scope.value for scope in Scope],
        rate_limit_per_minute=1_000_000,
    )
    return {"Authorization": f"Bearer {client_token_issue(client=client)}"}


def _certificates() -> int:
    """An issued certificate (the row, no file) for every course credit of the ledger, as the
    certificate job would have left them: what the certificate and learning-record lists read.
    Written with bulk_create in batches. Returns how many."""
    import datetime

    from kursus.models import JPCredit
    from lms.organisasi.models import Employee
    from sertifikat.models import Certificate
    from sertifikat.services import certificate_template_create_demo

    template = certificate_template_create_demo()
    names = dict(Employee.objects.values_list("user_id", "full_name"))
    total = 0
    batch: list = []
    rows = (
        JPCredit.objects.filter(course__isnull=False)
        .order_by("pk")
        .values_list("pk", "user_id", "course_id", "jp", "completed_at", "year")
    )
    for pk, user_id, course_id, jp, completed_at, year in rows.iterator(chunk_size=5000):
        day = completed_at.date()
        batch.append(
            Certificate(
                user_id=user_id,
                subject_id=course_id,
                status=Certificate.Status.ISSUED,
                number=f"BENCH/{year}/{pk}",
                year=year,
                serial=pk,
                code=f"B{pk:018d}",
                issued_on=day,
                full_name=names.get(user_id, "Peserta"),
                course_code=f"K-{course_id}",
                course_title=f"Kursus {course_id}",
                jp=jp,
                completed_on=day,
                template=template,
                template_version=1,
                issued_at=completed_at + datetime.timedelta(minutes=1),
            )
        )
        if len(batch) == 5000:
            Certificate.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    Certificate.objects.bulk_create(batch)
    return total + len(batch)


def _pages() -> dict[str, tuple[str, str]]:
    """name -> (client unit code, URL)."""
    import datetime

    from django.utils import timezone

    from integrasi.api.core import cursor_encode
    from lms.organisasi.models import Employee

    ids = Employee.objects.order_by("pk").values_list("pk", flat=True)
    middle = ids[ids.count() // 2]
    since = (timezone.now() - datetime.timedelta(days=365)).isoformat()
    kabupaten = (
        Employee.objects.filter(unit__level="kabkota")
        .order_by("unit__code")
        .values_list("unit__code", flat=True)
        .first()
    )
    return {
        "employees_first": ("RI", f"/api/v1/employees/?limit={PAGE}"),
        "employees_middle": (
            "RI",
            f"/api/v1/employees/?limit={PAGE}&cursor={cursor_encode(middle)}",
        ),
        "employees_province": ("32", f"/api/v1/employees/?limit={PAGE}"),
        "employees_unit_filter": ("RI", f"/api/v1/employees/?limit={PAGE}&unit=32"),
        "employees_kabupaten": (kabupaten, f"/api/v1/employees/?limit={PAGE}"),
        "employees_updated_since": (
            "RI",
            f"/api/v1/employees/?limit={PAGE}&updated_since={since.replace('+', '%2B')}",
        ),
        "units": ("RI", f"/api/v1/units/?limit={PAGE}"),
        "enrolments_first": ("RI", f"/api/v1/enrolments/?limit={PAGE}"),
        "enrolments_province": ("32", f"/api/v1/enrolments/?limit={PAGE}"),
        "enrolments_updated_since": (
            "RI",
            f"/api/v1/enrolments/?limit={PAGE}&updated_since={since.replace('+', '%2B')}",
        ),
        "assignments": ("RI", f"/api/v1/assignments/?limit={PAGE}"),
        "learning_records_first": ("RI", f"/api/v1/learning-records/?limit={PAGE}"),
        "learning_records_province": ("32", f"/api/v1/learning-records/?limit={PAGE}"),
        "certificates_first": ("RI", f"/api/v1/certificates/?limit={PAGE}"),
        "certificates_province": ("32", f"/api/v1/certificates/?limit={PAGE}"),
    }


def _targets(size: str, figures: dict, names: list[str], vendor: str) -> dict:
    out: dict = {}
    met = True
    if size == "medium":
        met = all(
            figures[f"{name}_seconds"] < TARGET_PAGE_SECONDS for name in names if name != "units"
        )
    if size != "small":
        small = last_result("api_pages", "small", vendor)
        out["small_run_found"] = small is not None
        met = met and small is not None
        for name in names:
            same = small is not None and figures[f"{name}_queries"] == small.get(f"{name}_queries")
            out[f"{name}_queries_as_small"] = same
            met = met and same
    out["target_met"] = met
    return out


def main() -> None:
    from bench.datagen import SIZES as DATA_SIZES

    args = parse_args(__doc__.splitlines()[0], {k: v for k, v in DATA_SIZES.items() if k != "demo"})
    runs = SIZES[args.size]
    django_setup()
    from django.db import connection
    from django.test import Client

    from bench.datagen import generate

    with throwaway_database("api_bench"):
        with timer() as t:
            info = generate(args.size, lesson_rows=False)
        with timer() as c:
            figures_certificates = _certificates()
        figures: dict = {
            **info.sizes(),
            "certificates": figures_certificates,
            "generate_seconds": t["seconds"] + c["seconds"],
        }
        print(f"generated in {t['seconds']:.0f} s: {info.sizes()}", file=sys.stderr)
        client = Client()
        tokens: dict[str, dict] = {}
        baseline, _queries = _measure(client, "/healthz", {}, runs)
        figures["baseline_healthz_seconds"] = baseline
        pages = _pages()
        for name, (code, url) in pages.items():
            if code not in tokens:
                tokens[code] = _token(code)
            headers = tokens[code]
            seconds, queries = _measure(client, url, headers, runs)
            figures[f"{name}_seconds"] = seconds
            figures[f"{name}_vs_baseline"] = seconds / baseline if baseline else None
            figures[f"{name}_queries"] = queries
        figures.update(_targets(args.size, figures, list(pages), connection.vendor))
    emit("api_pages", args.size, figures)


if __name__ == "__main__":
    main()
