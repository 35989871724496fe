"""Reads of the course tree and of learners' progress. Each returns in a fixed number of
queries, whatever the size of the course or the number of learners."""

from collections.abc import Collection
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from lms.core.cache import learner_stamp_key, stamped_get, stamps_replace

from .kuis.results import quiz_grades
from .kuis.selectors import quiz_question_count
from .kuis.standing import quiz_standing
from .models import (
    CoursePage,
    Enrollment,
    JPCredit,
    LessonPage,
    LessonProgress,
    ModulePage,
    QuizAttempt,
    QuizPage,
)
from .progress import CourseProgress, course_progress


@dataclass
class LessonItem:
    id: int
    title: str
    url: str
    duration_minutes: int
    module_id: int
    done: bool = False
    locked: bool = False


@dataclass
class QuizItem:
    id: int
    title: str
    url: str
    kind: str
    required: bool
    pass_mark: int
    grading: str
    module_id: int | None
    grade: object = None  # the learner's grade in percent, filled by the views that show it

    @property
    def passed(self) -> bool:
        return self.grade is not None and self.grade >= self.pass_mark


@dataclass
class ModuleItem:
    id: int
    title: str
    summary: str
    lessons: list[LessonItem] = field(default_factory=list)
    quizzes: list[QuizItem] = field(default_factory=list)

    @property
    def percent(self) -> int:
        if not self.lessons:
            return 0
        return round(100 * sum(item.done for item in self.lessons) / len(self.lessons))

    @property
    def duration_minutes(self) -> int:
        return sum(item.duration_minutes for item in self.lessons)


@dataclass
class CourseOutline:
    modules: list[ModuleItem]
    lessons: list[LessonItem]
    quizzes: list[QuizItem] = field(default_factory=list)  # every live quiz, in tree order
    sequential: bool = True
    progress: CourseProgress | None = None  # set by progress_set

    def progress_set(self, done_ids: Collection[int]) -> "CourseOutline":
        """Give the lessons the learner's progress (`course_progress` of `done_ids`): which
        are done, which are locked. Returns the outline."""
        self.progress = course_progress(
            lesson_ids=[item.id for item in self.lessons],
            done_ids=done_ids,
            sequential=self.sequential,
        )
        done_ids = set(done_ids)
        for item in self.lessons:
            item.done = item.id in done_ids
            item.locked = item.id in self.progress.locked_ids
        return self

    @property
    def course_quizzes(self) -> list[QuizItem]:
        return [quiz for quiz in self.quizzes if quiz.module_id is None]

    @property
    def pretests(self) -> list[QuizItem]:
        return [q for q in self.course_quizzes if q.kind == QuizPage.Kind.PRETEST]

    @property
    def final_quizzes(self) -> list[QuizItem]:
        return [q for q in self.course_quizzes if q.kind != QuizPage.Kind.PRETEST]

    def quiz(self, quiz_id: int) -> QuizItem | None:
        return next((q for q in self.quizzes if q.id == quiz_id), None)

    def lesson(self, lesson_id: int) -> LessonItem | None:
        return next((item for item in self.lessons if item.id == lesson_id), None)

    @property
    def total(self) -> int:
        return self.progress.total

    @property
    def done(self) -> int:
        return self.progress.done

    @property
    def percent(self) -> int:
        return self.progress.percent

    @property
    def next_lesson(self) -> LessonItem | None:
        return self.lesson(self.progress.next_lesson_id) if self.progress.next_lesson_id else None

    def neighbours(self, lesson_id: int) -> tuple[LessonItem | None, LessonItem | None]:
        ids = [item.id for item in self.lessons]
        i = ids.index(lesson_id)
        before = self.lessons[i - 1] if i > 0 else None
        after = self.lessons[i + 1] if i + 1 < len(self.lessons) else None
        return before, after


def courses_open_to_learners():
    """The courses learners can take: live, with at least one live lesson. What the
    catalogue lists, what enrolment and mandatory assignments accept and what the dashboard
    suggests, so that nobody is enrolled into an empty course."""
    live_lessons = LessonPage.objects.live().filter(path__startswith=OuterRef("path"))
    with_lesson = CoursePage.objects.filter(Exists(live_lessons)).values("id")
    # By `id` (a search filter field), so that the catalogue's search keeps the filter.
    return CoursePage.objects.live().filter(id__in=with_lesson)


def _relative_url(url_path: str, root_url_path: str) -> str:
    return "/" + url_path[len(root_url_path) :]


OUTLINE_CACHE_SECONDS = 300


def _structure_version_key(course_id: int) -> str:
    return f"lms:outline-version:{course_id}"


def course_structure_changed(course_id: int) -> None:
    """Called when a page of the course is published, unpublished, moved or deleted."""
    stamps_replace([_structure_version_key(course_id)])


def _course_structure_rows(course: CoursePage) -> tuple[list[dict], list[dict], list[dict]]:
    modules = list(
        ModulePage.objects.live()
        .child_of(course)
        .order_by("path")
        .values("id", "title", "summary", "path")
    )
    lessons = list(
        LessonPage.objects.live()
        .descendant_of(course)
        .order_by("path")
        .values("id", "title", "url_path", "duration_minutes", "path")
    )
    quizzes = list(
        QuizPage.objects.live()
        .descendant_of(course)
        .order_by("path")
        .values(
            "id",
            "title",
            "url_path",
            "path",
            "kind",
            "required_for_completion",
            "pass_mark",
            "grading",
        )
    )
    return modules, lessons, quizzes


def _course_structure(course: CoursePage) -> tuple[list[dict], list[dict], list[dict]]:
    """The live modules, lessons and quizzes of a course as plain rows, in tree order. The same
    for every learner, so kept in the cache until the course's pages change."""
    return stamped_get(
        [_structure_version_key(course.pk)],
        f"lms:outline:{course.pk}",
        lambda: _course_structure_rows(course),
        OUTLINE_CACHE_SECONDS,
    )


def course_quiz_rows(course: CoursePage) -> list[dict]:
    """The course's live quizzes as plain rows (id, title, kind, grading, pass mark, ...), in
    tree order, from the cached structure: no query while the course is unchanged."""
    return _course_structure(course)[2]


def course_outline(
    *, course: CoursePage, user=None, root_url_path: str | None = None, done_ids=None
) -> CourseOutline:
    """Modules, live lessons and quizzes of `course` in tree order, with `user`'s progress and,
    for courses that unlock in order, which lessons are still locked. The structure comes from
    the cache; the learner's progress is one query, none when the caller passes the ids of
    the lessons they have done (`learner_course_state`)."""
    if root_url_path is None:
        site = course.get_site()
        root_url_path = site.root_page.url_path if site else "/"
    module_rows, lesson_rows, quiz_rows = _course_structure(course)
    module_path_len = len(course.path) + ModulePage.steplen
    modules_by_path = {
        row["path"]: ModuleItem(id=row["id"], title=row["title"], summary=row["summary"])
        for row in module_rows
    }
    if done_ids is not None:
        done_ids = set(done_ids)
    elif user is not None and user.is_authenticated:
        done_ids = set(
            LessonProgress.objects.filter(user=user, course=course).values_list(
                "lesson_id", flat=True
            )
        )
    else:
        done_ids = set()
    lessons: list[LessonItem] = []
    for row in lesson_rows:
        module = modules_by_path.get(row["path"][:module_path_len])
        if module is None:  # a lesson under an unpublished module is not part of the course
            continue
        item = LessonItem(
            id=row["id"],
            title=row["title"],
            url=_relative_url(row["url_path"], root_url_path),
            duration_minutes=row["duration_minutes"],
            module_id=module.id,
        )
        module.lessons.append(item)
        lessons.append(item)
    quizzes: list[QuizItem] = []
    for row in quiz_rows:
        module = None
        if len(row["path"]) > len(course.path) + QuizPage.steplen:
            module = modules_by_path.get(row["path"][:module_path_len])
            if module is None:
                continue
        item = QuizItem(
            id=row["id"],
            title=row["title"],
            url=_relative_url(row["url_path"], root_url_path),
            kind=row["kind"],
            required=row["required_for_completion"],
            pass_mark=row["pass_mark"],
            grading=row["grading"],
            module_id=module.id if module else None,
        )
        if module is not None:
            module.quizzes.append(item)
        quizzes.append(item)
    outline = CourseOutline(
        modules=list(modules_by_path.values()),
        lessons=lessons,
        quizzes=quizzes,
        sequential=course.sequential,
    )
    return outline.progress_set(done_ids)


def pretest_pending(*, user, outline: CourseOutline) -> QuizItem | None:
    """The course's pre-test that `user` must take before its lessons open: the first
    course-level pre-test they have not finished an attempt of (submitted, or closed when its
    time ran out) and can start now (or have open). One they cannot start holds nothing back,
    so that no learner is shut out of the lessons for good: not open yet, closed (or past
    their own deadline, `AttemptAllowance.closes_at`), no attempt left by `quiz_standing`, or
    without a question to draw. None when there is none: no query for a course without a
    pre-test, one when the learner has finished it."""
    pretests = outline.pretests
    if not pretests or not user.is_authenticated:
        return None
    attempts = list(
        QuizAttempt.objects.filter(user_id=user.pk, quiz_id__in=[q.id for q in pretests]).order_by(
            "number"
        )
    )
    finished = {
        a.quiz_id
        for a in attempts
        if a.status in (QuizAttempt.Status.SUBMITTED, QuizAttempt.Status.EXPIRED)
    }
    waiting = [q for q in pretests if q.id not in finished]
    if not waiting:
        return None
    quizzes = QuizPage.objects.in_bulk([q.id for q in waiting])
    now = timezone.now()
    for item in waiting:
        quiz = quizzes.get(item.id)
        if quiz is None or (quiz.opens_at and now < quiz.opens_at):
            continue
        standing = quiz_standing(
            user=user, quiz=quiz, attempts=[a for a in attempts if a.quiz_id == quiz.pk], now=now
        )
        if standing.has_open or (standing.can_start and quiz_question_count(quiz=quiz)):
            return item
    return None


def enrollment_get(*, user, course: CoursePage) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).first()


def enrollment_status(*, user, course: CoursePage) -> str | None:
    """The status of `user`'s enrolment in `course` (None when there is none): all a lesson
    view needs to know, without building the enrolment."""
    if not user.is_authenticated:
        return None
    return (
        Enrollment.objects.filter(user_id=user.pk, course_id=course.pk)
        .values_list("status", flat=True)
        .first()
    )


LEARNER_CACHE_SECONDS = 600


def learner_course_state(*, user, course: CoursePage) -> tuple[str | None, tuple[int, ...]]:
    """The status of `user`'s enrolment in `course` (None when there is none) and the ids of
    the lessons they have done: what the lesson page needs of the learner. From the cache
    while nothing of the learner's changed (every service that writes enrolments or progress
    replaces their stamp); two queries when not."""

    def build():
        status = enrollment_status(user=user, course=course)
        done = LessonProgress.objects.filter(user_id=user.pk, course_id=course.pk).values_list(
            "lesson_id", flat=True
        )
        return (status, tuple(sorted(done)))

    return stamped_get(
        [learner_stamp_key(user.pk)],
        f"lms:learner-course:{user.pk}:{course.pk}",
        build,
        LEARNER_CACHE_SECONDS,
    )


@dataclass
class DashboardCourse:
    """One of the learner's current or completed courses, as the dashboard lists it."""

    id: int
    status: str
    assignment_id: int | None
    due_date: object
    lessons_done: int
    progress_percent: int
    completed_at: object
    course_id: int
    course_title: str
    course_code: str
    course_jp: int
    course_path: str
    course_url: str
    category_name: str
    next_lesson_url: str
    quiz_results: list = field(default_factory=list)
    overdue: bool = False


def dashboard_courses(*, user, root_url_path: str) -> list[DashboardCourse]:
    """The learner's enrolments that are not withdrawn, with what their cards show, as plain
    rows: mandatory and due first. One query; no page objects are built."""
    rows = (
        Enrollment.objects.filter(user_id=user.pk)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .order_by("status", "due_date", "-enrolled_at")
        .values(
            "id",
            "status",
            "assignment_id",
            "due_date",
            "lessons_done",
            "progress_percent",
            "completed_at",
            "course_id",
            course_title=F("course__title"),
            course_code=F("course__code"),
            course_jp=F("course__jp"),
            course_path=F("course__path"),
            course_url_path=F("course__url_path"),
            category_name=F("course__category__name"),
            next_lesson_url_path=F("next_lesson__url_path"),
        )
    )
    courses = []
    for row in rows:
        course_path = row.pop("course_url_path")
        next_path = row.pop("next_lesson_url_path")
        courses.append(
            DashboardCourse(
                **row,
                course_url=_relative_url(course_path, root_url_path),
                next_lesson_url=_relative_url(next_path, root_url_path) if next_path else "",
            )
        )
    return courses


def jp_year_summary(*, user, year: int) -> dict:
    """JP credited to `user` in `year`, with the courses and programmes that made it up (a
    programme as one line; its courses, counted in it, not again). One query."""
    credits = list(
        JPCredit.objects.counted()
        .filter(user=user, year=year)
        .select_related("course", "programme")
        .only(
            "id",
            "jp",
            "completed_at",
            "course__id",
            "course__title",
            "course__code",
            "programme__id",
            "programme__title",
        )
        .order_by("completed_at")
    )
    total = sum(c.jp for c in credits)
    target = settings.LMS_JP_TARGET_PER_YEAR
    return {
        "year": year,
        "total": total,
        "target": target,
        "percent": min(100, round(100 * total / target)) if target else 100,
        "met": total >= target,
        "remaining": max(0, target - total),
        "credits": credits,
    }


def outline_with_grades(outline: CourseOutline, *, user) -> CourseOutline:
    """Put `user`'s grade on each quiz of the outline. One query, none without quizzes."""
    if outline.quizzes and user.is_authenticated:
        grades = quiz_grades(user=user, quizzes=outline.quizzes)
        for quiz in outline.quizzes:
            quiz.grade = grades.get(quiz.id)
    return outline


@dataclass
class CourseSuggestion:
    """A catalogue course the dashboard suggests to a learner who has not taken it."""

    course_id: int
    course_title: str
    course_code: str
    course_jp: int
    category_name: str
    course_url: str


def course_suggestion_list(
    *, user, root_url_path: str, limit: int = 3, now=None
) -> list[CourseSuggestion]:
    """Live catalogue courses `user` has never enrolled in and may enrol in now (enrolment
    open, every published prerequisite completed): first the ones that follow on from
    courses they completed, then foundations (the courses most others require), then the
    newest. One query."""
    now = now or timezone.now()
    taken = Enrollment.objects.filter(user_id=user.pk).values("course_id")
    completed = Enrollment.objects.filter(
        user_id=user.pk, status=Enrollment.Status.COMPLETED
    ).values("course_id")
    rows = (
        courses_open_to_learners()
        .exclude(pk__in=taken)
        .exclude(enrollment_opens_at__gt=now)
        .exclude(enrollment_closes_at__lte=now)
        .annotate(
            missing=Count(
                "prerequisites",
                filter=Q(prerequisites__live=True) & ~Q(prerequisites__pk__in=completed),
                distinct=True,
            ),
            follows=Count(
                "prerequisites", filter=Q(prerequisites__pk__in=completed), distinct=True
            ),
            required_by_count=Count("required_by", distinct=True),
        )
        .filter(missing=0)
        .order_by("-follows", "-required_by_count", "-first_published_at", "code")
        .values(
            "url_path",
            course_id=F("pk"),
            course_title=F("title"),
            course_code=F("code"),
            course_jp=F("jp"),
            category_name=F("category__name"),
        )[:limit]
    )
    suggestions = []
    for row in rows:
        url = _relative_url(row.pop("url_path"), root_url_path)
        suggestions.append(CourseSuggestion(**row, course_url=url))
    return suggestions
