"""Closing a cohort twice at the same moment (a double click, two tabs) closes it once; a
score saved while the close holds the cohort's lock waits, then is refused (PostgreSQL)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from program.models import Cohort, Participant
from program.services.grading import cohort_close, grade_override_create

from ..concurrency import run_at_once, run_while_locked
from .grading_setup import build, finish_attempt

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _skip_without_row_locks():
    if not connection.features.has_select_for_update:
        pytest.skip("row locks: PostgreSQL (SQLite's write lock already serialises the two)")


def test_two_closes_at_once_close_the_cohort_once(make_employee, trainer, admin_lms):
    _skip_without_row_locks()
    g = build(make_employee)
    finish_attempt(g.people["ani"].user, g.quiz, 95)
    results = []

    def close(user):
        results.append(cohort_close(cohort=Cohort.objects.get(pk=g.cohort.pk), by=user))

    run_at_once(close, [(trainer,), (admin_lms,)])
    assert sorted(r.closed_now for r in results) == [False, True]
    winner = next(r for r in results if r.closed_now)
    cohort = Cohort.objects.get(pk=g.cohort.pk)
    assert cohort.status == Cohort.Status.CLOSED and cohort.closed_by == winner.cohort.closed_by
    assert Participant.objects.filter(cohort=cohort, outcome="").count() == 0


def test_a_correction_waiting_for_the_close_is_refused(make_employee, trainer):
    _skip_without_row_locks()
    g = build(make_employee)
    refused = []

    def lock():
        Cohort.objects.select_for_update().get(pk=g.cohort.pk)

    def then():
        cohort_close(cohort=g.cohort, by=trainer)

    def waiter():
        try:
            grade_override_create(
                participant=g.people["ani"], component="posttest", new_value=90, reason="r",
                by=trainer,
            )  # fmt: skip
        except ValidationError:
            refused.append(True)

    run_while_locked(lock=lock, then=then, waiter=waiter)
    assert refused == [True]
    assert not g.people["ani"].grade_overrides.exists()
