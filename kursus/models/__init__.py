from .attempts import AttemptAllowance, AttemptOverride, AttemptRequest
from .pages import (
    CourseCategory,
    CourseIndexPage,
    CoursePage,
    LessonDoneRule,
    LessonPage,
    ModulePage,
)
from .progress import Enrollment, JPCredit, LessonProgress, LessonVisit, MandatoryAssignment
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
from .review import CourseReviewTask

__all__ = [
    "AttemptAllowance",
    "AttemptOverride",
    "AttemptQuestion",
    "AttemptRequest",
    "CourseCategory",
    "CourseIndexPage",
    "CoursePage",
    "CourseReviewTask",
    "Enrollment",
    "JPCredit",
    "LessonDoneRule",
    "LessonPage",
    "LessonProgress",
    "LessonVisit",
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
