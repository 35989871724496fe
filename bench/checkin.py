"""Scanning the facilitator's QR code: one request that records a participant present.

    python -m bench.checkin [--size small|medium|large]

A cohort of N participants (small 500, medium 2,000, large 10,000) in one session that
started five minutes ago. Each of `SCANS` participants, signed in, opens the code's URL once
(the whole Django stack through the test client: middleware, session, the view, the insert),
then once more (a second scan changes nothing). Reported: the server time per scan (median,
95th percentile, max), its query count (which must not grow with N), and the time for all
`SCANS` first scans one after another in one process (the room of 500 within a minute, on a
single worker). The baseline, in the same run: the same people opening their dashboard.

Target (issue 24): a scan in well under a second on the server (a phone on a slow
connection adds its own network time), 500 scans within a minute on one worker.
"""

import datetime
import statistics
import tempfile

from .harness import django_setup, emit, parse_args, throwaway_database, timer

SIZES = {"small": 500, "medium": 2_000, "large": 10_000}
SCANS = 500
TARGET_P95_SECONDS = 0.5
TARGET_ROOM_SECONDS = 60.0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    args = parse_args(__doc__, SIZES)
    n = SIZES[args.size]
    broker_dir = tempfile.mkdtemp(prefix="bench-broker-")
    django_setup(CELERY_TASK_ALWAYS_EAGER="false", CELERY_FILESYSTEM_BROKER_DIR=broker_dir)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from kursus.models import CourseIndexPage
    from lms.akun.models import User
    from lms.organisasi.models import Employee, OrgUnit
    from program.models import Attendance, Cohort, CohortSession, Participant, ProgrammePage
    from program.services import checkin_codes, checkin_key_get_or_create

    with throwaway_database("checkin"):
        unit = OrgUnit.add_root(code="B-RI", name="Bench", level="pusat")
        users = User.objects.bulk_create(
            [User(email=f"peserta{i}@bawaslu.go.id", password="!") for i in range(n)],
            batch_size=1000,
        )
        Employee.objects.bulk_create(
            [
                Employee(user=u, full_name=f"Peserta {i}", employment_type="non_asn", unit=unit)
                for i, u in enumerate(users)
            ],
            batch_size=1000,
        )
        programme = CourseIndexPage.objects.get().add_child(
            instance=ProgrammePage(title="Bench", slug="bench", code="B-1", summary="-", jp=10)
        )
        today = timezone.localdate()
        cohort = Cohort.objects.create(
            programme=programme, name="Bench", starts_on=today, ends_on=today, status="open"
        )
        Participant.objects.bulk_create(
            [Participant(cohort=cohort, user=u, source="invitation", unit=unit) for u in users],
            batch_size=1000,
        )
        start = timezone.now() - datetime.timedelta(minutes=5)
        session = CohortSession.objects.create(
            cohort=cohort,
            title="Bench",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            mode="room",
            venue="Aula",
        )
        key = checkin_key_get_or_create(session=session)
        sample = users[:: max(1, n // SCANS)][:SCANS]
        clients = []
        for user in sample:
            client = Client()
            client.force_login(user)
            clients.append(client)

        def scan(client) -> tuple[float, int]:
            token = checkin_codes(session=session, key=key, now=timezone.now()).token
            url = reverse("program:checkin_scan", args=[token])
            with CaptureQueriesContext(connection) as queries, timer() as took:
                response = client.get(url)
            assert response.status_code == 200, response.status_code
            return took["seconds"], len(queries.captured_queries)

        with timer() as room:
            first = [scan(client) for client in clients]
        second = [scan(client) for client in clients]
        dashboard = []
        for client in clients[:100]:
            with timer() as took:
                assert client.get(reverse("kursus:dashboard")).status_code == 200
            dashboard.append(took["seconds"])

        recorded = Attendance.objects.filter(session=session).count()
        times = [t for t, _q in first]
        p95 = _percentile(times, 0.95)
        emit(
            "checkin",
            args.size,
            {
                "participants": n,
                "scans": len(clients),
                "recorded": recorded,
                "scan_median_seconds": statistics.median(times),
                "scan_p95_seconds": p95,
                "scan_max_seconds": max(times),
                "scan_queries": max(q for _t, q in first),
                "second_scan_median_seconds": statistics.median(t for t, _q in second),
                "room_seconds": room["seconds"],
                "baseline_dashboard_median_seconds": statistics.median(dashboard),
                "scan_vs_dashboard": statistics.median(times) / statistics.median(dashboard),
                "target_p95_seconds": TARGET_P95_SECONDS,
                "target_room_seconds": TARGET_ROOM_SECONDS,
                "targets_met": recorded == len(clients)
                and p95 <= TARGET_P95_SECONDS
                and room["seconds"] <= TARGET_ROOM_SECONDS,
            },
        )


if __name__ == "__main__":
    main()
