from .attempts import AttemptAllowance, AttemptOverride, AttemptRequest
from .pages import CourseCategory, CourseIndexPage, CoursePage, LessonPage, ModulePage
from .progress import Enrollment, JPCredit, LessonProgress, MandatoryAssignment
from .quiz import (
    AttemptQuestion,
    Question,
    QuestionCategory,
    QuestionOption,
    QuizAttempt,
    QuizPage,
    QuizSlot,
)

__all__ = [
    "AttemptAllowance",
    "AttemptOverride",
    "AttemptQuestion",
    "AttemptRequest",
    "CourseCategory",
    "CourseIndexPage",
    "CoursePage",
    "Enrollment",
    "JPCredit",
    "LessonPage",
    "LessonProgress",
    "MandatoryAssignment",
    "ModulePage",
    "Question",
    "QuestionCategory",
    "QuestionOption",
    "QuizAttempt",
    "QuizPage",
    "QuizSlot",
]
