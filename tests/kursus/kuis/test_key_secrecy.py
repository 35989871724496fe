"""Nothing an attempt's page, its script or its autosave carries correlates with the key, the
options' ids or their authoring order: options and matching answers are named by random
tokens of the attempt, which the server maps back to options. And the lesson and quiz pages
run no inline script, so that a policy of `script-src 'self'` holds."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.urls import reverse

from kursus.kuis.services import attempt_tokens_ensure, quiz_attempt_start, quiz_attempt_submit
from kursus.models import AttemptQuestion, QuestionCategory, QuestionOption, QuizAttempt
from kursus.services import enrollment_create

from ...concurrency import run_while_locked
from ...factories import course_lessons, make_course, make_question, make_quiz

pytestmark = pytest.mark.django_db

MATCHING = [
    ("TPS", 0, "Tempat Pemungutan Suara"),
    ("PKD", 0, "Panwaslu Kelurahan/Desa"),
    ("PTPS", 0, "Pengawas TPS"),
    ("KPPS", 0, "Kelompok Penyelenggara Pemungutan Suara"),
]


@pytest.fixture
def category():
    return QuestionCategory.objects.create(name="Bank rahasia")


@pytest.fixture
def course(learner):
    course = make_course("KEY-01", modules=(1,))
    enrollment_create(user=learner, course=course)
    return course


@pytest.fixture
def every_kind(course, category):
    """A quiz with a question of each kind the demo courses use, options shuffled."""
    return make_quiz(
        course,
        kind="pretest",
        shuffle_options=True,
        questions=[
            make_question(category, "single", title="S"),
            make_question(category, "multiple", title="M"),
            make_question(category, "truefalse", title="T"),
            make_question(category, "matching", title="J", options=MATCHING),
            make_question(category, "short", title="K"),
        ],
    )


def page_of(client, attempt) -> BeautifulSoup:
    reply = client.get(reverse("kursus:attempt", args=[attempt.pk]))
    assert reply.status_code == 200
    return BeautifulSoup(reply.content.decode(), "html.parser")


def values_on(soup) -> list[str]:
    """Every value the page could send back for an option or a matching answer."""
    form = soup.select_one("form.quiz-form")
    values = [i["value"] for i in form.select("input[type=radio], input[type=checkbox]")]
    values += [o["value"] for o in form.select("select[data-prompt] option") if o["value"]]
    values += [s["data-prompt"] for s in form.select("select[data-prompt]")]
    values += [s["name"].split("-", 1)[1] for s in form.select("select[data-prompt]")]
    return values


def option_ids() -> set[str]:
    return {str(pk) for pk in QuestionOption.objects.values_list("pk", flat=True)}


def fieldset(soup, title: str):
    return next(
        f
        for f in soup.select("fieldset.quiz-question")
        if f"Pertanyaan {title}?" in f.select_one(".quiz-question__text").get_text()
    )


def label_value(box, text: str) -> str:
    return next(
        label.input["value"] for label in box.select("label") if label.get_text(strip=True) == text
    )


def right_form(soup) -> dict:
    """The plain form (no JavaScript) with every question answered right, read off the page
    by the options' texts, as a learner who knows the key would click."""
    form = {"next": "summary"}
    single = fieldset(soup, "S")
    form[single.select_one("input")["name"]] = label_value(single, "Benar sekali")
    multiple = fieldset(soup, "M")
    form[multiple.select_one("input")["name"]] = [
        label_value(multiple, "A benar"),
        label_value(multiple, "B benar"),
    ]
    true_false = fieldset(soup, "T")
    form[true_false.select_one("input")["name"]] = label_value(true_false, "Benar")
    matching = fieldset(soup, "J")
    answers = {text: match for text, _f, match in MATCHING}
    for item in matching.select(".quiz-matching li"):
        select = item.select_one("select")
        want = answers[item.label.get_text(strip=True)]
        form[select["name"]] = next(
            o["value"] for o in select.select("option") if o.get_text(strip=True) == want
        )
    short = fieldset(soup, "K")
    form[short.select_one("input")["name"]] = "bawaslu"
    return form


# The page


def test_no_value_on_the_attempt_page_is_an_option_id(client, learner, every_kind):
    attempt = quiz_attempt_start(user=learner, quiz=every_kind)
    client.force_login(learner)

    soup = page_of(client, attempt)
    values = values_on(soup)

    assert not set(values) & option_ids()
    assert not any(value.isdigit() for value in values)  # no index or number of any kind
    # one token per option (3 + 3 + 2), per prompt (4, also in its select's name) and per
    # answer (4, offered in every select): all different
    assert len(values) == 8 + 4 * 2 + 4 * 4
    assert len(set(values)) == 8 + 4 + 4


def test_matching_selects_do_not_point_at_their_own_answer(client, learner, every_kind):
    attempt = quiz_attempt_start(user=learner, quiz=every_kind)
    client.force_login(learner)

    matching = fieldset(page_of(client, attempt), "J")
    answers = {text: match for text, _f, match in MATCHING}

    for index, item in enumerate(matching.select(".quiz-matching li"), start=1):
        select = item.select_one("select")
        offered = [o["value"] for o in select.select("option") if o["value"]]
        right = next(
            o["value"]
            for o in select.select("option")
            if o.get_text(strip=True) == answers[item.label.get_text(strip=True)]
        )
        assert select["data-prompt"] not in offered
        assert right not in {select["data-prompt"], str(index), str(index - 1)}


def test_matching_answers_are_shuffled_per_attempt(learner, course, category):
    """Across attempts the answers come in different orders, whatever the authoring order
    (with 6 answers, 10 attempts in one order would happen once in 720**9)."""
    options = [(f"P{i}", 0, f"Jawaban {i}") for i in range(6)]
    quiz = make_quiz(
        course,
        kind="pretest",
        questions=[make_question(category, "matching", options=options)],
    )
    orders = set()
    for _ in range(10):
        attempt = quiz_attempt_start(user=learner, quiz=quiz)
        row = attempt.questions.get()
        texts = dict(QuestionOption.objects.values_list("pk", "match"))
        orders.add(tuple(texts[pk] for pk in row.choice_order))
        quiz_attempt_submit(attempt_id=attempt.pk)
    assert len(orders) > 1


def test_two_attempts_of_one_quiz_get_different_tokens(learner, every_kind):
    first = quiz_attempt_start(user=learner, quiz=every_kind)
    quiz_attempt_submit(attempt_id=first.pk)
    second = quiz_attempt_start(user=learner, quiz=every_kind)

    def tokens(attempt):
        found = []
        for row in attempt.questions.all():
            found += row.tokens["options"] + row.tokens["choices"]
        return found

    assert second.pk != first.pk
    assert len(set(tokens(first))) == len(tokens(first)) > 10  # unique within the attempt
    assert not set(tokens(first)) & set(tokens(second))


# The strategies that scored before


def test_the_strategies_that_read_the_key_off_the_page_no_longer_score(
    client, learner, course, category
):
    """Twelve choice questions whose right option is the second one written (the second-lowest
    id) and a matching question: "always pick the second-lowest value" and "answer each prompt
    with its own number" scored full marks on this quiz when values were option ids. Now the
    first strategy is a guess per question (all twelve right: 4**-12) and the second sends
    values the attempt does not know."""
    options = [("Salah A", 0), ("Yang benar", 1), ("Salah B", 0), ("Salah C", 0)]
    questions = [
        make_question(category, "single", title=f"Q{i}", options=options) for i in range(12)
    ]
    questions.append(make_question(category, "matching", title="J", options=MATCHING))
    quiz = make_quiz(course, kind="pretest", shuffle_options=True, questions=questions)
    for question in questions[:12]:  # on ids, the strategy's pick is the right option
        ids = sorted(question.options.values_list("pk", flat=True))
        assert question.options.get(pk=ids[1]).fraction == 1
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)
    soup = page_of(client, attempt)

    def sort_key(value):
        return (0, int(value), "") if value.isdigit() else (1, 0, value)

    form = {"next": "stay"}
    for box in soup.select("fieldset.quiz-question"):
        radios = box.select("input[type=radio]")
        if radios:
            values = sorted((r["value"] for r in radios), key=sort_key)
            form[radios[0]["name"]] = values[1]
        for select in box.select("select[data-prompt]"):
            form[select["name"]] = select["data-prompt"]
    reply = client.post(reverse("kursus:attempt_save", args=[attempt.pk]), form, follow=True)
    graded = quiz_attempt_submit(attempt_id=attempt.pk).attempt

    assert reply.status_code == 200
    assert "tidak dikenali" in reply.content.decode()  # the matching "answers"
    scores = dict(
        AttemptQuestion.objects.filter(attempt=attempt).values_list("question__title", "score")
    )
    assert scores.pop("J") == 0
    assert sum(scores.values()) < 12
    assert graded.percent < 100


# Saving answers


def test_the_form_without_javascript_posts_tokens_and_grades_right(client, learner, every_kind):
    attempt = quiz_attempt_start(user=learner, quiz=every_kind)
    client.force_login(learner)
    form = right_form(page_of(client, attempt))

    saved = client.post(reverse("kursus:attempt_save", args=[attempt.pk]), form)
    submitted = client.post(reverse("kursus:attempt_submit", args=[attempt.pk]))

    assert saved.status_code == 302 and saved.url.endswith("/ringkasan/")
    assert submitted.status_code == 302
    attempt.refresh_from_db()
    assert attempt.percent == 100


def test_the_page_shows_saved_answers_by_their_tokens(client, learner, every_kind):
    attempt = quiz_attempt_start(user=learner, quiz=every_kind)
    client.force_login(learner)
    form = right_form(page_of(client, attempt))
    client.post(reverse("kursus:attempt_save", args=[attempt.pk]), form)

    soup = page_of(client, attempt)

    checked = sorted(i["value"] for i in soup.select("input[checked]"))
    sent = [form[f"q{fieldset(soup, t)['data-position']}"] for t in ("S", "T")]
    sent += form[f"q{fieldset(soup, 'M')['data-position']}"]
    assert checked == sorted(sent)
    selected = {
        s["name"]: s.select_one("option[selected]")["value"]
        for s in soup.select("form.quiz-form select")
    }
    assert len(selected) == 4
    assert selected == {name: form[name] for name in selected}


def test_the_autosave_json_carries_tokens_only(client, learner, every_kind):
    attempt = quiz_attempt_start(user=learner, quiz=every_kind)
    client.force_login(learner)
    soup = page_of(client, attempt)
    url = reverse("kursus:attempt_answer", args=[attempt.pk])
    single = fieldset(soup, "S")
    position = int(single["data-position"])
    right = attempt.questions.get(position=position).question.options.get(fraction=1)

    # the option's id, as the page used to send it, is not an answer
    for old in (right.pk, str(right.pk)):
        refused = client.post(
            url, {"position": position, "response": old}, content_type="application/json"
        )
        assert refused.status_code == 400
        assert refused.json()["error"] == "Jawaban tidak dikenali."
    assert attempt.questions.get(position=position).response is None

    # its token is, and the reply carries nothing but the time
    token = label_value(single, "Benar sekali")
    reply = client.post(
        url, {"position": position, "response": token}, content_type="application/json"
    )
    assert reply.status_code == 200
    assert set(reply.json()) == {"ok", "saved_at"}
    assert attempt.questions.get(position=position).response == right.pk

    # matching, as the script sends it: {prompt token: answer token}
    matching = fieldset(soup, "J")
    pairs = {s["data-prompt"]: s.select("option")[1]["value"] for s in matching.select("select")}
    reply = client.post(
        url,
        {"position": int(matching["data-position"]), "response": pairs},
        content_type="application/json",
    )
    assert reply.status_code == 200
    assert set(reply.json()) == {"ok", "saved_at"}


def test_forged_and_foreign_tokens_are_refused_without_an_error(
    client, learner, make_employee, every_kind
):
    other = make_employee("32.04").user
    enrollment_create(user=other, course=every_kind.course)
    theirs = quiz_attempt_start(user=other, quiz=every_kind)
    mine = quiz_attempt_start(user=learner, quiz=every_kind)
    client.force_login(other)
    foreign = right_form(page_of(client, theirs))
    client.force_login(learner)
    form = right_form(page_of(client, mine))
    single = fieldset(page_of(client, mine), "S")
    position = int(single["data-position"])
    url = reverse("kursus:attempt_answer", args=[mine.pk])

    # the autosave: another attempt's token, a made-up one, and values of the wrong shape
    single_name = f"q{position}"
    for forged in (foreign[single_name], "AAAAAAAA", ["x"], {"a": "b"}, 3.5, True):
        reply = client.post(
            url, {"position": position, "response": forged}, content_type="application/json"
        )
        assert reply.status_code == 400, forged
    matching_position = int(fieldset(page_of(client, mine), "J")["data-position"])
    for forged in ({"x": "y"}, {"x": ["y"]}, ["x"], "x"):
        reply = client.post(
            url,
            {"position": matching_position, "response": forged},
            content_type="application/json",
        )
        assert reply.status_code == 400, forged

    # the form: the forged answer is not saved, the others are
    form[single_name] = foreign[single_name]
    reply = client.post(reverse("kursus:attempt_save", args=[mine.pk]), form, follow=True)
    assert reply.status_code == 200
    assert f"Jawaban soal {position} tidak dikenali" in reply.content.decode()
    graded = quiz_attempt_submit(attempt_id=mine.pk).attempt
    assert graded.score == graded.max_score - 1  # all right but the forged one
    assert mine.questions.get(position=position).score == 0


# Attempts started before tokens


def test_an_attempt_frozen_before_tokens_gets_them_once_and_keeps_working(
    client, learner, every_kind
):
    attempt = quiz_attempt_start(user=learner, quiz=every_kind)
    AttemptQuestion.objects.filter(attempt=attempt).update(tokens={})  # as before this release
    single = attempt.questions.get(question__title="S")
    right = single.question.options.get(fraction=1)
    client.force_login(learner)
    url = reverse("kursus:attempt_answer", args=[attempt.pk])

    # a page left open across the deploy still saves with the ids it shows
    reply = client.post(
        url,
        {"position": single.position, "response": str(right.pk)},
        content_type="application/json",
    )
    assert reply.status_code == 200

    # shown again, the attempt gets tokens, once, and the saved answer is shown by its token
    soup = page_of(client, attempt)
    again = page_of(client, attempt)
    assert values_on(soup) == values_on(again)
    assert not set(values_on(soup)) & option_ids()
    box = fieldset(soup, "S")
    assert box.select_one("input[checked]")["value"] == label_value(box, "Benar sekali")

    # and it is answered and graded through the tokens
    form = right_form(soup)
    client.post(reverse("kursus:attempt_save", args=[attempt.pk]), form)
    client.post(reverse("kursus:attempt_submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.percent == 100


def test_tokens_are_not_given_to_a_finished_attempt(learner, every_kind):
    attempt = quiz_attempt_start(user=learner, quiz=every_kind)
    quiz_attempt_submit(attempt_id=attempt.pk)
    AttemptQuestion.objects.filter(attempt=attempt).update(tokens={})

    assert attempt_tokens_ensure(attempt_id=attempt.pk) is False
    assert list(attempt.questions.values_list("tokens", flat=True)) == [{}] * 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_pages_opening_an_old_attempt_at_once_agree_on_its_tokens(learner, every_kind):
    """Tokens given lazily are given under the attempt's row lock: a second page opening the
    attempt meanwhile waits, then finds them and gives none of its own."""
    if not connection.features.has_select_for_update:
        pytest.skip("row locks: PostgreSQL (SQLite's write lock already serialises the two)")
    attempt = quiz_attempt_start(user=learner, quiz=every_kind)
    AttemptQuestion.objects.filter(attempt=attempt).update(tokens={})
    given = {}

    def first():
        QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        given["first"] = attempt_tokens_ensure(attempt_id=attempt.pk)
        given["tokens"] = list(attempt.questions.order_by("position").values_list("tokens"))

    run_while_locked(
        lock=first,
        then=lambda: None,
        waiter=lambda: given.update(second=attempt_tokens_ensure(attempt_id=attempt.pk)),
    )

    assert (given["first"], given["second"]) == (True, False)
    assert list(attempt.questions.order_by("position").values_list("tokens")) == given["tokens"]


# Before and after submitting


def test_nothing_of_the_key_shows_before_the_attempt_is_graded(client, learner, every_kind):
    every_kind.review = "full"
    every_kind.save_revision().publish()
    attempt = quiz_attempt_start(user=learner, quiz=every_kind)
    client.force_login(learner)

    pages = [
        client.get(reverse("kursus:attempt", args=[attempt.pk])),
        client.get(reverse("kursus:attempt_summary", args=[attempt.pk])),
        client.get(reverse("kursus:attempt_result", args=[attempt.pk]), follow=True),
    ]

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "UMPAN-BALIK" not in html and "kunci" not in html.lower()
        assert "Badan Pengawas Pemilu" not in html  # the accepted short answer
        assert "pasangan benar" not in html
    assert pages[2].redirect_chain[-1][0] == reverse("kursus:attempt", args=[attempt.pk])

    # once graded, the full review shows the key
    quiz_attempt_submit(attempt_id=attempt.pk)
    html = client.get(reverse("kursus:attempt_result", args=[attempt.pk])).content.decode()
    assert "UMPAN-BALIK-UMUM" in html and "pasangan benar" in html


def test_the_score_only_review_shows_no_option_and_no_token(client, learner, every_kind):
    attempt = quiz_attempt_start(user=learner, quiz=every_kind)
    client.force_login(learner)
    tokens = set(values_on(page_of(client, attempt)))
    every_kind.review = "score"
    every_kind.save_revision().publish()
    quiz_attempt_submit(attempt_id=attempt.pk)

    html = client.get(reverse("kursus:attempt_result", args=[attempt.pk])).content.decode()

    assert "Benar sekali" not in html and "Tempat Pemungutan Suara" not in html
    assert not any(token in html for token in tokens)


# No inline script


def inline_scripts_and_handlers(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = [
        str(script)[:80]
        for script in soup.find_all("script")
        if not script.get("src") and script.get("type") != "application/json"
    ]
    for element in soup.find_all(True):
        found += [f"{element.name} {name}" for name in element.attrs if name.startswith("on")]
    return found


def test_the_lesson_and_quiz_pages_run_no_inline_script(client, learner, course, every_kind):
    attempt = quiz_attempt_start(user=learner, quiz=every_kind)
    client.force_login(learner)
    lesson = course_lessons(course)[0]

    urls = [
        course.url,
        every_kind.url,
        reverse("kursus:dashboard"),
        reverse("kursus:attempt", args=[attempt.pk]),
        reverse("kursus:attempt_summary", args=[attempt.pk]),
    ]
    pages = {url: client.get(url) for url in urls}
    quiz_attempt_submit(attempt_id=attempt.pk)
    result = reverse("kursus:attempt_result", args=[attempt.pk])
    pages[result] = client.get(result)
    # The quiz is the course's pre-test: its lessons open once it is submitted.
    pages[lesson.url] = client.get(lesson.url)

    for url, page in pages.items():
        html = page.content.decode()
        assert page.status_code == 200, url
        assert "<script" in html, url  # the page still loads its scripts
        assert inline_scripts_and_handlers(html) == [], url


def test_the_scripts_the_pages_load_exist(client, learner, course, every_kind):
    from django.contrib.staticfiles import finders

    attempt = quiz_attempt_start(user=learner, quiz=every_kind)
    client.force_login(learner)
    html = client.get(reverse("kursus:attempt", args=[attempt.pk])).content.decode()
    # The quiz is the course's pre-test: its lessons open once it is submitted.
    quiz_attempt_submit(attempt_id=attempt.pk)
    html += client.get(course_lessons(course)[0].url).content.decode()
    sources = {s["src"] for s in BeautifulSoup(html, "html.parser").find_all("script")}

    assert {"/static/js/quiz.js", "/static/js/once.js"} <= sources
    for src in sources:
        assert finders.find(src.removeprefix("/static/")), src
