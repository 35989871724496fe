"""The Wagtail admin a trainer and a reviewer use reads in Indonesian: each screen below is
rendered and its visible text (text, and the placeholder, title and aria-label a screen reader
or a hover shows) is searched for Wagtail's English labels and for its jargon.

To cover another screen, add a `Screen` to SCREENS: who opens it and how its URL (and, for a
form sent with errors, its data) is built from the `world` fixture.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import querydict_from_html

from kursus.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
    QuestionCategory,
    QuizPage,
)
from kursus.services import course_review_decide, course_review_submit, enrollment_create
from sertifikat.models import CertificateTemplate

from .factories import make_course, make_question, make_quiz
from .kuesioner.factories import make_questionnaire

pytestmark = pytest.mark.django_db

# Labels of Wagtail's admin templates and forms, as they read untranslated. Matched as whole
# words and case-sensitively, so "Edit" does not match "Editor" nor "Status" an Indonesian word.
ENGLISH = [
    "Add child page",
    "Add subpage",
    "Add",
    "All",
    "Actions",
    "Apply",
    "Approve",
    "Cancel",
    "Choose",
    "Clear",
    "Close",
    "Comments",
    "Copy",
    "Created",
    "Dashboard",
    "Delete",
    "Draft",
    "Edit",
    "Filter",
    "Filters",
    "Help",
    "History",
    "In Moderation",
    "Live",
    "Locked",
    "Log out",
    "Move",
    "More options",
    "Next",
    "No results",
    "Pages",
    "Preview",
    "Previous",
    "Promote",
    "Publish",
    "Reject",
    "Reports",
    "Revisions",
    "Save",
    "Save draft",
    "Scheduled",
    "Search",
    "Select",
    "Settings",
    "Snippets",
    "Sort",
    "Submit",
    "Submit to",
    "Title",
    "Type",
    "Unpublish",
    "Updated",
    "View live",
    "Workflow",
    "Workflows",
    "Site history",
    "Aging pages",
    "Editor Guide",
    "Shortcuts",
    "What's new",
    "There is",
    "There are",
    "This field is required",
    "The page could not be saved",
    "True",
    "False",
    "None",
    "Yes",
    "No",
]
# Wagtail's Indonesian words a trainer would not understand.
JARGON = ["potongan", "Potongan", "cuplikan", "Cuplikan"]


class _VisibleText(HTMLParser):
    """Text a person can see or hear: not scripts, styles, templates, nor elements with the
    `hidden` attribute (and what is inside them), except tab panels, which Wagtail's script
    shows."""

    HIDDEN = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label"}
    # Scripts whose JSON holds labels that the page's script shows (the sidebar menu).
    JSON_PROPS = {"wagtail-sidebar-props"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, hides its content)
        self.script_id = ""

    @property
    def hiding(self) -> bool:
        return any(hides for _tag, hides in self.open)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.script_id = attributes.get("id") or ""
        hides = tag in self.HIDDEN or (
            "hidden" in attributes and attributes.get("role") != "tabpanel"
        )
        if not self.hiding and not hides:
            self.parts.extend(
                value for name, value in attrs if name in self.SHOWN_ATTRIBUTES and value
            )
        if tag not in self.VOID:
            self.open.append((tag, hides))

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        if self.open and self.open[-1][0] == "script" and self.json_labels:
            self.parts.extend(_labels(json.loads(data)))
        elif not self.hiding:
            self.parts.append(data)

    @property
    def json_labels(self) -> bool:
        return self.script_id in self.JSON_PROPS


def _labels(data) -> list[str]:
    """The "label" strings anywhere in a JSON document (Wagtail's menu items)."""
    if isinstance(data, dict):
        found = [data["label"]] if isinstance(data.get("label"), str) else []
        return found + [label for value in data.values() for label in _labels(value)]
    if isinstance(data, list):
        return [label for value in data for label in _labels(value)]
    return []


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def english_in(text: str) -> list[str]:
    found = [
        word
        for word in ENGLISH
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, flags=re.UNICODE)
    ]
    return found + [word for word in JARGON if word in text]


def test_the_scan_finds_english_and_jargon_and_ignores_tags_and_scripts():
    html = (
        '<button title="Simpan">Save draft</button><script>var Edit = "Publish";</script>'
        '<input placeholder="Search"><p>Editor Kategori potongan Status</p>'
        "<div hidden><span>Delete</span></div><p>Publish<br>Ubah</p>"
    )

    found = english_in(visible_text(html))

    assert set(found) == {"Save draft", "Save", "Search", "potongan", "Publish"}


@dataclass
class Screen:
    name: str
    user: str  # "trainer" or "reviewer"
    url: Callable[[dict], str]
    post: Callable[[dict], dict] | None = None  # a form sent with errors
    expect: set[int] = field(default_factory=lambda: {200})


def _page_form(page, **changes) -> dict:
    """The edit form of a page as the editor sends it, with `changes`."""
    data = {
        "title": page.title,
        "slug": page.slug,
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def _quiz_form(quiz, **changes) -> dict:
    data = _page_form(quiz, **changes)
    data.update(
        {
            "kind": quiz.kind,
            "pass_mark": "70",
            "attempts_allowed": "0",
            "grading": quiz.grading,
            "review": quiz.review,
            "slots-TOTAL_FORMS": "0",
            "slots-INITIAL_FORMS": "0",
            "slots-MIN_NUM_FORMS": "1",
            "slots-MAX_NUM_FORMS": "1000",
        }
    )
    return data


EMPTY_RICH_TEXT = '{"blocks": [], "entityMap": {}}'  # what the editor sends for an empty field


def _question_form(world) -> dict:
    return {
        "category": "",
        "kind": "single",
        "difficulty": "sedang",
        "title": "",
        "text": EMPTY_RICH_TEXT,
        "general_feedback": EMPTY_RICH_TEXT,
        "points": "1",
        "is_active": "on",
        "tags": "",
        "options-TOTAL_FORMS": "0",
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
    }


SNIPPETS = "wagtailsnippets_kursus_question"
CATEGORIES = "wagtailsnippets_kursus_questioncategory"

SCREENS = [
    Screen("dashboard", "trainer", lambda w: reverse("wagtailadmin_home")),
    Screen(
        "explorer: catalogue",
        "trainer",
        lambda w: reverse("wagtailadmin_explore", args=[w["index"].pk]),
    ),
    Screen(
        "explorer: course",
        "trainer",
        lambda w: reverse("wagtailadmin_explore", args=[w["course"].pk]),
    ),
    Screen("page search", "trainer", lambda w: reverse("wagtailadmin_pages:search") + "?q=Modul"),
    Screen(
        "question bank searched",
        "trainer",
        lambda w: reverse(f"{SNIPPETS}:list") + "?q=BHS",
    ),
    Screen(
        "add a page below a module",
        "trainer",
        lambda w: reverse("wagtailadmin_pages:add_subpage", args=[w["module"].pk]),
    ),
    Screen(
        "new lesson",
        "trainer",
        lambda w: reverse("wagtailadmin_pages:add", args=["kursus", "lessonpage", w["module"].pk]),
    ),
    *[
        Screen(
            f"edit {kind}",
            "trainer",
            lambda w, kind=kind: reverse("wagtailadmin_pages:edit", args=[w[kind].pk]),
        )
        for kind in ("course", "module", "lesson", "quiz")
    ],
    Screen(
        "page history",
        "trainer",
        lambda w: reverse("wagtailadmin_pages:history", args=[w["lesson"].pk]),
    ),
    Screen(
        "lesson saved with errors",
        "trainer",
        lambda w: reverse("wagtailadmin_pages:edit", args=[w["lesson"].pk]),
        post=lambda w: _page_form(
            w["lesson"], title="", duration_minutes="", **{"body-count": "0"}
        ),
    ),
    Screen(
        "quiz saved with errors",
        "trainer",
        lambda w: reverse("wagtailadmin_pages:edit", args=[w["quiz"].pk]),
        post=lambda w: _quiz_form(w["quiz"], title=""),
    ),
    Screen("question bank", "trainer", lambda w: reverse(f"{SNIPPETS}:list")),
    Screen("new question", "trainer", lambda w: reverse(f"{SNIPPETS}:add")),
    Screen(
        "edit question",
        "trainer",
        lambda w: reverse(f"{SNIPPETS}:edit", args=[w["question"].pk]),
    ),
    Screen(
        "question saved with errors",
        "trainer",
        lambda w: reverse(f"{SNIPPETS}:add"),
        post=_question_form,
    ),
    Screen(
        "question history",
        "trainer",
        lambda w: reverse(f"{SNIPPETS}:history", args=[w["question"].pk]),
    ),
    Screen(
        "question preview",
        "trainer",
        lambda w: reverse("kursus_bank:question_preview", args=[w["question"].pk]),
    ),
    Screen("question categories", "trainer", lambda w: reverse(f"{CATEGORIES}:list")),
    Screen(
        "edit category",
        "trainer",
        lambda w: reverse(f"{CATEGORIES}:edit", args=[w["category"].pk]),
    ),
    Screen(
        "question chooser",
        "trainer",
        lambda w: reverse("wagtailsnippetchoosers_kursus_question:choose"),
    ),
    Screen(
        "page chooser",
        "trainer",
        lambda w: reverse("wagtailadmin_choose_page_child", args=[w["course"].pk]),
    ),
    Screen("image chooser", "trainer", lambda w: reverse("wagtailimages_chooser:choose")),
    Screen("document chooser", "trainer", lambda w: reverse("wagtaildocs_chooser:choose")),
    Screen("question import", "trainer", lambda w: reverse("kursus_bank:import")),
    Screen(
        "item analysis",
        "trainer",
        lambda w: reverse("kursus_bank:analysis", args=[w["quiz"].pk]),
    ),
    Screen("account", "trainer", lambda w: reverse("wagtailadmin_account")),
    Screen("reviewer's dashboard", "reviewer", lambda w: reverse("wagtailadmin_home")),
    Screen(
        "reviewer opens the submitted lesson",
        "reviewer",
        lambda w: reverse("wagtailadmin_pages:edit", args=[w["submitted"].pk]),
    ),
    Screen(
        "reviewer's approve dialog",
        "reviewer",
        lambda w: reverse(
            "wagtailadmin_pages:workflow_action",
            args=[w["submitted"].pk, "approve", w["task_state"].pk],
        ),
    ),
    Screen(
        "reviewer's reject dialog",
        "reviewer",
        lambda w: reverse(
            "wagtailadmin_pages:workflow_action",
            args=[w["submitted"].pk, "reject", w["task_state"].pk],
        ),
    ),
    Screen(
        "workflow history",
        "reviewer",
        lambda w: reverse("wagtailadmin_pages:workflow_history", args=[w["submitted"].pk]),
    ),
    Screen("workflow report", "reviewer", lambda w: reverse("wagtailadmin_reports:workflow")),
    Screen(
        "workflow tasks report",
        "reviewer",
        lambda w: reverse("wagtailadmin_reports:workflow_tasks"),
    ),
    Screen("course review queue", "reviewer", lambda w: reverse("kursus_review:list")),
    Screen(
        "course review",
        "reviewer",
        lambda w: reverse("kursus_review:detail", args=[w["submitted"].pk]),
    ),
    Screen(
        "course review as its trainer",
        "trainer",
        lambda w: reverse("kursus_review:detail", args=[w["submitted"].pk]),
    ),
    Screen(
        "copy a course",
        "trainer",
        lambda w: reverse("kursus_review:copy", args=[w["course"].pk]),
    ),
    Screen(
        "copy a course with errors",
        "trainer",
        lambda w: reverse("kursus_review:copy", args=[w["course"].pk]),
        post=lambda w: {"title": "", "code": w["course"].code, "slug": ""},
    ),
    Screen("attempt requests", "trainer", lambda w: reverse("kursus_attempts:requests")),
    Screen(
        "a quiz's learners",
        "trainer",
        lambda w: reverse("kursus_attempts:quiz", args=[w["quiz"].pk]),
    ),
    Screen(
        "a learner's attempts",
        "trainer",
        lambda w: reverse("kursus_attempts:learner", args=[w["quiz"].pk, w["learner"].pk]),
    ),
    Screen(
        "an override without a reason",
        "trainer",
        lambda w: reverse("kursus_attempts:learner", args=[w["quiz"].pk, w["learner"].pk]),
        post=lambda w: {"kind": "attempts", "amount": "1", "reason": ""},
    ),
    Screen("employees", "reviewer", lambda w: reverse("pegawai:index")),
    Screen(
        "certificate templates",
        "reviewer",
        lambda w: reverse("wagtailsnippets_sertifikat_certificatetemplate:list"),
    ),
    Screen(
        "edit a certificate template",
        "reviewer",
        lambda w: reverse(
            "wagtailsnippets_sertifikat_certificatetemplate:edit", args=[w["template"].pk]
        ),
    ),
    Screen(
        "locked pages report",
        "reviewer",
        lambda w: reverse("wagtailadmin_reports:locked_pages"),
    ),
    Screen(
        "questionnaires",
        "trainer",
        lambda w: reverse("wagtailsnippets_kuesioner_questionnaire:list"),
    ),
    Screen(
        "edit questionnaire",
        "trainer",
        lambda w: reverse(
            "wagtailsnippets_kuesioner_questionnaire:edit", args=[w["questionnaire"].pk]
        ),
    ),
    Screen("API clients", "reviewer", lambda w: reverse("integrasi_klien:index")),
    Screen("add an API client", "reviewer", lambda w: reverse("integrasi_klien:add")),
    Screen(
        "add an API client with errors",
        "reviewer",
        lambda w: reverse("integrasi_klien:add"),
        post=lambda w: {"name": "", "rate_limit_per_minute": "0"},
    ),
    Screen("API call log", "reviewer", lambda w: reverse("integrasi_log:index")),
    Screen("webhook receivers", "reviewer", lambda w: reverse("webhook:index")),
    Screen("add a webhook receiver", "reviewer", lambda w: reverse("webhook:add")),
    Screen("webhook deliveries", "reviewer", lambda w: reverse("integrasi_webhooks:deliveries")),
    Screen("SIASN training types", "reviewer", lambda w: reverse("siasn-jenis-diklat:index")),
    Screen("add a SIASN training type", "reviewer", lambda w: reverse("siasn-jenis-diklat:add")),
    Screen("SIASN sending status", "reviewer", lambda w: reverse("integrasi_siasn:status")),
    Screen(
        "questionnaire results",
        "trainer",
        lambda w: reverse(
            "kuesioner_admin:results",
            args=[w["questionnaire"].pk, f"kursus.course:{w['course'].pk}"],
        ),
    ),
]


@pytest.fixture
def world(trainer, admin_lms, make_employee):
    course = make_course("BHS-01", modules=(2,))
    course.owner = trainer
    course.save()
    module = ModulePage.objects.child_of(course).first()
    lesson = LessonPage.objects.descendant_of(course).first()
    category = QuestionCategory.objects.create(name="Bahasa admin", course=course)
    question = make_question(category, "single", title="BHS-01-Q01")
    quiz = make_quiz(course, questions=[question])
    # another course of the trainer's, a lesson of it edited, submitted whole for review
    submitted = make_course("BHS-02", modules=(1,))
    submitted.owner = trainer
    submitted.save()
    edited = LessonPage.objects.descendant_of(submitted).last()
    edited.title = "Materi yang ditinjau"
    edited.save_revision(user=trainer)
    state = course_review_submit(course=submitted, user=trainer)
    submitted = CoursePage.objects.get(pk=submitted.pk)
    # a learner of the course who asked the trainer for another attempt
    learner = make_employee("32.04").user
    enrollment_create(user=learner, course=course)
    template = CertificateTemplate.objects.order_by("pk").first()
    return {
        "trainer": trainer,
        "reviewer": admin_lms,
        "index": CourseIndexPage.objects.get(),
        "course": course,
        "module": module,
        "lesson": lesson,
        "quiz": QuizPage.objects.get(pk=quiz.pk),
        "question": question,
        "category": category,
        "submitted": submitted,
        "task_state": state.current_task_state,
        "learner": learner,
        "template": template,
        "questionnaire": make_questionnaire(),
    }


def _html(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        data = json.loads(response.content)
        return data.get("html", "") or ""
    return response.content.decode()


@pytest.mark.parametrize("screen", SCREENS, ids=[s.name for s in SCREENS])
def test_admin_screens_show_no_english(client, world, screen):
    # given the trainer (or the reviewer) signed in to the admin
    client.force_login(world[screen.user])
    url = screen.url(world)

    # when they open the screen (or send its form with errors)
    response = client.post(url, screen.post(world)) if screen.post else client.get(url)

    # then it renders, and nothing on it is English or Wagtail jargon
    assert response.status_code in screen.expect, f"{screen.name}: {url}"
    text = visible_text(_html(response))
    assert text.strip(), f"{screen.name}: nothing rendered"
    assert english_in(text) == [], f"{screen.name} ({url}) shows: {english_in(text)}"


def test_a_bad_save_says_what_is_wrong_in_indonesian(client, world):
    client.force_login(world["trainer"])
    url = reverse("wagtailadmin_pages:edit", args=[world["lesson"].pk])

    response = client.post(
        url, _page_form(world["lesson"], title="", duration_minutes="", **{"body-count": "0"})
    )

    text = visible_text(_html(response))
    assert "Halaman tidak dapat disimpan karena ada isian yang salah." in text
    assert "Kolom ini wajib diisi." in text
    assert LessonPage.objects.get(pk=world["lesson"].pk).title == world["lesson"].title


def test_the_workflow_emails_read_in_indonesian(trainer, admin_lms, mailoutbox):
    # given a course its trainer submits, whole, for review
    course = make_course("EML-01", modules=(1,))
    course.owner = trainer
    course.save()
    lesson = LessonPage.objects.descendant_of(course).first()
    lesson.title = "Materi diajukan"
    lesson.save_revision(user=trainer)
    mailoutbox.clear()
    course_review_submit(course=course, user=trainer)
    submitted = list(mailoutbox)

    # when the reviewer sends it back with a comment
    mailoutbox.clear()
    course_review_decide(course=course, user=admin_lms, approve=False, comment="Tambahkan contoh.")
    rejected = list(mailoutbox)

    # then the reviewer was told of the submission and the trainer of the rejection, in
    # Indonesian
    assert {tuple(m.to) for m in submitted} == {(admin_lms.email,)}
    assert {tuple(m.to) for m in rejected} == {(trainer.email,)}
    for message in submitted + rejected:
        text = re.sub(r"https?://\S+", "", f"{message.subject}\n{message.body}")
        assert english_in(text) == [], text
        assert not re.search(r"\b(has been|submitted|rejected|approved|workflow)\b", text), text
    assert "dikembalikan untuk diperbaiki" in rejected[0].body
    assert "Tambahkan contoh." in rejected[0].body
    assert "Yth. " in rejected[0].body


# Wagtail's messages on page save, copy, move, lock, review and its bulk actions, which its own
# Indonesian catalogue leaves in English: ours (locale/id) says them.
WAGTAIL_MESSAGES = [
    ("The page could not be saved as it is locked.", None, "sedang dikunci"),
    ("The %(model_name)s could not be saved as it is locked", None, "sedang dikunci"),
    (
        "The slug '%(page_slug)s' is already in use at the selected parent page. Make sure the "
        "slug is unique and try again.",
        None,
        "sudah dipakai di halaman induk",
    ),
    ("The slug '%(page_slug)s' is already in use within the parent page.", None, "sudah dipakai"),
    ("%(parent_pages)s and %(child_pages)s have been published", None, "telah diterbitkan"),
    ("%(parent_pages)s and %(child_pages)s have been unpublished", None, "ditarik dari tayangan"),
    ("%(parent_pages)s and %(child_pages)s have been deleted", None, "telah dihapus"),
    (
        "%(num_parent_objects)d page has been published",
        "%(num_parent_objects)d pages have been published",
        "halaman telah diterbitkan",
    ),
    (
        "%(num_parent_objects)d page has been unpublished",
        "%(num_parent_objects)d pages have been unpublished",
        "halaman telah ditarik dari tayangan",
    ),
    (
        "%(num_parent_objects)d page has been deleted",
        "%(num_parent_objects)d pages have been deleted",
        "halaman telah dihapus",
    ),
    ("%(num_pages)d page has been moved", "%(num_pages)d pages have been moved", "dipindahkan"),
    ("%(model_name)s '%(title)s' is now unlocked.", None, "tidak terkunci"),
    ("Workflow on page '%(page_title)s' has been cancelled.", None, "dibatalkan"),
    (
        "Page '%(page_title)s' is live and this version has been scheduled for publishing.",
        None,
        "dijadwalkan terbit",
    ),
    (
        "The page '%(page_title)s' is not currently awaiting moderation in task '%(task_name)s'.",
        None,
        "tidak menunggu tinjauan",
    ),
    ("Saving will overwrite a newer version.", None, "menimpa versi"),
    ("Locked by another user", None, "Dikunci oleh pengguna lain"),
    ("This %(model_name)s is currently awaiting moderation.", None, "menunggu tinjauan"),
]


@pytest.mark.parametrize(
    ("msgid", "plural", "indonesian"), WAGTAIL_MESSAGES, ids=[m[0][:40] for m in WAGTAIL_MESSAGES]
)
def test_wagtail_messages_on_page_actions_translate(msgid, plural, indonesian):
    # when the message is said in Indonesian (once, and for several pages)
    with translation.override("id"):
        said = (
            [translation.ngettext(msgid, plural, n) for n in (1, 3)]
            if plural
            else [translation.gettext(msgid)]
        )

    # then it is said in our words, with its placeholders kept, and no English left
    for text in said:
        assert indonesian in text
        assert set(re.findall(r"%\(\w+\)[sd]", text)) == set(re.findall(r"%\(\w+\)[sd]", msgid))
        assert english_in(text) == [], text


def test_saving_a_locked_lesson_says_so_in_indonesian(client, world):
    # given a lesson the reviewer locked
    lesson = world["lesson"]
    LessonPage.objects.filter(pk=lesson.pk).update(locked=True, locked_by=world["reviewer"])
    client.force_login(world["trainer"])

    # when the trainer saves it
    url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    data["title"] = "Judul baru"
    data.setdefault("body-count", "0")  # the body's editor is built by a script
    response = client.post(url, data, follow=True)

    # then they are told, in Indonesian, that it was not saved
    text = visible_text(_html(response))
    assert "Halaman tidak dapat disimpan karena sedang dikunci." in text
    assert english_in(text) == [], english_in(text)
    assert LessonPage.objects.get(pk=lesson.pk).title == lesson.title


def test_moving_a_lesson_next_to_one_with_its_slug_says_so_in_indonesian(client, world):
    # given a lesson, and a module of another course of the trainer's with a lesson of its slug
    lesson = world["lesson"]
    module = ModulePage.objects.child_of(world["submitted"]).get()
    assert LessonPage.objects.child_of(module).filter(slug=lesson.slug).exists()
    client.force_login(world["trainer"])

    # when the trainer moves the lesson into that module
    response = client.get(
        reverse("wagtailadmin_pages:move_confirm", args=[lesson.pk, module.pk]), follow=True
    )

    # then they are told, in Indonesian, to pick another slug, and nothing moved
    text = visible_text(_html(response))
    assert f"Slug '{lesson.slug}' sudah dipakai di halaman induk yang dipilih." in text
    assert LessonPage.objects.get(pk=lesson.pk).get_parent().pk == world["module"].pk
