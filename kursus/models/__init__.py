from .pages import CourseCategory, CourseIndexPage, CoursePage, LessonPage, ModulePage
from .progress import Enrollment, JPCredit, LessonProgress, MandatoryAssignment
from .quiz import (
    AttemptQuestion,
    Question,
    QuestionCategory,
    QuestionOption,
    QuestionTag,
    QuizAttempt,
    QuizPage,
    QuizSlot,
)

__all__ = [
    "AttemptQuestion",
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
    "QuestionTag",
    "QuizAttempt",
    "QuizPage",
    "QuizSlot",
]
