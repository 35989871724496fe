"""What the journeys share: the demo courses' answer keys and the quiz steps."""

import html
import json
import re
from functools import cache

from .live import ROOT

COURSES = ROOT / "fixtures" / "demo" / "courses"


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip()


@cache
def demo_course(slug_file: str) -> dict:
    return json.loads((COURSES / slug_file).read_text(encoding="utf-8"))


def quiz_key(slug_file: str, kind: str) -> list[dict]:
    """Each question of the demo quiz: its text, the right option's text, and a wrong one."""
    quiz = next(q for q in demo_course(slug_file)["quizzes"] if q["kind"] == kind)
    key = []
    for question in quiz["questions"]:
        options = question["options"]
        key.append(
            {
                "text": plain(question["text"]),
                "right": next(plain(o["text"]) for o in options if o["correct"]),
                "wrong": next(plain(o["text"]) for o in options if not o["correct"]),
            }
        )
    return key


def answer(page, question: dict, option_text: str) -> None:
    """Choose an option by its text (options are shuffled) and wait for the autosave."""
    fieldset = page.locator("fieldset.quiz-question", has_text=question["text"][:60])
    radio = fieldset.get_by_role("radio", name=option_text, exact=True)
    with page.expect_response(lambda r: r.url.endswith("/jawab/")) as reply:
        radio.check()
    assert reply.value.ok, reply.value.text()
    assert reply.value.json()["ok"]


def chosen(page, question: dict, option_text: str) -> bool:
    fieldset = page.locator("fieldset.quiz-question", has_text=question["text"][:60])
    return fieldset.get_by_role("radio", name=option_text, exact=True).is_checked()


def lesson_titles(slug_file: str) -> list[str]:
    return [
        lesson["title"]
        for module in demo_course(slug_file)["modules"]
        for lesson in module["lessons"]
    ]


def lessons_opened_ago(
    live_stack, email: str, course_code: str, *, minutes: int = 240, title: str = ""
) -> None:
    """Backdate, in the live site's database, the server's record of when `email` first
    opened the lessons of `course_code` (all, or the one titled `title`), creating the record
    where the lesson was not opened yet: as if the learner had spent `minutes` on each, so a
    journey need not wait out the minimum time. The refusal before it is a journey of its own
    (test_lesson_rules_journey.py)."""
    code = f"""
from datetime import timedelta
from django.utils import timezone
from kursus.models import CoursePage, LessonPage, LessonVisit
from lms.akun.models import User
user = User.objects.get(email={email!r})
lessons = LessonPage.objects.descendant_of(CoursePage.objects.get(code={course_code!r}))
if {title!r}:
    lessons = lessons.filter(title={title!r})
assert lessons, "no such lesson"
when = timezone.now() - timedelta(minutes={minutes})
for lesson in lessons:
    LessonVisit.objects.update_or_create(user=user, lesson=lesson, defaults={{"opened_at": when}})
"""
    live_stack.manage("shell", "-c", code)
