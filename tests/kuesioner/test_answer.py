import uuid

import pytest
from django.db import models
from django.urls import reverse

from kuesioner.models import Answer, Respondent, ResponseSet
from kuesioner.services import questionnaire_answer_submit
from kuesioner.signals import questionnaire_answered

from .factories import make_questionnaire, post_data, questions

pytestmark = pytest.mark.django_db


def url(questionnaire) -> str:
    return reverse("kuesioner:answer", args=[f"tests.thing:{questionnaire.pk}"])


def test_the_respondent_sees_the_sections_and_the_likert_labels(client, learner):
    questionnaire = make_questionnaire()
    client.force_login(learner)

    content = client.get(url(questionnaire)).content.decode()

    for text in ("Materi", "Penyelenggaraan", "Materi mudah dipahami", "Sangat tidak setuju"):
        assert text in content
    assert "Sangat setuju" in content and "Terlalu lama" in content
    assert "Kirim jawaban" in content


def test_answers_are_stored_once_whatever_the_number_of_submits(client, learner):
    questionnaire = make_questionnaire()
    client.force_login(learner)
    sent = []
    questionnaire_answered.connect(lambda sender, **kw: sent.append(kw), weak=False)

    first = client.post(url(questionnaire), post_data(questionnaire, likert=5, text="Bagus"))
    second = client.post(url(questionnaire), post_data(questionnaire, likert=1))

    assert first.status_code == second.status_code == 302
    assert Respondent.objects.count() == 1
    assert ResponseSet.objects.count() == 1
    q = questions(questionnaire)
    assert Answer.objects.get(question=q["Materi relevan"]).value == 5
    assert Answer.objects.get(question=q["Durasi pelatihan"]).text == "Pas"
    assert Answer.objects.get(question=q["Saran perbaikan"]).text == "Bagus"
    assert [kw["context"] for kw in sent] == [f"tests.thing:{questionnaire.pk}"]
    assert "sudah mengisi" in client.get(url(questionnaire)).content.decode()


def test_the_service_says_a_second_submission_records_nothing(learner):
    questionnaire = make_questionnaire()
    context = f"tests.thing:{questionnaire.pk}"

    assert questionnaire_answer_submit(
        user=learner, questionnaire=questionnaire, context=context, answers=[]
    )
    assert not questionnaire_answer_submit(
        user=learner, questionnaire=questionnaire, context=context, answers=[]
    )
    assert ResponseSet.objects.count() == 1


def test_a_missing_required_answer_is_refused_in_indonesian_and_nothing_is_stored(client, learner):
    questionnaire = make_questionnaire(text_required=True)
    client.force_login(learner)
    data = post_data(questionnaire)
    data[f"q{questions(questionnaire)['Materi relevan'].pk}"] = "9"

    response = client.post(url(questionnaire), data)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Pertanyaan ini wajib dijawab." in content
    assert "Pilih salah satu nilai 1-5." in content
    assert not Respondent.objects.exists() and not ResponseSet.objects.exists()


def test_an_inactive_questionnaire_cannot_be_answered(client, learner):
    questionnaire = make_questionnaire(is_active=False)
    client.force_login(learner)

    response = client.post(url(questionnaire), post_data(questionnaire))

    assert "sedang tidak dapat diisi" in response.content.decode()
    assert not ResponseSet.objects.exists()


def test_an_unknown_context_is_not_found(client, learner):
    questionnaire = make_questionnaire()
    client.force_login(learner)

    for context in ("nothing.here:1", f"tests.thing:{questionnaire.pk + 99}", "tests.thing:x"):
        assert client.get(reverse("kuesioner:answer", args=[context])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    questionnaire = make_questionnaire()

    response = client.get(url(questionnaire))

    assert response.status_code == 302 and "/akun/" in response.url


def test_nothing_links_an_answer_to_who_gave_it(client, learner, make_employee):
    # given: two people answer the same questionnaire for the same context
    questionnaire = make_questionnaire()
    other = make_employee("32").user
    for user, likert in ((learner, 2), (other, 5)):
        client.force_login(user)
        client.post(url(questionnaire), post_data(questionnaire, likert=likert, text="x"))

    # then: the answer rows hold no person, no date or time, no sequence number
    for model in (ResponseSet, Answer):
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is not None:
                assert field.related_model._meta.label in {
                    "kuesioner.Questionnaire",
                    "kuesioner.ResponseSet",
                    "kuesioner.Question",
                    "kuesioner.Answer",
                }, (model, field)
            assert not isinstance(field, DATE_OR_TIME_FIELDS), (model, field)
            assert not isinstance(field, models.AutoField), (model, field)
        assert isinstance(model._meta.pk, models.UUIDField)
    # and the respondent rows point at nothing the answers hold: the respondent's date
    # has nothing on the answer side to be joined with
    respondent_fields = {f.name for f in Respondent._meta.get_fields()}
    assert respondent_fields == {"id", "questionnaire", "context", "user", "answered_on"}
    rows = list(ResponseSet.objects.values())
    assert len(rows) == 2
    assert all(set(row) == {"id", "questionnaire_id", "context"} for row in rows)
    assert all(isinstance(row["id"], uuid.UUID) and row["id"].version == 4 for row in rows)


# Field types that carry a date or a time of day: none may sit on the answer side.
DATE_OR_TIME_FIELDS = (models.DateField, models.TimeField, models.DurationField)
DATE_OR_TIME_TYPES = {"DateField", "DateTimeField", "TimeField", "DurationField"}


def test_the_answer_tables_have_no_date_or_time_column():
    """The database tables themselves, as migrated (not only the models): a date column
    on the answer side would let a date join name the single respondent of a day."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in (ResponseSet, Answer):
            table = model._meta.db_table
            columns = connection.introspection.get_table_description(cursor, table)
            assert columns, table
            for column in columns:
                kind = connection.introspection.get_field_type(column.type_code, column)
                assert kind not in DATE_OR_TIME_TYPES, (table, column.name, kind)
                assert "date" not in column.name and "time" not in column.name, column.name
            assert {c.name for c in columns} == {f.column for f in model._meta.concrete_fields}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_of_one_person_count_once(learner):
    from ..concurrency import run_at_once

    questionnaire = make_questionnaire()
    context = f"tests.thing:{questionnaire.pk}"
    q = questions(questionnaire)["Materi relevan"]
    results = []

    run_at_once(
        lambda: results.append(
            questionnaire_answer_submit(
                user=learner, questionnaire=questionnaire, context=context, answers=[(q, 3, "")]
            )
        ),
        [()] * 4,
    )

    assert sorted(results) == [False, False, False, True]
    assert Respondent.objects.count() == ResponseSet.objects.count() == Answer.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_a_submission_shares_its_transaction_with_earlier_ones(
    learner, make_employee
):
    """PostgreSQL stamps each row with the id of the transaction that wrote it (xmin): earlier
    answers of the context are rewritten in each submission's transaction, so the stamp
    points at a group of submissions, not at one."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("xmin is PostgreSQL's (run with DATABASE_URL=postgres://...)")
    questionnaire = make_questionnaire()
    context = f"tests.thing:{questionnaire.pk}"
    q = questions(questionnaire)["Materi relevan"]
    people = [make_employee("32.04").user for _ in range(5)]
    for user in [*people, learner]:
        questionnaire_answer_submit(
            user=user, questionnaire=questionnaire, context=context, answers=[(q, 3, "")]
        )

    # then every answer row was last written by the sixth submission's transaction: the id
    # PostgreSQL stamps on a row (xmin) no longer tells one submission from another
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT xmin::text) FROM kuesioner_responseset")
        (stamps,) = cursor.fetchone()
        cursor.execute("SELECT count(DISTINCT xmin::text) FROM kuesioner_answer")
        (answer_stamps,) = cursor.fetchone()
    assert ResponseSet.objects.count() == 6
    assert (stamps, answer_stamps) == (1, 1)
