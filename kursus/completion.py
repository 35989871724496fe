"""The completion rule of a course, and the score a completed course reports.

A course is complete for a learner when every requirement that `course_requirements` names
is met. Each kind of requirement is a block of that one function, in the order a learner
meets them; a new kind (a questionnaire, attendance, a weighted grade) is a new block there.
"""

from dataclasses import dataclass
from decimal import Decimal

from kuesioner.selectors import questionnaire_answered_by

from .kuis.results import QuizRef, quiz_grades
from .models import CoursePage, QuizPage
from .selectors import CourseOutline, course_outline, course_quiz_rows


@dataclass(frozen=True)
class Requirement:
    """One thing a learner must have done: `kind` ("lessons", "quiz", "questionnaire"), what
    it is about (`ref`: a quiz's or questionnaire's id, None for the lessons), and whether it
    is met."""

    kind: str
    ref: int | None
    met: bool


def course_requirements(
    *, user, course: CoursePage, outline: CourseOutline | None = None, stop_at_unmet=False
) -> list[Requirement]:
    """Every requirement of `course` for `user`, in order, each with whether it is met:
    1. every live lesson done (a course without a live lesson cannot be completed);
    2. every required quiz passed (its grade, by the quiz's grading rule, at its pass mark; a
       required pre-test, taken);
    3. the course's evaluation questionnaire, when it has one, answered (context
       `course_questionnaire_context(course)`).
    `outline`: the course's outline with the learner's progress, when the caller holds it
    (read under the lock of their enrolment); else it is read. With `stop_at_unmet`, the list
    ends at the first requirement not met, so that what comes after is not read."""
    if outline is None:
        outline = course_outline(course=course, user=user, root_url_path="/")
    requirements = [
        Requirement(
            kind="lessons",
            ref=None,
            met=bool(outline.lessons) and all(item.done for item in outline.lessons),
        )
    ]
    if stop_at_unmet and not requirements[-1].met:
        return requirements
    required = [quiz for quiz in outline.quizzes if quiz.required]
    grades = quiz_grades(user=user, quizzes=required) if required else {}
    for quiz in required:
        grade = grades.get(quiz.id)
        requirements.append(
            Requirement(
                kind="quiz",
                ref=quiz.id,
                # A pre-test has no pass or fail: taking it is what it asks.
                met=grade is not None
                and (quiz.kind == QuizPage.Kind.PRETEST or grade >= quiz.pass_mark),
            )
        )
        if stop_at_unmet and not requirements[-1].met:
            return requirements
    if course.questionnaire_id:
        requirements.append(
            Requirement(
                kind="questionnaire",
                ref=course.questionnaire_id,
                met=questionnaire_answered_by(
                    user_id=user.pk,
                    questionnaire_id=course.questionnaire_id,
                    context=course_questionnaire_context(course),
                ),
            )
        )
    return requirements


def course_questionnaire_context(course) -> str:
    """The context a course's evaluation questionnaire is answered for."""
    return f"kursus.course:{course.pk}"


def course_is_completed_by(*, user, course: CoursePage, outline=None) -> bool:
    """Whether every requirement of `course` is met for `user` (see `course_requirements`)."""
    return all(
        requirement.met
        for requirement in course_requirements(
            user=user, course=course, outline=outline, stop_at_unmet=True
        )
    )


def course_final_score(*, user, course: CoursePage) -> Decimal | None:
    """The score a course reports as its result (on certificates, in reports): the learner's
    grade on the course's post-test in percent, or None when it has none."""
    posttest = next(
        (row for row in course_quiz_rows(course) if row["kind"] == QuizPage.Kind.POSTTEST), None
    )
    if posttest is None:
        return None
    quiz = QuizRef(id=posttest["id"], grading=posttest["grading"])
    return quiz_grades(user=user, quizzes=[quiz]).get(quiz.id)
