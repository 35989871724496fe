"""A short answer is one line of visible text of at most 500 characters (the page's
`maxlength`). Anything else, a NUL above all (PostgreSQL refuses it in jsonb: a 500), is
refused with a message and changes nothing; a long answer is never silently cut."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from kursus.kuis.services import QuizError, quiz_answer_save, quiz_attempt_start
from kursus.models import QuestionCategory
from kursus.services import enrollment_create

from ...factories import make_course, make_question, make_quiz

pytestmark = pytest.mark.django_db

REFUSED = [
    "Bawa\u0000slu",  # NUL
    "Bawa\u0001slu",  # another control character
    "Bawa\nslu",  # a line break inside
    "Bawa\tslu",  # a tab inside
    "Bawa\u202eslu",  # right-to-left override
    "Bawa\u200bslu",  # zero-width space
    "\u200b",  # nothing visible at all
    "a" * 501,  # longer than the page allows
]


@pytest.fixture
def attempt(learner):
    course = make_course("TXT-01", modules=(1,))
    enrollment_create(user=learner, course=course)
    category = QuestionCategory.objects.create(name="Bank isian")
    quiz = make_quiz(course, kind="pretest", questions=[make_question(category, "short")])
    return quiz_attempt_start(user=learner, quiz=quiz)


def saved(attempt):
    return attempt.questions.get().response


def autosave(client, attempt, response):
    return client.post(
        reverse("kursus:attempt_answer", args=[attempt.pk]),
        {"position": 1, "response": response},
        content_type="application/json",
    )


@pytest.mark.parametrize("answer", REFUSED)
def test_the_autosave_refuses_an_answer_that_is_not_one_line_of_visible_text(
    client, learner, attempt, answer
):
    client.force_login(learner)
    assert autosave(client, attempt, "bawaslu").status_code == 200

    reply = autosave(client, attempt, answer)

    assert reply.status_code == 400
    assert reply.json() == {"ok": False, "error": "Jawaban tidak dikenali."}
    assert saved(attempt) == "bawaslu"


def test_the_autosave_keeps_a_500_character_answer_whole(client, learner, attempt):
    client.force_login(learner)

    reply = autosave(client, attempt, "  " + "b" * 500 + " ")

    assert reply.status_code == 200
    assert saved(attempt) == "b" * 500


def test_the_service_refuses_a_nul_before_it_reaches_the_database(learner, attempt):
    with pytest.raises(QuizError, match="Jawaban tidak dikenali"):
        quiz_answer_save(user=learner, attempt_id=attempt.pk, position=1, response="a\x00")
    assert saved(attempt) is None


@pytest.mark.parametrize("answer", ["Bawa\u0001slu", "Bawa\u202eslu", "a" * 501])
def test_the_form_without_javascript_refuses_the_same_answers(client, learner, attempt, answer):
    client.force_login(learner)
    url = reverse("kursus:attempt_save", args=[attempt.pk])
    client.post(url, {"q1": "bawaslu"})

    reply = client.post(url, {"q1": answer})

    assert reply.status_code == 302 and reply.url == reverse("kursus:attempt", args=[attempt.pk])
    texts = [str(m) for m in get_messages(reply.wsgi_request)]
    assert "Jawaban soal 1 tidak dikenali dan tidak disimpan." in texts
    assert saved(attempt) == "bawaslu"


def test_a_nul_in_the_form_without_javascript_answers_400(client, learner, attempt):
    client.force_login(learner)

    reply = client.post(reverse("kursus:attempt_save", args=[attempt.pk]), {"q1": "a\x00b"})

    assert reply.status_code == 400
    assert saved(attempt) is None
