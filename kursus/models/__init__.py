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
from .review import CourseReviewTask

__all__ = [
    "AttemptQuestion",
    "CourseCategory",
    "CourseIndexPage",
    "CoursePage",
    "CourseReviewTask",
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
