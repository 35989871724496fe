"""The programme's parts wired together: closing a cohort issues the JP and certificates of
those who passed and answered the questionnaire (a job after commit), and a participant who
answers the questionnaire after the close gets both then."""

import pytest
from django.urls import reverse

from kursus.models import JPCredit
from program.models import Participant
from program.services import cohort_close, presentation_score_save
from sertifikat import jobs
from sertifikat.models import Certificate

from ..kuesioner.factories import make_questionnaire, post_data
from .grading_setup import attend, build, finish_attempt, level

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_render(monkeypatch):
    """Render messages recorded, not sent (the PDFs are not what is tested here)."""
    sent = []
    monkeypatch.setattr(jobs.task(jobs.RENDER), "delay", lambda *args, **kw: sent.append(args))
    return sent


@pytest.fixture
def graded(make_employee, trainer):
    """Ani and Budi (team 1) pass, Citra (team 2) fails the post-test, Dodi did nothing."""
    graded = build(make_employee)
    people = graded.people
    for session in graded.sessions:
        for name in ("ani", "budi", "citra"):
            attend(session, people[name])
    for session in graded.sessions:
        presentation_score_save(
            session=session, assessor=trainer, levels={c.pk: level(c, 4) for c in graded.criteria}
        )
    finish_attempt(people["ani"].user, graded.quiz, 90)
    finish_attempt(people["budi"].user, graded.quiz, 75)
    finish_attempt(people["citra"].user, graded.quiz, 10)
    return graded


def test_closing_a_cohort_issues_the_certificates_and_jp_of_those_who_passed(
    graded, trainer, no_render, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = cohort_close(cohort=graded.cohort, by=trainer)

    # then
    people = {k: Participant.objects.get(pk=p.pk) for k, p in graded.people.items()}
    assert [people[k].outcome for k in ("ani", "budi", "citra", "dodi")] == [
        "passed",
        "passed",
        "failed",
        "absent",
    ]
    assert result.passed == 2
    certified = set(Certificate.objects.values_list("user_id", flat=True))
    assert certified == {people["ani"].user_id, people["budi"].user_id}
    assert (
        set(JPCredit.objects.filter(programme=graded.programme).values_list("user_id", flat=True))
        == certified
    )
    assert len(no_render) == 2  # the PDFs are asked for once each

    # closing again (a double click) issues nothing more
    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=graded.cohort, by=trainer)
    assert Certificate.objects.count() == 2


def test_a_passed_participant_who_answers_after_the_close_gets_the_certificate_then(
    graded, trainer, client, no_render, django_capture_on_commit_callbacks
):
    # given: the programme asks for its questionnaire; the cohort is closed
    graded.programme.questionnaire = make_questionnaire()
    graded.programme.save()
    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=graded.cohort, by=trainer)
    ani = graded.people["ani"]
    # nobody answered yet: no certificate, and no JP either (it comes with the certificate)
    assert not Certificate.objects.exists()
    assert not JPCredit.objects.filter(programme=graded.programme).exists()

    # when: Ani answers it (twice: a double click)
    client.force_login(ani.user)
    url = reverse("kuesioner:answer", args=[f"program.cohort:{graded.cohort.pk}"])
    data = post_data(graded.programme.questionnaire)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
        client.post(url, data)

    # then: her certificate and the programme's JP, once each; Budi, who has not answered,
    # has neither; Citra, who failed, answering gets none
    assert list(Certificate.objects.values_list("user_id", flat=True)) == [ani.user_id]
    assert list(
        JPCredit.objects.filter(programme=graded.programme).values_list("user_id", flat=True)
    ) == [ani.user_id]
    client.force_login(graded.people["citra"].user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    assert Certificate.objects.count() == 1
    assert JPCredit.objects.filter(programme=graded.programme).count() == 1


def test_passing_asks_for_the_curriculum_completed(graded, trainer, make_employee):
    """The certificate comes only after the curriculum's courses (DOMAIN: all modules, the
    post-test, the questionnaire): a good grade without them is "Mengikuti, tidak lulus"."""
    from kursus.models import Enrollment
    from program.models import ProgrammeCluster, ProgrammeCourse
    from program.selectors.grading import gradebook_rows

    from ..factories import make_course

    # given: a curriculum of one required course and two electives, one of which is needed
    required, elective_a, elective_b = (
        make_course("KUR-01"),
        make_course("KUR-02"),
        make_course("KUR-03"),
    )
    cluster = ProgrammeCluster.objects.create(
        programme=graded.programme, title="Klaster", min_electives=1, sort_order=0
    )
    for order, (course, is_required) in enumerate(
        [(required, True), (elective_a, False), (elective_b, False)]
    ):
        ProgrammeCourse.objects.create(
            cluster=cluster, course=course, required=is_required, sort_order=order
        )
    ani, budi = graded.people["ani"], graded.people["budi"]
    for user, courses in ((ani.user, [required, elective_b]), (budi.user, [required])):
        for course in courses:
            Enrollment.objects.create(user=user, course=course, status="completed")

    # when
    rows = {row.participant_id: row for row in gradebook_rows(graded.cohort)}

    # then: Ani has the required course and one elective; Budi lacks the elective
    assert rows[ani.pk].outcome == "passed" and rows[ani.pk].curriculum_complete
    assert rows[budi.pk].outcome == "failed" and not rows[budi.pk].curriculum_complete
    assert rows[budi.pk].final >= graded.programme.pass_mark
