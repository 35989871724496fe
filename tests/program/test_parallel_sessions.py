"""Parallel sessions (issue 24): Medan, Bali and Manado at the same time, each participant at
one of them. Sessions sharing a `parallel_group` count as one session for attendance, in the
gradebook and in the attendance summary alike, attended when any of them was."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from program.grading import ABSENT, FAILED, PASSED
from program.models import CohortSession
from program.selectors import attendance_summary
from program.selectors.grading import gradebook_rows
from tests.program_factories import add_participant, make_cohort, make_programme, make_session

from .grading_setup import attend, finish_attempt

pytestmark = pytest.mark.django_db

GROUP = "Sesi paralel 4 Desember"


@pytest.fixture
def programme():
    from tests.factories import make_course, make_quiz

    quiz = make_quiz(make_course("PAR-K"), kind="posttest", grading="highest")
    return make_programme("PAR-01", posttest=quiz, min_attendance_percent=75)


@pytest.fixture
def cohort(programme):
    return make_cohort(programme)


@pytest.fixture
def sessions(cohort):
    """Three parallel sessions (one group) and a plenary, all already started."""
    parallel = [
        make_session(cohort, f"Sesi {city}", starts_in_minutes=-600, venue=city,
                     parallel_group=GROUP)
        for city in ("Medan", "Bali", "Manado")
    ]  # fmt: skip
    plenary = make_session(cohort, "Pleno", starts_in_minutes=-60)
    return parallel, plenary


@pytest.fixture
def people(cohort, make_employee):
    names = ("Ani", "Budi", "Citra", "Dodi")
    return {
        name: add_participant(cohort, make_employee("32.04", full_name=name).user) for name in names
    }


def play(sessions, people):
    (medan, bali, manado), plenary = sessions
    attend(medan, people["Ani"]), attend(plenary, people["Ani"])  # one city + plenary
    attend(plenary, people["Budi"])  # plenary only
    # Marked at two cities of the group (a facilitator's slip): still one session.
    attend(bali, people["Citra"], "late"), attend(manado, people["Citra"])
    attend(plenary, people["Citra"], "excused")


def test_one_parallel_session_and_the_plenary_make_full_attendance(sessions, people):
    play(sessions, people)
    rows = {row.name: row for row in gradebook_rows(people["Ani"].cohort)}
    assert rows["Ani"].attendance == D("100.00")
    assert rows["Budi"].attendance == D("50.00")
    assert rows["Citra"].attendance == D("50.00")
    assert rows["Dodi"].attendance == D("0.00")


def test_the_outcome_reads_the_grouped_attendance(programme, sessions, people):
    play(sessions, people)
    for name in ("Ani", "Budi"):
        finish_attempt(people[name].user, programme.posttest, 95)
    rows = {row.name: row for row in gradebook_rows(people["Ani"].cohort)}
    assert rows["Ani"].outcome == PASSED  # 100 % >= 75 %
    assert rows["Budi"].outcome == FAILED  # same grade, 50 % < 75 %
    assert rows["Dodi"].outcome == ABSENT


def test_the_attendance_summary_agrees_with_the_gradebook(sessions, people):
    play(sessions, people)
    summary = attendance_summary(people["Ani"].cohort)
    figures = {name: summary[p.pk] for name, p in people.items()}
    assert {f.sessions_total for f in figures.values()} == {2}
    assert (figures["Ani"].attended, figures["Ani"].percent) == (2, D("100.00"))
    assert (figures["Budi"].attended, figures["Budi"].percent) == (1, D("50.00"))
    assert (figures["Citra"].attended, figures["Citra"].percent) == (1, D("50.00"))
    assert (figures["Dodi"].attended, figures["Dodi"].percent) == (0, D("0.00"))
    rows = {row.name: row for row in gradebook_rows(people["Ani"].cohort)}
    assert all(rows[name].attendance == figures[name].percent for name in people)


def test_the_same_label_in_another_cohort_is_another_group(programme, sessions, people):
    other = make_cohort(programme, "Angkatan II")
    make_session(other, "Sesi Medan", starts_in_minutes=-600, parallel_group=GROUP)
    play(sessions, people)
    summary = attendance_summary(people["Ani"].cohort)
    assert summary[people["Ani"].pk].sessions_total == 2
    assert attendance_summary(other, only_started=False) == {}


def test_a_group_counts_as_held_once_any_of_its_sessions_has_started(cohort, people):
    make_session(cohort, "Medan", starts_in_minutes=-30, parallel_group=GROUP)
    make_session(cohort, "Manado", starts_in_minutes=30, parallel_group=GROUP)
    make_session(cohort, "Besok", starts_in_minutes=24 * 60)
    summary = attendance_summary(cohort)
    assert summary[people["Ani"].pk].sessions_total == 1
    assert attendance_summary(cohort, only_started=False)[people["Ani"].pk].sessions_total == 2


def test_the_queries_stay_constant_with_parallel_sessions(
    cohort, sessions, people, make_employee, django_assert_num_queries
):
    play(sessions, people)
    with django_assert_num_queries(3):
        attendance_summary(cohort)
    with CaptureQueriesContext(connection) as small:
        gradebook_rows(cohort)
    (medan, bali, manado), plenary = sessions
    for i in range(12):
        person = add_participant(cohort, make_employee("32.04").user)
        attend((medan, bali, manado)[i % 3], person)
        attend(plenary, person)
    with django_assert_num_queries(3):
        summary = attendance_summary(cohort)
    with CaptureQueriesContext(connection) as large:
        rows = gradebook_rows(cohort)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(rows) == 16
    assert sum(1 for f in summary.values() if f.percent == D("100.00")) == 13


def _form(**changes):
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0, tzinfo=None
    )
    data = {
        "title": "Sesi Bali",
        "description": "",
        "starts_at": start.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        "mode": "room",
        "meeting_url": "",
        "venue": "Denpasar",
        "speakers": "",
        "presenting_team": "",
        "parallel_group": "",
    }
    data.update(changes)
    return data


def test_a_trainer_puts_a_session_in_a_parallel_group(client, cohort, trainer):
    make_session(cohort, "Sesi Medan", starts_in_minutes=24 * 60, parallel_group=GROUP)
    client.force_login(trainer)
    add = reverse("program_sesi:add") + f"?cohort={cohort.pk}"

    page = client.get(add).content.decode()
    response = client.post(add, _form(parallel_group=f"  {GROUP} "))

    assert "Kelompok sesi paralel" in page and GROUP in page  # the existing label is offered
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CohortSession.objects.get(title="Sesi Bali").parallel_group == GROUP
    listing = client.get(reverse("program_sesi:index") + f"?cohort={cohort.pk}").content.decode()
    assert "Kelompok paralel" in listing
