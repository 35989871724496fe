"""Demo courses for `manage.py seed_demo`: the courses in fixtures/demo/courses/ (the five
demo courses, and BM-00, which holds the demo programme's introduction and post-test)."""

import io
import json
from pathlib import Path

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model

from .models import (
    CourseCategory,
    CourseIndexPage,
    CoursePage,
    LessonDoneRule,
    LessonPage,
    ModulePage,
)

COURSES_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo" / "courses"
ORDER = ["ori-01", "ikp-01", "ikp-02", "bt-01", "bt-02", "bm-00"]
PALETTE = {
    "IKP": ((138, 28, 28), (201, 162, 39)),
    "Bimtek": ((31, 42, 68), (70, 110, 170)),
    "Data dan Informasi": ((20, 90, 80), (60, 160, 140)),
    "Orientasi": ((90, 50, 120), (170, 120, 190)),
}


def _body(blocks: list[dict]) -> list[dict]:
    """Our JSON blocks as StreamField raw data."""
    raw = []
    for block in blocks:
        kind, value = block["type"], block["value"]
        if kind == "table":
            value = {
                "data": [value["header"], *value["rows"]],
                "table_header_choice": "row",
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": value.get("caption", ""),
            }
        elif kind == "key_points":
            value = {"title": "Poin penting", "points": value}
        raw.append({"type": kind, "value": value})
    return raw


def _check_question(check: dict | None) -> dict:
    """A lesson's check question from our JSON: {"question", "options", "answer"} (the
    answer is the number of the right option, from 1)."""
    if not check:
        return {}
    return {
        "check_question": check["question"],
        "check_options": "\n".join(check["options"]),
        "check_answer": check["answer"],
    }


def _cover(code: str, title: str, category: str):
    """A generated cover: the category's colours, the course code and title."""
    start, end = PALETTE.get(category, PALETTE["Bimtek"])
    width, height = 1280, 720
    img = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    for x in range(width):
        t = x / width
        draw.line(
            [(x, 0), (x, height)],
            fill=tuple(int(start[i] + (end[i] - start[i]) * t) for i in range(3)),
        )
    draw.ellipse([880, -160, 1480, 440], outline=(255, 255, 255), width=6)
    draw.ellipse([980, -60, 1380, 340], outline=(255, 255, 255), width=3)
    big = ImageFont.load_default(size=120)
    small = ImageFont.load_default(size=44)
    draw.text((80, 300), code, font=big, fill="white")
    words, lines, line = title.split(), [], ""
    for word in words:
        if len(line) + len(word) > 40:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    for i, text in enumerate(lines[:3]):
        draw.text((80, 460 + i * 60), text, font=small, fill="white")
    buffer = io.BytesIO()
    img.save(buffer, "PNG", optimize=True)
    Image = get_image_model()
    return Image.objects.create(
        title=f"Sampul {code}",
        file=ImageFile(buffer, name=f"sampul-{code.lower()}.png"),
        description=f"Sampul kursus {code}: {title}",
    )


@transaction.atomic
def demo_courses_seed() -> list[str]:
    """Create the demo courses that do not exist yet (by code) and publish them."""
    index = CourseIndexPage.objects.get()
    created = []
    for name in ORDER:
        data = json.loads((COURSES_DIR / f"{name}.json").read_text(encoding="utf-8"))
        if CoursePage.objects.filter(code=data["code"]).exists():
            continue
        category = CourseCategory.objects.get(name=data["category"])
        minutes = sum(les["duration_minutes"] for m in data["modules"] for les in m["lessons"])
        course = CoursePage(
            title=data["title"],
            slug=data["slug"],
            code=data["code"],
            summary=data["summary"],
            objectives="<ul>"
            + "".join(f"<li>{escape(o)}</li>" for o in data["objectives"])
            + "</ul>",
            audience=data["audience"],
            category=category,
            jp=data["jp"],
            duration_minutes=minutes,
            sequential=data["sequential"],
            lesson_done_rule=data.get("lesson_done_rule", LessonDoneRule.MIN_TIME),
            lesson_min_time_percent=data.get("lesson_min_time_percent", 50),
            cover_image=_cover(data["code"], data["title"], data["category"]),
        )
        index.add_child(instance=course)
        course.prerequisites.set(CoursePage.objects.filter(code__in=data["prerequisites"]))
        course.save_revision().publish()
        for position, module_data in enumerate(data["modules"], start=1):
            module = ModulePage(
                title=module_data["title"],
                slug=f"modul-{position}",
                summary=module_data.get("summary", ""),
            )
            course.add_child(instance=module)
            module.save_revision().publish()
            for number, lesson_data in enumerate(module_data["lessons"], start=1):
                lesson = LessonPage(
                    title=lesson_data["title"],
                    slug=f"materi-{position}-{number}",
                    duration_minutes=lesson_data["duration_minutes"],
                    body=_body(lesson_data["body"]),
                    **_check_question(lesson_data.get("check")),
                )
                module.add_child(instance=lesson)
                lesson.save_revision().publish()
        created.append(data["code"])
    return created


QUIZ_SETTINGS = {
    # A pre-test measures the starting point: it never blocks, and it shows what was right
    # (knowingly: its questions are not the post-test's).
    "pretest": {
        "required_for_completion": False,
        "attempts_allowed": 1,
        "time_limit_minutes": 10,
        "review": "full",
        "review_reveal_confirmed": True,
    },
    # The post-test decides completion (and the certificate): 70 points, three tries, the
    # score only (its questions are fixed: right/wrong would give the next try its key);
    # after the third failed try the learner asks the trainer for another.
    "posttest": {
        "required_for_completion": True,
        "attempts_allowed": 3,
        "time_limit_minutes": 15,
        "review": "score",
        "after_last_attempt": "ask",
    },
}


def _demo_question(category, data: dict, number: int):
    from .models import Question, QuestionOption

    question = Question(
        category=category,
        kind=data["type"],
        title=f"{category.name} · {number}",
        text=data["text"],
        general_feedback=data.get("feedback", ""),
    )
    for i, option in enumerate(data["options"]):
        question.options.add(
            QuestionOption(
                text=f"<p>{escape(option['text'])}</p>",
                fraction=1 if option["correct"] else 0,
                feedback=f"<p>{escape(option['feedback'])}</p>" if option.get("feedback") else "",
                sort_order=i,
            )
        )
    question.save()
    question.save_revision()
    return question


@transaction.atomic
def demo_quizzes_seed() -> list[str]:
    """Give each demo course the quizzes of its fixture (once: a quiz is found by its slug)."""
    from .models import QuestionCategory, QuizPage, QuizSlot

    created = []
    for name in ORDER:
        data = json.loads((COURSES_DIR / f"{name}.json").read_text(encoding="utf-8"))
        course = CoursePage.objects.filter(code=data["code"]).first()
        if course is None:
            continue
        for quiz_data in data.get("quizzes", []):
            slug = quiz_data["kind"].replace("test", "-test")
            if QuizPage.objects.child_of(course).filter(slug=slug).exists():
                continue
            category, _ = QuestionCategory.objects.get_or_create(
                name=quiz_data["title"], defaults={"course": course}
            )
            questions = [
                _demo_question(category, q, n)
                for n, q in enumerate(quiz_data["questions"], start=1)
            ]
            quiz = QuizPage(
                title=quiz_data["title"],
                slug=slug,
                kind=quiz_data["kind"],
                pass_mark=quiz_data["pass_mark"],
                shuffle_questions=True,
                shuffle_options=True,
                **QUIZ_SETTINGS[quiz_data["kind"]],
            )
            for i, question in enumerate(questions):
                quiz.slots.add(QuizSlot(question=question, sort_order=i))
            course.add_child(instance=quiz)
            quiz.save_revision().publish()
            created.append(quiz_data["title"])
    return created
