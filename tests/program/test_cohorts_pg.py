"""Seats under load: people joining a cohort at the same moment never take more seats than
there are, the rest wait in order, and a freed seat goes to exactly one of them. Row locks:
PostgreSQL (SQLite's write lock serialises the joins anyway)."""

import pytest
from django.db import connection

from program.models import Participant
from program.services import participant_self_enrol, participant_withdraw
from tests.concurrency import run_at_once, run_while_locked
from tests.factories import EmployeeFactory
from tests.program_factories import make_cohort, make_programme

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

S = Participant.Status


def _skip_without_row_locks():
    if not connection.features.has_select_for_update:
        pytest.skip("row locks: PostgreSQL (SQLite's write lock already serialises the joins)")


def test_parallel_joins_never_exceed_the_seat_limit(org_tree):
    _skip_without_row_locks()
    # given a cohort with 3 seats and 10 people clicking "Daftar" at once
    cohort = make_cohort(make_programme(), seat_limit=3, self_enrolment=True)
    users = [EmployeeFactory().user for _ in range(10)]
    # when they all join at the same moment
    run_at_once(
        lambda user: participant_self_enrol(cohort=cohort, user=user), [(u,) for u in users]
    )
    # then exactly 3 have a seat and 7 wait, each with their own turn
    statuses = list(Participant.objects.filter(cohort=cohort).values_list("status", flat=True))
    assert sorted(statuses).count(S.ACTIVE) == 3
    assert statuses.count(S.WAITLISTED) == 7
    turns = list(
        Participant.objects.filter(cohort=cohort, status=S.WAITLISTED).values_list(
            "waitlisted_at", flat=True
        )
    )
    assert None not in turns


def test_a_join_waits_for_a_withdrawal_in_progress_and_then_waits_its_turn(org_tree):
    _skip_without_row_locks()
    cohort = make_cohort(make_programme(), seat_limit=1, self_enrolment=True)
    holder, waiting, late = (EmployeeFactory().user for _ in range(3))
    seat = participant_self_enrol(cohort=cohort, user=holder)
    participant_self_enrol(cohort=cohort, user=waiting)

    # when the holder withdraws while a third person joins
    run_while_locked(
        lock=lambda: participant_withdraw(participant=seat, by=None),
        then=lambda: None,
        waiter=lambda: participant_self_enrol(cohort=cohort, user=late),
    )

    # then the freed seat went to the one who was waiting, and the late one waits
    assert Participant.objects.get(cohort=cohort, user=waiting).status == S.ACTIVE
    assert Participant.objects.get(cohort=cohort, user=late).status == S.WAITLISTED
    assert Participant.objects.filter(cohort=cohort, status=S.ACTIVE).count() == 1
