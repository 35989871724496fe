import pytest
from django.core.management import call_command

from lms.akun.models import User
from lms.organisasi.models import Employee, OrgUnit

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (OrgUnit.objects.count(), User.objects.count(), Employee.objects.count())
    call_command("seed_demo")

    assert (OrgUnit.objects.count(), User.objects.count(), Employee.objects.count()) == counts
    assert counts[0] == 553
    out = capsys.readouterr().out
    assert "Demo-LMS-2026" in out
    supervisor = User.objects.get(email="supervisor.jabar@lms-bawaslu.test")
    assert supervisor.employee.unit.code == "32"
    assert supervisor.check_password("Demo-LMS-2026")
    # The demo programme, seeded once too (seed_demo is slow: one test checks both).
    assert_demo_programme()


def test_the_demo_courses_carry_their_lesson_done_rules():
    from kursus.models import CoursePage, LessonDoneRule, LessonPage

    call_command("seed_demo")

    rules = dict(CoursePage.objects.values_list("code", "lesson_done_rule"))
    assert rules == {
        "ORI-01": LessonDoneRule.SCROLL,
        "IKP-01": LessonDoneRule.MIN_TIME,
        "IKP-02": LessonDoneRule.MIN_TIME,
        "BT-01": LessonDoneRule.MIN_TIME,
        "BT-02": LessonDoneRule.CHECK,
        "BM-00": LessonDoneRule.SCROLL,
    }
    assert CoursePage.objects.get(code="IKP-01").lesson_min_time_percent == 50
    bt02 = LessonPage.objects.descendant_of(CoursePage.objects.get(code="BT-02"))
    assert bt02.count() == 7
    for lesson in bt02:
        assert lesson.has_check_question, lesson.title
        lesson.full_clean()  # each question is one an editor could have saved


def assert_demo_programme():
    """The demo programme runs over the demo courses, with its teams and sessions."""
    from program.models import Cohort, ProgrammePage

    programme = ProgrammePage.objects.get(code="BM-2026")
    assert programme.live
    clusters = list(programme.clusters.order_by("sort_order"))
    assert len(clusters) == 4
    codes = {place.course.code for cluster in clusters for place in cluster.courses.all()}
    assert codes == {"ORI-01", "IKP-01", "IKP-02", "BT-01", "BT-02", "BM-00"}
    assert programme.posttest.kind == "posttest"
    # its certificate speaks of a programme and its cohort, not of a course
    assert "lulus program" in programme.certificate_template.body_text
    assert "{angkatan}" in programme.certificate_template.body_text
    assert programme.posttest.get_parent().specific.code == "BM-00"
    cohort = Cohort.objects.get(programme=programme)
    assert str(cohort) == "Bawaslu Membelajarkan - Angkatan I"
    assert cohort.participants.count() == 36
    assert sorted(s.venue.rsplit(", ", 1)[-1] for s in cohort.sessions.all()) == [
        "Denpasar",
        "Manado",
        "Medan",
    ]
    # every participant is in the team of their own province
    for participant in cohort.participants.select_related("unit", "team__unit"):
        unit = participant.unit
        province = unit if unit.level == "provinsi" else unit.get_parent()
        assert participant.team.unit == province
    assert_demo_cohort_at_work(cohort)


def assert_demo_cohort_at_work(cohort):
    """The open demo cohort has something real to grade: scores, ratings, attendance of
    every kind, and the three outcomes; the journey's learner is on course to pass."""
    from collections import Counter

    from kuesioner.models import Respondent
    from program.models import Attendance, AttendanceChange, PeerRating, PresentationScore
    from program.selectors.grading import gradebook_rows

    assert cohort.status == "open"
    assert cohort.assessors.filter(user__email="pengajar2@lms-bawaslu.test").exists()
    assert cohort.programme.rubric_criteria.count() == 4
    assert PresentationScore.objects.filter(session__cohort=cohort).count() == 4
    assert PeerRating.objects.filter(session__cohort=cohort).exists()
    sources = set(
        Attendance.objects.filter(session__cohort=cohort).values_list("source", flat=True)
    )
    assert sources == {"qr", "code", "report", "manual"}
    statuses = set(
        Attendance.objects.filter(session__cohort=cohort).values_list("status", flat=True)
    )
    assert statuses == {"present", "late", "excused", "absent"}
    assert AttendanceChange.objects.filter(session__cohort=cohort).exclude(reason="").exists()
    assert cohort.followup_questionnaire is not None
    assert Respondent.objects.filter(context=f"program.cohort:{cohort.pk}").count() >= 10

    rows = gradebook_rows(cohort)
    assert len(rows) == 36
    outcomes = Counter(row.outcome for row in rows)
    assert outcomes["passed"] > 18 and outcomes["failed"] >= 5 and outcomes["absent"] >= 3, outcomes
    andi = next(
        r
        for r in rows
        if r.participant_id
        == cohort.participants.get(user__email="andi.saragih@lms-bawaslu.test").pk
    )
    assert andi.outcome == "passed" and andi.posttest >= 60
    from lms.akun.models import User
    from program.selectors.curriculum import programme_progress

    learner = User.objects.get(email="andi.saragih@lms-bawaslu.test")
    assert programme_progress(user=learner, programme=cohort.programme).curriculum_complete
