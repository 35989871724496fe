"""500 learners scanning within a minute, on their own connections at once: each counts once,
and a learner scanning twice (two phones, a double tap) still counts once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from lms.akun.models import User
from program.models import Attendance, Participant
from program.services import attendance_check_in
from tests.program_factories import make_cohort, make_programme, make_session

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LEARNERS = 500
WORKERS = 40  # connections at once: below PostgreSQL's default limit of 100


def test_500_check_ins_at_once_count_once_each():
    if connection.vendor != "postgresql":
        pytest.skip("a race of many connections: PostgreSQL (SQLite serialises every write)")
    # given a session under way and 500 active participants
    cohort = make_cohort(make_programme())
    session = make_session(cohort, starts_in_minutes=-5)
    users = User.objects.bulk_create(
        [User(email=f"ras{i}@bawaslu.go.id", password="!") for i in range(LEARNERS)]
    )
    Participant.objects.bulk_create(
        [
            Participant(
                cohort=cohort,
                user=u,
                status="active",
                source="invitation",
                admitted_at=timezone.now(),
            )
            for u in users
        ]
    )
    # every learner scans once, and one in five scans a second time at the same moment
    scans = users + users[::5]
    created = []
    lock = threading.Lock()
    start = threading.Barrier(WORKERS)

    def scan_all(batch):
        try:
            start.wait(timeout=30)
            for user in batch:
                result = attendance_check_in(user=user, session=session, source="qr")
                if result.created:
                    with lock:
                        created.append(user.pk)
        finally:
            connection.close()

    batches = [scans[i::WORKERS] for i in range(WORKERS)]
    # when
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for future in [pool.submit(scan_all, batch) for batch in batches]:
            future.result(timeout=120)
    # then
    assert Attendance.objects.filter(session=session).count() == LEARNERS
    assert Attendance.objects.filter(session=session, status="present").count() == LEARNERS
    assert sorted(created) == sorted(u.pk for u in users)
