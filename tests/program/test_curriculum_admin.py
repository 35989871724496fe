"""A trainer defines a programme in the admin: nested clusters of courses chosen from the
catalogue, checked as a whole, published directly (no course review)."""

import re

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from kursus.models import CourseIndexPage
from program.models import ProgrammePage
from tests.factories import make_course, make_quiz
from tests.program_factories import make_programme

pytestmark = pytest.mark.django_db


def curriculum(clusters, *, prefix="clusters") -> dict:
    """Form data of the nested formsets: clusters = [dict(title=, min_electives=, id=,
    delete=, courses=[dict(course=, required=, id=, delete=)])]."""
    initial = sum(1 for c in clusters if c.get("id"))
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(clusters)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, cluster in enumerate(clusters):
        p = f"{prefix}-{i}"
        data[f"{p}-id"] = str(cluster.get("id") or "")
        data[f"{p}-title"] = cluster["title"]
        data[f"{p}-min_electives"] = str(cluster.get("min_electives", 0))
        data[f"{p}-ORDER"] = str(i + 1)
        if cluster.get("delete"):
            data[f"{p}-DELETE"] = "on"
        courses = cluster.get("courses", [])
        cp = f"{p}-courses"
        data.update(
            {
                f"{cp}-TOTAL_FORMS": str(len(courses)),
                f"{cp}-INITIAL_FORMS": str(sum(1 for c in courses if c.get("id"))),
                f"{cp}-MIN_NUM_FORMS": "0",
                f"{cp}-MAX_NUM_FORMS": "1000",
            }
        )
        for j, item in enumerate(courses):
            q = f"{cp}-{j}"
            data[f"{q}-id"] = str(item.get("id") or "")
            data[f"{q}-course"] = str(item["course"].pk)
            data[f"{q}-ORDER"] = str(j + 1)
            if item.get("required", True):
                data[f"{q}-required"] = "on"
            if item.get("delete"):
                data[f"{q}-DELETE"] = "on"
    return data


def form_of(client, url: str) -> dict:
    """The editor's form as the browser would send it, without the curriculum's rows."""
    html = client.get(url).content.decode()
    values = querydict_from_html(html, form_id="page-edit-form")
    return {
        key: values.getlist(key)[-1]
        for key in values
        if not key.startswith("clusters") and "__prefix__" not in key
    }


def add_url():
    index = CourseIndexPage.objects.get()
    return reverse("wagtailadmin_pages:add", args=["program", "programmepage", index.pk])


def rows(programme) -> list:
    programme = ProgrammePage.objects.get(pk=programme.pk)
    return [
        (
            cluster.title,
            cluster.min_electives,
            [(p.course.code, p.required) for p in cluster.courses.order_by("sort_order")],
        )
        for cluster in programme.clusters.order_by("sort_order")
    ]


def errors_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def courses():
    return [make_course(f"KA-{i}", modules=(1,)) for i in range(1, 5)]


def test_admin_creates_a_programme_with_nested_clusters_publishes_it_and_edits_it(
    client, admin_lms, courses
):
    a, b, c, d = courses
    client.force_login(admin_lms)
    posttest = make_quiz(c, kind="posttest")

    # when Admin LMS fills the form with two clusters and publishes
    data = form_of(client, add_url())
    data.update(
        title="Bawaslu Membelajarkan",
        slug="bawaslu-membelajarkan",
        code="BM-2026",
        summary="Program pelatihan terpadu.",
        jp="30",
        clusters_in_order="on",
        posttest=str(posttest.pk),
        **{"action-publish": "action-publish"},
    )
    data.update(
        curriculum(
            [
                {
                    "title": "Pencegahan",
                    "min_electives": 1,
                    "courses": [{"course": a}, {"course": b, "required": False}],
                },
                {"title": "Penegakan hukum", "courses": [{"course": c}]},
            ]
        )
    )
    response = client.post(add_url(), data)

    # then the programme is live with its rows
    assert response.status_code == 302, errors_of(response)[:3000]
    programme = ProgrammePage.objects.get(code="BM-2026")
    assert programme.live and programme.clusters_in_order and programme.posttest_id == posttest.pk
    assert rows(programme) == [
        ("Pencegahan", 1, [("KA-1", True), ("KA-2", False)]),
        ("Penegakan hukum", 0, [("KA-3", True)]),
    ]
    assert not WorkflowState.objects.exists()

    # when they edit it: a course added to the second cluster, the elective removed, the
    # minimum lowered, and publish again
    clusters = list(programme.clusters.order_by("sort_order"))
    places = {p.course_id: p.pk for cl in clusters for p in cl.courses.all()}
    edit_url = reverse("wagtailadmin_pages:edit", args=[programme.pk])
    data = form_of(client, edit_url)
    data["action-publish"] = "action-publish"
    data.update(
        curriculum(
            [
                {
                    "id": clusters[0].pk,
                    "title": "Pencegahan",
                    "min_electives": 0,
                    "courses": [
                        {"id": places[a.pk], "course": a},
                        {"id": places[b.pk], "course": b, "required": False, "delete": True},
                    ],
                },
                {
                    "id": clusters[1].pk,
                    "title": "Penegakan hukum",
                    "courses": [
                        {"id": places[c.pk], "course": c},
                        {"course": d, "required": False},
                    ],
                },
            ]
        )
    )
    response = client.post(edit_url, data)

    assert response.status_code == 302, errors_of(response)[:3000]
    assert rows(programme) == [
        ("Pencegahan", 0, [("KA-1", True)]),
        ("Penegakan hukum", 0, [("KA-3", True), ("KA-4", False)]),
    ]


@pytest.mark.parametrize(
    "case, expected",
    [
        ("twice", "satu kursus hanya boleh sekali"),
        ("electives", "hanya memiliki 1 kursus pilihan"),
        ("not_posttest", "Pilih kuis berjenis post-test."),
        ("outside", "harus berada di salah satu kursus dalam kurikulum ini"),
        ("weights", "harus berjumlah 100"),
    ],
)
def test_the_curriculum_is_checked_as_a_whole(client, admin_lms, courses, case, expected):
    a, b, _c, d = courses
    programme = make_programme("CHK-1", clusters=[("A", [a])])
    client.force_login(admin_lms)
    edit_url = reverse("wagtailadmin_pages:edit", args=[programme.pk])
    data = form_of(client, edit_url)
    data["action-publish"] = "action-publish"
    clusters = [
        {"title": "A", "min_electives": 0, "courses": [{"course": a}]},
        {"title": "B", "min_electives": 0, "courses": [{"course": b, "required": False}]},
    ]
    if case == "twice":
        clusters[1]["courses"].append({"course": a})
    elif case == "electives":
        clusters[1]["min_electives"] = 2
    elif case == "not_posttest":
        data["posttest"] = str(make_quiz(a, kind="pretest").pk)
    elif case == "outside":
        data["posttest"] = str(make_quiz(d, kind="posttest").pk)
    elif case == "weights":
        data["weight_posttest"] = "80"
    data.update(curriculum(clusters))

    response = client.post(edit_url, data)

    assert response.status_code == 200
    assert expected in errors_of(response)
    assert rows(programme) == [("A", 0, [("KA-1", True)])]


def test_a_trainer_publishes_a_programme_directly_without_the_course_review(
    client, trainer, courses
):
    a = courses[0]
    client.force_login(trainer)

    # the editor of a new programme offers no submission to the course review
    html = client.get(add_url()).content.decode()
    assert 'name="action-submit"' not in html and "seluruh kursus" not in html

    data = form_of(client, add_url())
    data.update(
        title="Program Pengajar", slug="program-pengajar", code="PG-1", summary="S.", jp="4"
    )
    data.update(curriculum([{"title": "Satu", "courses": [{"course": a}]}]))
    response = client.post(add_url(), data)
    assert response.status_code == 302, errors_of(response)[:3000]
    programme = ProgrammePage.objects.get(code="PG-1")
    assert not programme.live

    # then, from the editor, the trainer publishes it
    edit_url = reverse("wagtailadmin_pages:edit", args=[programme.pk])
    html = client.get(edit_url).content.decode()
    assert 'name="action-publish"' in html and 'name="action-submit"' not in html
    data = form_of(client, edit_url)
    data["action-publish"] = "action-publish"
    data.update(
        curriculum(
            [
                {
                    "id": programme.clusters.get().pk,
                    "title": "Satu",
                    "courses": [{"id": programme.clusters.get().courses.get().pk, "course": a}],
                }
            ]
        )
    )
    response = client.post(edit_url, data)
    assert response.status_code == 302, errors_of(response)[:3000]
    programme.refresh_from_db()
    assert programme.live
    assert not WorkflowState.objects.exists()


def test_a_crafted_submission_of_a_new_programme_is_refused(client, trainer, courses):
    client.force_login(trainer)
    data = form_of(client, add_url())
    data.update(title="P", slug="p-x", code="PX-1", summary="S.", jp="4")
    data.update(curriculum([]))
    data["action-submit"] = "action-submit"

    response = client.post(add_url(), data)

    assert response.status_code == 302
    assert not ProgrammePage.objects.filter(code="PX-1").exists()
    assert not WorkflowState.objects.exists()


def test_a_learner_may_not_publish_or_edit_a_programme(client, learner, courses):
    programme = make_programme("LRN-1", clusters=[("A", [courses[0]])])
    assert not programme.permissions_for_user(learner).can_publish()
    client.force_login(learner)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[programme.pk]))
    assert response.status_code in (302, 403)
