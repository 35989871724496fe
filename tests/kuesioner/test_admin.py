"""The builder in the admin (lock once answered, preview) and the results screens."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kuesioner.models import Question, Questionnaire
from kuesioner.services import questionnaire_answer_submit
from kuesioner.wagtail_hooks import QuestionnaireViewSet

from .conftest import POPULATION
from .factories import make_questionnaire, questions

pytestmark = pytest.mark.django_db


def _form_data(form) -> dict:
    """What the browser would post back for `form` as it is shown (nested formsets too)."""
    data = {}
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        if value is None or value is False:
            continue
        data[bound.html_name] = "on" if value is True else value
    for formset in getattr(form, "formsets", {}).values():
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        for child in formset.forms:
            data.update(_form_data(child))
    return data


def edit_data(questionnaire, user) -> dict:
    form_class = QuestionnaireViewSet.edit_handler.bind_to_model(Questionnaire).get_form_class()
    return _form_data(form_class(instance=questionnaire, for_user=user))


def edit_url(questionnaire) -> str:
    return reverse("wagtailsnippets_kuesioner_questionnaire:edit", args=[questionnaire.pk])


def _answer(questionnaire, users, *, likert=4, text='=HYPERLINK("http://x")'):
    q = questions(questionnaire)
    for user in users:
        questionnaire_answer_submit(
            user=user,
            questionnaire=questionnaire,
            context=f"tests.thing:{questionnaire.pk}",
            answers=[
                (q["Materi mudah dipahami"], likert, ""),
                (q["Materi relevan"], 5, ""),
                (q["Durasi pelatihan"], None, "Pas"),
                (q["Saran perbaikan"], None, text),
            ],
        )


def _question_field(data: dict, value: str) -> str:
    return next(key for key, v in data.items() if v == value and key.endswith("-text"))


def test_a_trainer_edits_the_questions_of_an_unanswered_questionnaire(client, trainer):
    questionnaire = make_questionnaire()
    client.force_login(trainer)
    data = edit_data(questionnaire, trainer)
    data[_question_field(data, "Materi relevan")] = "Materi sesuai tugas saya"

    response = client.post(edit_url(questionnaire), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Materi sesuai tugas saya" in questions(questionnaire)


def test_an_answered_questionnaire_keeps_its_questions(client, trainer, learner):
    # given
    questionnaire = make_questionnaire()
    _answer(questionnaire, [learner])
    client.force_login(trainer)
    data = edit_data(questionnaire, trainer)
    data[_question_field(data, "Materi relevan")] = "Pertanyaan lain"

    # when
    response = client.post(edit_url(questionnaire), data)

    # then
    assert response.status_code == 200
    assert "sudah diisi responden" in response.content.decode()
    assert "Materi relevan" in questions(questionnaire)

    # nor may one be removed
    data = edit_data(questionnaire, trainer)
    text_key = _question_field(data, "Saran perbaikan")
    data[text_key.removesuffix("-text") + "-DELETE"] = "on"
    response = client.post(edit_url(questionnaire), data)
    assert "sudah diisi responden" in response.content.decode()
    assert "Saran perbaikan" in questions(questionnaire)

    # but the title may change
    data = edit_data(questionnaire, trainer)
    data["title"] = "Evaluasi pelatihan 2026"
    assert client.post(edit_url(questionnaire), data).status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.title == "Evaluasi pelatihan 2026"


def test_a_copy_is_a_new_unlocked_version(client, trainer, learner):
    questionnaire = make_questionnaire()
    _answer(questionnaire, [learner])
    client.force_login(trainer)

    response = client.post(reverse("kuesioner_admin:copy", args=[questionnaire.pk]))

    copy = Questionnaire.objects.get(title__endswith="(salinan)")
    assert response.url == edit_url(copy)
    assert sorted(questions(copy)) == sorted(questions(questionnaire))
    assert "(salinan)" in copy.title


def test_the_preview_shows_the_form_as_the_respondent_sees_it(client, trainer):
    questionnaire = make_questionnaire()
    client.force_login(trainer)
    data = edit_data(questionnaire, trainer)
    url = reverse(
        "wagtailsnippets_kuesioner_questionnaire:preview_on_edit", args=[questionnaire.pk]
    )

    assert client.post(url, data).json()["is_valid"]
    content = client.get(url).content.decode()

    assert "Materi mudah dipahami" in content and "Sangat setuju" in content


def test_results_show_counts_means_bars_and_texts_without_names(client, trainer, make_employee):
    # given three respondents
    questionnaire = make_questionnaire()
    users = [make_employee("32.04").user for _ in range(3)]
    _answer(questionnaire, users[:2], likert=5)
    _answer(questionnaire, users[2:], likert=2, text="Ruang terlalu dingin")
    client.force_login(trainer)

    # when
    content = client.get(
        reverse(
            "kuesioner_admin:results", args=[questionnaire.pk, f"tests.thing:{questionnaire.pk}"]
        )
    ).content.decode()

    # then
    assert "3 responden" in content
    assert f"Tingkat respons 30.0% dari {POPULATION} orang" in content.replace(",", ".")
    assert "rata-rata 4" in content  # (5 + 5 + 2) / 3
    assert "Ruang terlalu dingin" in content
    assert "width: 66.7%" in content  # two of three "Sangat setuju"
    for user in users:
        assert user.employee.full_name not in content


def test_results_of_fewer_than_three_respondents_are_hidden(client, trainer, learner):
    questionnaire = make_questionnaire()
    _answer(questionnaire, [learner], text="Rahasia saya")
    client.force_login(trainer)

    content = client.get(
        reverse(
            "kuesioner_admin:results", args=[questionnaire.pk, f"tests.thing:{questionnaire.pk}"]
        )
    ).content.decode()

    assert "paling sedikit 3 responden" in content
    assert "Rahasia saya" not in content


def test_the_xlsx_holds_the_figures_and_no_formula(client, trainer, make_employee):
    questionnaire = make_questionnaire()
    _answer(questionnaire, [make_employee("32.04").user for _ in range(3)])
    client.force_login(trainer)

    response = client.get(
        reverse(
            "kuesioner_admin:results_xlsx",
            args=[questionnaire.pk, f"tests.thing:{questionnaire.pk}"],
        )
    )

    book = load_workbook(io.BytesIO(response.content))
    summary, texts = book.worksheets
    rows = [[c.value for c in row] for row in summary.iter_rows()]
    assert ["Jumlah responden", 3] in [r[:2] for r in rows]
    assert any(r[1] == "Materi relevan" and r[5] == "Sangat setuju" and r[6] == 3 for r in rows)
    cell = texts.cell(row=2, column=3)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_learners_do_not_see_results(client, learner):
    questionnaire = make_questionnaire()
    client.force_login(learner)

    response = client.get(reverse("kuesioner_admin:results_index", args=[questionnaire.pk]))

    assert response.status_code in (302, 403)
    assert Question.objects.exists()


def test_the_list_links_each_questionnaire_to_its_results(client, trainer, learner):
    questionnaire = make_questionnaire()
    _answer(questionnaire, [learner])
    client.force_login(trainer)

    listing = client.get(reverse("wagtailsnippets_kuesioner_questionnaire:list"))
    index = client.get(reverse("kuesioner_admin:results_index", args=[questionnaire.pk]))

    assert reverse("kuesioner_admin:results_index", args=[questionnaire.pk]) in (
        listing.content.decode()
    )
    assert f"Uji {questionnaire.pk}" in index.content.decode()
