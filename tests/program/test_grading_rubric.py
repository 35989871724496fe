"""The presentation rubric and the assessor panels in the admin: trainers and Admin LMS keep
them; a criterion's weight cannot push the programme's total past 100."""

import pytest
from django.urls import reverse

from program.models import RubricCriterion

from .grading_setup import build

pytestmark = pytest.mark.django_db


def test_the_rubric_and_panel_screens_open_for_trainers(client, make_employee, trainer):
    build(make_employee)
    client.force_login(trainer)
    for name in ("rubrik-presentasi:index", "rubrik-presentasi:add", "penilai-angkatan:index"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    assert "Kriteria 1" in client.get(reverse("rubrik-presentasi:index")).content.decode()


def test_weights_past_100_are_refused_with_what_is_left(client, make_employee, admin_lms):
    g = build(make_employee)  # 60 + 40 already
    criterion = g.criteria[1]
    client.force_login(admin_lms)
    url = reverse("rubrik-presentasi:edit", args=[criterion.pk])
    data = {
        "programme": g.programme.pk,
        "title": criterion.title,
        "description": "",
        "weight": "50",
        "order": "1",
        "levels-TOTAL_FORMS": "2",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "2",
        "levels-MAX_NUM_FORMS": "1000",
    }
    for i in range(2):
        data |= {
            f"levels-{i}-score": str(i + 1),
            f"levels-{i}-label": f"T{i}",
            f"levels-{i}-description": "",
            f"levels-{i}-ORDER": str(i),
            f"levels-{i}-DELETE": "",
            f"levels-{i}-id": "",
        }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "sisa yang tersedia" in response.content.decode()
    assert RubricCriterion.objects.get(pk=criterion.pk).weight == 40


def test_the_grading_screens_read_in_indonesian(client, make_employee, trainer):
    from django.utils import translation

    from tests.test_admin_language import english_in, visible_text

    g = build(make_employee)
    client.force_login(trainer)
    ani = g.people["ani"]
    urls = [
        reverse("program_grading:cohorts"),
        reverse("program_grading:gradebook", args=[g.cohort.pk]),
        reverse("program_grading:correct", args=[g.cohort.pk, ani.pk]),
        reverse("program_grading:close", args=[g.cohort.pk]),
        reverse("rubrik-presentasi:index"),
        reverse("rubrik-presentasi:add"),
        reverse("rubrik-presentasi:edit", args=[g.criteria[0].pk]),
        reverse("penilai-angkatan:index"),
        reverse("penilai-angkatan:add"),
    ]
    with translation.override("id"):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert english_in(visible_text(response.content.decode())) == [], url
