"""Grading a cohort through the services and the gradebook selector: assessors' rubric
scores, peer ratings, participation, the final grade and the outcome, corrections with
their history, and closing the cohort."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.akun.roles import PENGAJAR
from program.models import (
    Cohort,
    CohortAssessor,
    GradeOverride,
    Participant,
    PeerRating,
    PresentationScore,
)
from program.selectors.grading import gradebook_rows, gradebook_sorted
from program.services.grading import (
    cohort_close,
    grade_override_create,
    peer_rating_save,
    presentation_score_save,
)

from .grading_setup import attend, build, finish_attempt, level

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(make_employee):
    return build(make_employee)


@pytest.fixture
def panel_member(make_employee, graded):
    user = make_employee("12").user  # no trainer role, named on the cohort's panel
    CohortAssessor.objects.create(cohort=graded.cohort, user=user)
    return user


def score(g, session, assessor, a, b):
    c1, c2 = g.criteria
    return presentation_score_save(
        session=session, assessor=assessor, levels={c1.pk: level(c1, a), c2.pk: level(c2, b)}
    )


def play(g, trainer, panel_member):
    """The scenario the numbers below are worked out from."""
    s1, s2 = g.sessions
    p = g.people
    score(g, s1, trainer, 4, 2)  # 60 + 20 = 80
    score(g, s1, panel_member, 3, 3)  # 45 + 30 = 75 -> session 77.5
    score(g, s2, trainer, 4, 4)  # 100
    attend(s1, p["ani"]), attend(s2, p["ani"])
    attend(s1, p["budi"]), attend(s2, p["budi"], "excused")
    attend(s1, p["citra"], "late"), attend(s2, p["citra"])
    peer_rating_save(session=s1, user=p["citra"].user, rating=4)  # Sumut: 80
    peer_rating_save(session=s2, user=p["ani"].user, rating=5)  # Bali: 100
    finish_attempt(p["ani"].user, g.quiz, 90)
    finish_attempt(p["ani"].user, g.quiz, 70, number=2)  # highest counts: 90
    finish_attempt(p["budi"].user, g.quiz, 50)


def by_name(rows):
    return {row.name: row for row in rows}


def test_the_gradebook_works_out_every_component(graded, trainer, panel_member):
    play(graded, trainer, panel_member)
    rows = by_name(gradebook_rows(graded.cohort))
    ani, budi, citra, dodi = rows["Ani"], rows["Budi"], rows["Citra"], rows["Dodi"]
    assert (ani.posttest, ani.presenter, ani.attendance, ani.peer) == (
        D("90"), D("77.50"), D("100.00"), D("80.00"),
    )  # fmt: skip
    assert ani.participation == D("84.75")  # 38.75 + 30 + 16
    assert ani.final == D("88.43")  # 63 + 25.425, half up
    assert ani.outcome == Participant.Outcome.PASSED
    assert (budi.attendance, budi.participation, budi.final) == (D("50.00"), D("69.75"), D("55.93"))
    assert budi.outcome == Participant.Outcome.FAILED
    # no post-test: it counts 0; took part in the sessions
    assert (citra.posttest, citra.participation, citra.final) == (None, D("100.00"), D("30.00"))
    assert citra.outcome == Participant.Outcome.FAILED
    # no team, no session attended, no post-test: only attendance exists (0)
    assert (dodi.presenter, dodi.peer, dodi.participation, dodi.final) == (
        None, None, D("0.00"), D("0.00"),
    )  # fmt: skip
    assert dodi.outcome == Participant.Outcome.ABSENT


def test_the_gradebook_sorts_with_blanks_last(graded, trainer, panel_member):
    play(graded, trainer, panel_member)
    rows = gradebook_rows(graded.cohort)
    assert [r.name for r in gradebook_sorted(rows, "-final")] == ["Ani", "Budi", "Citra", "Dodi"]
    assert [r.name for r in gradebook_sorted(rows, "posttest")] == ["Budi", "Ani", "Citra", "Dodi"]


def test_an_assessor_scoring_again_replaces_their_own_score(graded, trainer):
    s1 = graded.sessions[0]
    score(graded, s1, trainer, 1, 1)
    score(graded, s1, trainer, 4, 4)
    assert PresentationScore.objects.filter(session=s1).count() == 1
    assert by_name(gradebook_rows(graded.cohort))["Ani"].presenter == D("100.00")


def test_only_trainers_and_the_cohorts_panel_may_score(graded, make_employee):
    outsider = make_employee("32.04").user
    with pytest.raises(ValidationError):
        score(graded, graded.sessions[0], outsider, 4, 4)
    other_cohort_trainer = make_employee("RI", PENGAJAR).user
    score(graded, graded.sessions[0], other_cohort_trainer, 4, 4)  # trainers may


def test_every_criterion_needs_a_level_and_the_rubric_must_total_100(graded, trainer):
    c1, c2 = graded.criteria
    s1 = graded.sessions[0]
    with pytest.raises(ValidationError):
        presentation_score_save(session=s1, assessor=trainer, levels={c1.pk: level(c1, 4)})
    with pytest.raises(ValidationError):  # a level of another criterion
        presentation_score_save(
            session=s1, assessor=trainer, levels={c1.pk: level(c2, 4), c2.pk: level(c2, 4)}
        )
    c2.weight = D(30)
    c2.save()
    with pytest.raises(ValidationError):
        score(graded, s1, trainer, 4, 4)
    assert not PresentationScore.objects.exists()


def test_peer_rating_by_attending_participants_outside_the_team_once_each(graded):
    s1 = graded.sessions[0]
    p = graded.people
    attend(s1, p["ani"]), attend(s1, p["citra"])
    with pytest.raises(ValidationError):  # own team
        peer_rating_save(session=s1, user=p["ani"].user, rating=5)
    with pytest.raises(ValidationError):  # did not attend
        peer_rating_save(session=s1, user=p["dodi"].user, rating=5)
    with pytest.raises(ValidationError):  # out of range
        peer_rating_save(session=s1, user=p["citra"].user, rating=6)
    peer_rating_save(session=s1, user=p["citra"].user, rating=2)
    peer_rating_save(session=s1, user=p["citra"].user, rating=3)  # changed
    assert list(PeerRating.objects.values_list("rating", flat=True)) == [3]
    assert by_name(gradebook_rows(graded.cohort))["Ani"].peer == D("60.00")


def test_a_correction_is_audited_with_its_old_value_and_reason(graded, admin_lms, trainer):
    citra = graded.people["citra"]
    with pytest.raises(ValidationError):
        grade_override_create(
            participant=citra, component="posttest", new_value="80", reason=" ", by=trainer
        )
    with pytest.raises(ValidationError):
        grade_override_create(
            participant=citra, component="posttest", new_value="101", reason="x", by=trainer
        )
    grade_override_create(
        participant=citra, component="posttest", new_value="80", reason="Ujian kertas", by=trainer
    )
    grade_override_create(
        participant=citra, component="posttest", new_value="85", reason="Salah ketik", by=admin_lms
    )
    history = list(GradeOverride.objects.filter(participant=citra))
    assert [(h.old_value, h.new_value, h.created_by) for h in history] == [
        (None, D("80.00"), trainer),
        (D("80.00"), D("85.00"), admin_lms),
    ]
    row = by_name(gradebook_rows(graded.cohort))["Citra"]
    assert row.posttest == D("85.00") and "posttest" in row.corrected


def test_a_learner_cannot_correct_grades(graded):
    with pytest.raises(ValidationError):
        grade_override_create(
            participant=graded.people["ani"],
            component="posttest",
            new_value="100",
            reason="saya",
            by=graded.people["ani"].user,
        )


@pytest.mark.parametrize(("value", "outcome"), [("60.00", "passed"), ("59.99", "failed")])
def test_the_pass_mark_boundary_through_corrections(graded, trainer, value, outcome):
    ani = graded.people["ani"]
    for component in ("posttest", "participation"):
        grade_override_create(
            participant=ani, component=component, new_value=value, reason="uji", by=trainer
        )
    grade_override_create(
        participant=ani, component="attendance", new_value="100", reason="uji", by=trainer
    )
    row = by_name(gradebook_rows(graded.cohort))["Ani"]
    assert (row.final, row.outcome) == (D(value), outcome)


def test_below_minimum_attendance_fails_a_high_grade(graded, trainer):
    ani = graded.people["ani"]
    finish_attempt(ani.user, graded.quiz, 100)
    attend(graded.sessions[0], ani)  # 1 of 2 sessions: 50 % < 75 %
    row = by_name(gradebook_rows(graded.cohort))["Ani"]
    assert row.final >= D(60) and row.outcome == Participant.Outcome.FAILED


def test_closing_freezes_grades_once_and_refuses_later_changes(graded, trainer, panel_member):
    play(graded, trainer, panel_member)
    result = cohort_close(cohort=graded.cohort, by=trainer)
    assert result.closed_now and (result.passed, result.failed, result.absent) == (1, 2, 1)
    cohort = Cohort.objects.get(pk=graded.cohort.pk)
    assert cohort.status == Cohort.Status.CLOSED and cohort.closed_by == trainer
    frozen = dict(Participant.objects.values_list("user__employee__full_name", "final_grade"))
    assert frozen == {"Ani": D("88.43"), "Budi": D("55.93"), "Citra": D("30.00"), "Dodi": D("0")}
    assert Participant.objects.get(pk=graded.people["dodi"].pk).outcome == "absent"
    # a second click changes nothing
    again = cohort_close(cohort=graded.cohort, by=trainer)
    assert not again.closed_now
    assert Cohort.objects.get(pk=cohort.pk).closed_at == cohort.closed_at
    # nothing more is taken
    p = graded.people
    with pytest.raises(ValidationError):
        score(graded, graded.sessions[0], trainer, 1, 1)
    with pytest.raises(ValidationError):
        peer_rating_save(session=graded.sessions[0], user=p["citra"].user, rating=1)
    with pytest.raises(ValidationError):
        grade_override_create(
            participant=p["budi"], component="posttest", new_value="99", reason="x", by=trainer
        )
    # the gradebook now shows the frozen values, even if attendance rows change later
    attend(graded.sessions[1], p["dodi"])
    assert by_name(gradebook_rows(cohort))["Dodi"].outcome == "absent"


def test_the_gradebook_takes_the_same_number_of_queries_for_any_cohort_size(
    graded, trainer, panel_member, make_employee
):
    play(graded, trainer, panel_member)
    cohort = Cohort.objects.get(pk=graded.cohort.pk)
    with CaptureQueriesContext(connection) as small:
        gradebook_rows(cohort)
    from tests.program_factories import add_participant

    for i in range(15):
        person = add_participant(cohort, make_employee("32.04").user, team=graded.teams[i % 2])
        attend(graded.sessions[i % 2], person)
        finish_attempt(person.user, graded.quiz, 60 + i)
        grade_override_create(
            participant=person, component="attendance", new_value="90", reason="r", by=trainer
        )
    with CaptureQueriesContext(connection) as large:
        rows = gradebook_rows(cohort)
    assert len(rows) == 19
    assert len(large.captured_queries) == len(small.captured_queries) <= 12


def test_a_presentation_is_scored_after_it_started_and_not_by_its_own_team(graded, trainer):
    from program.models import Participant
    from tests.program_factories import make_session

    c1, c2 = graded.criteria
    levels = {c1.pk: level(c1, 3), c2.pk: level(c2, 3)}
    upcoming = make_session(
        graded.cohort, "Nanti", starts_in_minutes=60, presenting_team=graded.teams[0]
    )
    with pytest.raises(ValidationError, match="setelah sesinya dimulai"):
        presentation_score_save(session=upcoming, assessor=trainer, levels=levels)
    # a trainer who is also a member of the presenting team
    Participant.objects.create(
        cohort=graded.cohort, user=trainer, source="invitation", team=graded.teams[0]
    )
    with pytest.raises(ValidationError, match="tim penyaji"):
        presentation_score_save(session=graded.sessions[0], assessor=trainer, levels=levels)
