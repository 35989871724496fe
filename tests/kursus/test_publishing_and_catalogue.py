import pytest
from django.urls import reverse
from wagtail.models import Workflow

from kursus.models import CourseIndexPage, CoursePage, Enrollment, MandatoryAssignment
from kursus.services import enrollment_create, lesson_complete

from ..factories import course_lessons, make_course

pytestmark = pytest.mark.django_db


def test_trainer_submits_a_course_and_admin_lms_approves_it(trainer, admin_lms):
    index = CourseIndexPage.objects.get()
    workflow = index.get_workflow()
    assert workflow == Workflow.objects.get(name="Moderasi kursus")

    # a trainer may add and edit courses in the catalogue, not publish them
    perms = index.permissions_for_user(trainer)
    assert perms.can_add_subpage()
    assert not perms.can_publish_subpage()

    course = make_course("DRF-01", live=False)
    course.owner = trainer
    course.save()
    revision = course.save_revision(user=trainer)
    workflow.start(course, trainer)
    state = course.current_workflow_state
    assert state.status == "in_progress"

    task_state = state.current_task_state
    assert task_state.task.specific.user_can_access_editor(course, admin_lms)
    task_state.task.specific.on_action(task_state, admin_lms, "approve")

    course.refresh_from_db()
    assert course.live
    assert course.live_revision_id == revision.pk


def test_trainer_sees_counts_of_their_own_courses_on_the_admin_dashboard(client, trainer, learner):
    course = make_course("OWN-01", modules=(1,))
    course.owner = trainer
    course.save()
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=course_lessons(course)[0])
    client.force_login(trainer)

    content = client.get("/admin/").content.decode()

    assert "Kursus saya" in content
    assert "OWN-01" in content


def test_admin_lms_assigns_a_course_in_the_admin(client, admin_lms, make_employee):
    course = make_course("WJB-01")
    person = make_employee("32.04", position="Operator Data")
    client.force_login(admin_lms)

    response = client.post(
        reverse("penugasan-wajib:add"),
        {
            "course": course.pk,
            "unit": person.unit.pk,
            "positions": "Operator Data\n",
            "due_date": "2026-12-31",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assignment = MandatoryAssignment.objects.get()
    assert assignment.positions == ["Operator Data"]
    assert assignment.assigned_by == admin_lms
    assert Enrollment.objects.filter(user=person.user, course=course).exists()


def test_catalogue_search_and_filters(client, learner):
    make_course("IKP-11", title="Memahami kerawanan pemilu", jp=8)
    make_course("BT-11", title="Pemungutan suara di TPS", jp=2)
    client.force_login(learner)

    def codes(query: str) -> list[str]:
        response = client.get("/kursus/" + query)
        return [card["course"].code for card in response.context["cards"]]

    assert codes("") == ["BT-11", "IKP-11"]
    assert codes("?q=kerawanan") == ["IKP-11"]
    assert codes("?jp=1-4") == ["BT-11"]
    assert codes("?kategori=ikp") == ["BT-11", "IKP-11"]
    assert codes("?kategori=bimtek") == []


def test_every_lesson_block_renders(client, learner):
    from wagtail.documents.models import Document

    course = make_course("BLK-01", modules=(1,), sequential=False)
    lesson = course_lessons(course)[0]
    from django.core.files.base import ContentFile

    document = Document.objects.create(title="Panduan", file=ContentFile(b"%PDF-1.4", "p.pdf"))
    lesson.body = [
        {"type": "heading", "value": "Subjudul uji"},
        {"type": "paragraph", "value": "<p>Paragraf <b>tebal</b>.</p>"},
        {"type": "video", "value": {"video": "", "fallback_text": "<p>Ringkasan video.</p>"}},
        {"type": "document", "value": {"document": document.pk, "title": "", "description": ""}},
        {"type": "callout", "value": {"kind": "warning", "title": "Awas", "text": "<p>Isi.</p>"}},
        {"type": "accordion", "value": [{"question": "Tanya?", "answer": "<p>Jawab.</p>"}]},
        {
            "type": "table",
            "value": {
                "data": [["Kolom A", "Kolom B"], ["1", "2"]],
                "table_header_choice": "row",
                "first_row_is_table_header": True,
                "table_caption": "Tabel uji",
            },
        },
        {"type": "quote", "value": {"text": "Kutipan uji", "source": "Sumber uji"}},
        {"type": "key_points", "value": {"title": "Ringkasan", "points": ["Satu", "Dua"]}},
    ]
    lesson.save_revision().publish()
    enrollment_create(user=learner, course=course)
    client.force_login(learner)

    content = client.get(lesson.url).content.decode()

    for expected in [
        "Subjudul uji",
        "<b>tebal</b>",
        "Ringkasan video.",
        "Panduan",
        "callout--warning",
        "<summary>Tanya?</summary>",
        '<th scope="col">Kolom A</th>',
        "Kutipan uji",
        "<li>Dua</li>",
    ]:
        assert expected in content, expected


def test_demo_courses_load_with_real_content():
    from kursus.demo import demo_courses_seed

    created = demo_courses_seed()

    assert created == ["ORI-01", "IKP-01", "IKP-02", "BT-01", "BT-02", "BM-00"]
    assert demo_courses_seed() == []
    ikp = CoursePage.objects.get(code="IKP-01")
    lessons = course_lessons(ikp)
    assert len(lessons) == 12
    assert sum(lesson.duration_minutes for lesson in lessons) == 8 * 45
    assert CoursePage.objects.get(code="IKP-02").prerequisites.get().code == "IKP-01"


def test_demo_quizzes_load_once_with_their_keys():
    from kursus.demo import demo_courses_seed, demo_quizzes_seed
    from kursus.models import QuizPage

    demo_courses_seed()

    created = demo_quizzes_seed()

    assert len(created) == 6 and demo_quizzes_seed() == []
    ikp = CoursePage.objects.get(code="IKP-01")
    kinds = sorted(QuizPage.objects.live().child_of(ikp).values_list("kind", flat=True))
    assert kinds == ["posttest", "pretest"]
    post = QuizPage.objects.child_of(ikp).get(kind="posttest")
    assert post.required_for_completion and post.pass_mark == 70
    for slot in post.slots.select_related("question"):
        options = list(slot.question.options.all())
        assert len(options) >= 2
        assert sum(1 for o in options if o.fraction == 1) == 1
