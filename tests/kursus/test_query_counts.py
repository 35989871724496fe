"""Pages issue a number of queries that does not grow with courses, modules, lessons or
enrolments: each page is measured on a small and a larger data set, and the counts must be
equal and within the stated bound."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kursus.models import LessonPage
from kursus.services import enrollment_create, lesson_complete
from lms.core.cache import learners_changed
from lms.core.page_cache import live_page_by_id

from ..factories import course_lessons, lesson_opened_ago, make_course

pytestmark = pytest.mark.django_db

# The site, the session, the signed-in user with their roles, the page a URL names (with its
# course) and each course's outline come from the cache; what is left is the learner's own
# rows and the listings. The lesson page's progress and the dashboard are cached per learner
# too: these are the counts when the learner's data has just changed (WARM: when it has not).
# The dashboard: enrolments, quiz results, JP, certificates and the catalogue courses it suggests;
# and, on every request (outside its cache, as what is due next follows the clock), one query
# for each section another app adds (program's "Angkatan saya").
# A lesson not yet done reads one row more, always: when the learner first opened it (the
# lesson-done rule's clock), recorded by the first visit.
BOUNDS = {"lesson": 3, "course": 5, "catalogue": 3, "dashboard": 6}
WARM = {"lesson": 1, "course": 5, "catalogue": 3, "dashboard": 1}


def count(client, learner, url: str, *, warm: bool = False) -> int:
    client.get(url)  # warm per-process caches (site root, content types)
    if not warm:
        learners_changed([learner.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def grow(learner, n: int) -> None:
    for i in range(n):
        course = make_course(f"GRW-{i:02d}", modules=(3, 3))
        enrollment_create(user=learner, course=course)
        lesson_complete(user=learner, lesson=course_lessons(course)[0])


@pytest.fixture
def measured(client, learner):
    course = make_course("MSR-01", modules=(2, 1))
    lessons = course_lessons(course)
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=lessons[0])
    client.force_login(learner)
    urls = {
        "lesson": lessons[1].url,
        "course": course.url,
        "catalogue": "/kursus/",
        "dashboard": "/dasbor/",
    }
    return urls


@pytest.mark.parametrize("page", list(BOUNDS))
def test_page_queries_do_not_grow_with_data(client, learner, measured, page):
    small = count(client, learner, measured[page])
    small_warm = count(client, learner, measured[page], warm=True)
    grow(learner, 4)
    large = count(client, learner, measured[page])
    large_warm = count(client, learner, measured[page], warm=True)

    assert large == small == BOUNDS[page]
    assert large_warm == small_warm == WARM[page]


# A mark that completes nothing, on every database: the enrolment locked, the lessons done
# read, the progress row inserted and the enrolment's figures updated, in one transaction (a
# savepoint here: two statements more), after the lesson-done rule read when the learner
# opened the lesson. The lesson and its course come from the page cache.
def mark_done_queries() -> int:
    return 7


def test_mark_done_queries_do_not_grow_with_data(client, learner):
    course = make_course("MSR-02", modules=(3, 3))
    lessons = course_lessons(course)
    enrollment_create(user=learner, course=course)
    for lesson in lessons[:3]:
        lesson_opened_ago(learner, lesson)
    client.force_login(learner)
    url = "/belajar/materi/{}/selesai/"
    client.post(url.format(lessons[0].pk))  # warm the caches

    def post(lesson) -> int:
        live_page_by_id(LessonPage, lesson.pk)  # cached, as by the learners before this one
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url.format(lesson.pk))
        assert response.status_code == 302
        return len(queries)

    small = post(lessons[1])
    grow(learner, 4)
    large = post(lessons[2])

    assert large == small == mark_done_queries()


def test_mark_done_updates_one_indexed_column_only():
    """The progress columns that "mark done" writes are in no index; its time of change
    (updated_at) is, in one index only, which the API's "changed since" needs; and neither
    table carries an index that another one already covers (each costs every insert)."""
    from kursus.models import Enrollment, LessonProgress

    written = {"lessons_done", "progress_percent", "next_lesson_id", "last_activity_at"}
    with connection.cursor() as cursor:
        enrollment = connection.introspection.get_constraints(cursor, Enrollment._meta.db_table)
        progress = connection.introspection.get_constraints(cursor, LessonProgress._meta.db_table)
    for name, info in enrollment.items():
        if info["index"] or info["unique"]:
            assert not written & set(info["columns"]), name
    with_updated_at = [
        name
        for name, info in enrollment.items()
        if (info["index"] or info["unique"]) and "updated_at" in info["columns"]
    ]
    assert with_updated_at == ["kursus_enrol_updated"]
    single = [tuple(i["columns"]) for i in enrollment.values() if i["index"] or i["unique"]]
    assert ("user_id",) not in single and ("course_id",) not in single
    single = [tuple(i["columns"]) for i in progress.values() if i["index"] or i["unique"]]
    assert ("user_id",) not in single
