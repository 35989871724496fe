from .pages import CourseCategory, CourseIndexPage, CoursePage, LessonPage, ModulePage
from .progress import Enrollment, JPCredit, LessonProgress, MandatoryAssignment

__all__ = [
    "CourseCategory",
    "CourseIndexPage",
    "CoursePage",
    "Enrollment",
    "JPCredit",
    "LessonPage",
    "LessonProgress",
    "MandatoryAssignment",
    "ModulePage",
]
