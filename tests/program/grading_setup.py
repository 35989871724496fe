"""A graded cohort for the grading tests: a programme with a post-test and a two-criterion
rubric (60 % and 40 %, levels 1-4), two presenting teams, four participants, two sessions
already held."""

from dataclasses import dataclass
from decimal import Decimal

from tests.factories import make_course, make_quiz
from tests.program_factories import add_participant, make_cohort, make_programme, make_session


@dataclass
class Graded:
    programme: object
    cohort: object
    quiz: object
    teams: list
    people: dict  # name -> Participant
    sessions: list
    criteria: list


def add_rubric(programme, weights=(60, 40)):
    from program.models import RubricCriterion, RubricLevel

    criteria = []
    for i, weight in enumerate(weights):
        criterion = RubricCriterion(
            programme=programme, title=f"Kriteria {i + 1}", weight=Decimal(weight), order=i
        )
        for score in range(1, 5):
            criterion.levels.add(RubricLevel(score=score, label=f"Tingkat {score}"))
        criterion.save()
        criteria.append(criterion)
    return criteria


def level(criterion, score):
    return criterion.levels.get(score=score).pk


def finish_attempt(user, quiz, percent, number=1):
    from django.utils import timezone

    from kursus.models import QuizAttempt

    return QuizAttempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        status=QuizAttempt.Status.SUBMITTED,
        finished_at=timezone.now(),
        score=Decimal(percent),
        max_score=Decimal(100),
        percent=Decimal(percent),
    )


def attend(session, participant, status="present"):
    from program.models import Attendance

    return Attendance.objects.create(
        session=session, participant=participant, status=status, source="manual"
    )


def build(make_employee, code="GRD-01") -> Graded:
    from program.models import PresentingTeam

    course = make_course(f"{code}-K")
    quiz = make_quiz(course, kind="posttest", grading="highest")
    programme = make_programme(code, posttest=quiz)
    criteria = add_rubric(programme)
    cohort = make_cohort(programme)
    teams = [
        PresentingTeam.objects.create(cohort=cohort, name="Tim Sumut"),
        PresentingTeam.objects.create(cohort=cohort, name="Tim Bali"),
    ]
    people = {
        "ani": add_participant(cohort, make_employee("32.04", full_name="Ani").user, team=teams[0]),
        "budi": add_participant(
            cohort, make_employee("32.04", full_name="Budi").user, team=teams[0]
        ),
        "citra": add_participant(
            cohort, make_employee("32", full_name="Citra").user, team=teams[1]
        ),
        "dodi": add_participant(cohort, make_employee("32", full_name="Dodi").user),
    }
    sessions = [
        make_session(cohort, "Sesi 1", starts_in_minutes=-3000, presenting_team=teams[0]),
        make_session(cohort, "Sesi 2", starts_in_minutes=-1500, presenting_team=teams[1]),
    ]
    return Graded(programme, cohort, quiz, teams, people, sessions, criteria)
