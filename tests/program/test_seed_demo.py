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
