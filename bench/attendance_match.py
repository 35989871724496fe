"""Matching an online meeting's participant report (Zoom CSV) to a cohort's participants.

    python -m bench.attendance_match [--size small|medium|large]

The report has `rows` lines for a cohort of `participants`: most people join once or twice
(some overlapping), and are found by email, by a NIP in their display name or by their exact
name; some are guests nobody can match, and pairs of participants share a name (ambiguous,
left to the facilitator). Timed: reading and matching alone (pure Python, no database), and
the whole import (read, match, write the report lines, the attendance rows and their audit in
one transaction), with its query count (constant but for one insert per 500 rows).

Target (issue 24): 1,000 rows (small) matched and recorded within 5 seconds.
"""

import datetime
import random
import tempfile

from .harness import django_setup, emit, parse_args, throwaway_database, timer

SIZES = {"small": 1_000, "medium": 5_000, "large": 20_000}  # report rows
TARGET_SECONDS_PER_1K = 5.0
FIRST = ["Ahmad", "Siti", "Budi", "Dewi", "Rudi", "Nur", "Agus", "Rina", "Joko", "Maya"]
LAST = ["Saputra", "Lestari", "Hidayat", "Wulandari", "Santoso", "Rahmawati", "Gunawan"]


def _nip(i: int) -> str:
    birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=i % 12_000)
    return f"{birth:%Y%m%d}{2000 + i % 20}{1 + i % 12:02d}{1 + i % 2}{(i // 12_000) % 1000:03d}"


def _people(n: int):
    """(email, nip, full name) of n participants; every 50th pair shares a name."""
    people = []
    for i in range(n):
        name = f"{FIRST[i % 10]} {LAST[(i // 10) % 7]} {i // 70:04d}"
        if i % 50 == 1:
            name = people[-1][2]
        people.append((f"peserta{i}@bawaslu.go.id", _nip(i), name))
    return people


def make_report(people, rows: int, day: datetime.date, seed: int = 2026) -> bytes:
    rng = random.Random(seed)
    d = day.strftime("%m/%d/%Y")
    lines = [
        "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants",
        f"812 3456 7890,Sesi,{d} 08:55:00 AM,{d} 11:05:00 AM,host@bawaslu.go.id,130,{rows}",
        "",
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest",
    ]
    for i in range(rows):
        if i % 40 == 39:
            name, email, guest = f"Tamu {i}", f"tamu{i}@gmail.com", "Yes"
        else:
            email, nip, name = people[rng.randrange(len(people))]
            how = i % 3
            if how == 1:
                name, email = f"{name.split()[0]} {nip}", ""
            elif how == 2:
                email = ""
            guest = "No" if email else "Yes"
        start = 9 * 60 + rng.randrange(0, 100)
        end = min(start + rng.randrange(5, 120), 11 * 60 + 10)
        join = f"{d} {start // 60:02d}:{start % 60:02d}:00"
        leave = f"{d} {end // 60:02d}:{end % 60:02d}:00"
        lines.append(f"{name},{email},{join},{leave},{end - start},{guest}")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    args = parse_args(__doc__, SIZES)
    rows = SIZES[args.size]
    participants = rows * 3 // 5
    broker_dir = tempfile.mkdtemp(prefix="bench-broker-")
    django_setup(CELERY_TASK_ALWAYS_EAGER="false", CELERY_FILESYSTEM_BROKER_DIR=broker_dir)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kursus.models import CourseIndexPage
    from lms.akun.models import User
    from lms.organisasi.models import Employee, OrgUnit
    from program.models import Attendance, Cohort, CohortSession, Participant, ProgrammePage
    from program.services import participant_report_import
    from program.services.participant_reports import (
        participants_for_matching,
        report_match,
        report_parse,
    )

    with throwaway_database("attendance"):
        unit = OrgUnit.add_root(code="B-RI", name="Bench", level="ri")
        people = _people(participants)
        users = User.objects.bulk_create(
            [User(email=email, password="!") for email, _nip, _name in people], batch_size=1000
        )
        Employee.objects.bulk_create(
            [
                Employee(user=u, full_name=name, nip=nip, employment_type="pns", unit=unit)
                for u, (_email, nip, name) in zip(users, people, strict=True)
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
            [Participant(cohort=cohort, user=u, source="invitation") for u in users],
            batch_size=1000,
        )
        start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))
        session = CohortSession.objects.create(
            cohort=cohort,
            title="Bench",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            mode="online",
            meeting_url="https://zoom.us/j/1",
        )
        content = make_report(people, rows, today)

        with timer() as pure:
            parsed = report_parse(content=content, session=session)
            matching = report_match(parsed, participants_for_matching(cohort.pk))
        with CaptureQueriesContext(connection) as queries, timer() as whole:
            outcome = participant_report_import(
                session=session, content=content, filename="zoom.csv", by=None
            )
        assert outcome.report.rows_count == rows
        recorded = Attendance.objects.filter(session=session).count()
        per_1k = whole["seconds"] * 1_000 / rows
        emit(
            "attendance_match",
            args.size,
            {
                "rows": rows,
                "participants": participants,
                "matched_people": len(matching.matched),
                "open_rows": len(matching.open_rows),
                "attendance_rows": recorded,
                "parse_match_seconds": pure["seconds"],
                "import_seconds": whole["seconds"],
                "import_queries": len(queries.captured_queries),
                "seconds_per_1k_rows": per_1k,
                "target_seconds_per_1k_rows": TARGET_SECONDS_PER_1K,
                "target_met": per_1k <= TARGET_SECONDS_PER_1K,
            },
        )


if __name__ == "__main__":
    main()
