"""The question bank as a trainer sees it in the admin: the list and the chooser with their
columns, search by text, option and code, filters, the learner's-eye preview, bulk actions."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from kursus.models import AttemptQuestion, Question, QuestionCategory, QuizAttempt, QuizSlot

from ...factories import UserFactory, make_course, make_draft_course, make_question, make_quiz

pytestmark = pytest.mark.django_db

LIST = "wagtailsnippets_kursus_question:list"
LIST_RESULTS = "wagtailsnippets_kursus_question:list_results"
CHOOSE = "wagtailsnippetchoosers_kursus_question:choose"
CHOOSE_RESULTS = "wagtailsnippetchoosers_kursus_question:choose_results"


def visible(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def chooser_html(response) -> str:
    """The chooser answers with JSON for its modal: the HTML is in it."""
    data = response.json()
    return data.get("html", "")


def answered(question, *, scores, quiz):
    """Finished attempts in which `question` earned each of `scores` (out of 1 point)."""
    for i, score in enumerate(scores):
        attempt = QuizAttempt.objects.create(
            user=UserFactory(),
            quiz=quiz,
            number=1,
            status=QuizAttempt.Status.SUBMITTED,
            score=score,
            max_score=1,
            percent=100 * score,
        )
        AttemptQuestion.objects.create(
            attempt=attempt, position=i + 1, question=question, points=1, score=Decimal(score)
        )


@pytest.fixture
def bank():
    course = make_course("PNW-07", modules=(1,))
    tps = QuestionCategory.objects.create(name="Pengawasan TPS", course=course)
    other = QuestionCategory.objects.create(name="Kode etik")
    used = make_question(
        tps,
        "single",
        title="PNW-07-Q01",
        options=[("Pukul tujuh waktu setempat", 1), ("Pukul enam pagi", 0)],
    )
    used.text = "<p>Kapan pemungutan suara di TPS dimulai?</p>"
    used.save()
    used.tags.add("hari pemungutan")
    used.save()
    unused = make_question(other, "truefalse", title="ETIK-03")
    quiz = make_quiz(course, questions=[used])
    answered(used, scores=[1, 1, 1, 0], quiz=quiz)
    return {"tps": tps, "other": other, "used": used, "unused": unused, "quiz": quiz}


def test_the_list_shows_text_type_category_tags_use_and_facility_in_indonesian(
    client, trainer, bank
):
    client.force_login(trainer)

    response = client.get(reverse(LIST))

    assert response.status_code == 200
    text = visible(response.content.decode())
    for header in ("Pertanyaan", "Tipe", "Kategori", "Label", "Dipakai di kuis", "Dijawab"):
        assert header in text
    assert "Indeks kemudahan" in text
    row = text[text.index("PNW-07-Q01") :][:400]
    assert "Kapan pemungutan suara di TPS dimulai?" in row
    assert "Pilihan tunggal" in row and "Pengawasan TPS" in row and "hari pemungutan" in row
    assert re.search(r"Pilihan tunggal .*Pengawasan TPS .*hari pemungutan 1 4 0,75 Aktif", row)
    unused_row = text[text.index("ETIK-03") :][:300]
    assert re.search(r"Benar/salah Kode etik +0 0 belum ada Aktif", unused_row)
    assert not re.search(r"\b(True|False|None)\b", text)


def test_usage_and_facility_count_only_finished_graded_answers(bank):
    from kursus.kuis.analysis import questions_with_usage

    open_attempt = QuizAttempt.objects.create(
        user=UserFactory(), quiz=bank["quiz"], number=1, max_score=1
    )
    AttemptQuestion.objects.create(
        attempt=open_attempt, position=1, question=bank["used"], points=1, score=0
    )

    rows = {q.title: q for q in questions_with_usage(Question.objects.all())}

    assert (rows["PNW-07-Q01"].quiz_count, rows["PNW-07-Q01"].answered) == (1, 4)
    assert rows["PNW-07-Q01"].facility == pytest.approx(0.75)
    assert (rows["ETIK-03"].quiz_count, rows["ETIK-03"].answered) == (0, 0)
    assert rows["ETIK-03"].facility is None


def test_the_list_reads_in_a_constant_number_of_queries(client, trainer, bank):
    client.force_login(trainer)
    client.get(reverse(LIST_RESULTS))  # warm the caches (permissions, site)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(LIST_RESULTS))

    for i in range(8):
        question = make_question(bank["other"], "multiple", title=f"Tambahan {i}")
        question.tags.add(f"label {i}", "umum")
        question.save()
        make_quiz(make_course(f"TMB-{i:02}", modules=(1,)), questions=[question])
        answered(question, scores=[1, 0], quiz=bank["quiz"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(LIST_RESULTS))

    assert "Tambahan 7" in response.content.decode()
    assert len(many) == len(few)


def test_the_chooser_reads_in_a_constant_number_of_queries(client, trainer, bank):
    client.force_login(trainer)
    client.get(reverse(CHOOSE_RESULTS))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(CHOOSE_RESULTS))
    for i in range(8):
        question = make_question(bank["other"], "single", title=f"Tambahan {i}")
        question.tags.add(f"label {i}")
        question.save()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(CHOOSE_RESULTS))

    assert len(many) == len(few)


@pytest.mark.parametrize(
    "query",
    ["pemungutan suara di tps", "tujuh waktu", "PNW-07-q01", "pnw-07", "hari pemungutan"],
    ids=["question text", "option text", "question code", "course code", "tag"],
)
def test_the_list_and_the_chooser_find_a_question_by_text_option_and_code(
    client, trainer, bank, query
):
    client.force_login(trainer)

    listing = visible(client.get(reverse(LIST), {"q": query}).content.decode())
    chooser = visible(client.get(reverse(CHOOSE_RESULTS), {"q": query}).content.decode())

    for text in (listing, chooser):
        assert "PNW-07-Q01" in text
        assert "ETIK-03" not in text


def test_a_question_matched_by_two_options_is_listed_once(client, trainer, bank):
    client.force_login(trainer)

    text = visible(client.get(reverse(LIST_RESULTS), {"q": "pukul"}).content.decode())

    assert text.count("PNW-07-Q01") == 1


def test_the_list_filters_by_category_type_and_status(client, trainer, bank):
    client.force_login(trainer)
    Question.objects.filter(pk=bank["unused"].pk).update(is_active=False)

    by_category = visible(
        client.get(reverse(LIST_RESULTS), {"category": bank["tps"].pk}).content.decode()
    )
    by_kind = visible(client.get(reverse(LIST_RESULTS), {"kind": "truefalse"}).content.decode())
    inactive = visible(client.get(reverse(LIST_RESULTS), {"is_active": "false"}).content.decode())
    page = visible(client.get(reverse(LIST)).content.decode())

    assert "PNW-07-Q01" in by_category and "ETIK-03" not in by_category
    assert "ETIK-03" in by_kind and "PNW-07-Q01" not in by_kind
    assert "ETIK-03" in inactive and "Nonaktif" in inactive and "PNW-07-Q01" not in inactive
    assert "Tipe" in page and "Status" in page


def test_the_chooser_offers_active_questions_with_their_columns_and_filters(client, trainer, bank):
    client.force_login(trainer)
    Question.objects.filter(pk=bank["unused"].pk).update(is_active=False)

    response = client.get(reverse(CHOOSE))

    assert response.status_code == 200
    text = visible(chooser_html(response))
    assert "Pilih soal" in text
    assert "PNW-07-Q01" in text and "ETIK-03" not in text
    for header in ("Judul", "Pertanyaan", "Tipe", "Kategori", "Label", "Dipakai di kuis"):
        assert header in text
    assert "Indeks kemudahan" in text and "0,75" in text
    by_kind = visible(client.get(reverse(CHOOSE_RESULTS), {"kind": "multiple"}).content.decode())
    assert "PNW-07-Q01" not in by_kind


def test_the_preview_shows_the_question_as_a_learner_sees_it_without_the_key(client, trainer, bank):
    client.force_login(trainer)
    matching = make_question(bank["tps"], "matching", title="Singkatan")

    single = client.get(reverse("kursus_bank:question_preview", args=[bank["used"].pk]))
    pairs = client.get(reverse("kursus_bank:question_preview", args=[matching.pk]))

    assert single.status_code == 200
    html = single.content.decode()
    assert "Kapan pemungutan suara di TPS dimulai?" in html
    assert "Pukul tujuh waktu setempat" in html and "Pukul enam pagi" in html
    assert "UMPAN-BALIK" not in html and "fraction" not in html
    assert "checked" not in html and "benar" not in visible(html).lower().replace(
        "pilih semua jawaban yang benar", ""
    )
    for option in bank["used"].options.all():
        assert f'value="{option.pk}"' not in html
    pairs_html = pairs.content.decode()
    assert "Tempat Pemungutan Suara" in pairs_html and "Panwaslu Kelurahan/Desa" in pairs_html
    # the answers are offered in an order of their own (alphabetical), not next to their prompt
    assert pairs_html.index("Panwaslu Kelurahan/Desa") < pairs_html.index("Tempat Pemungutan Suara")
    assert "<option" in pairs_html and not re.search(r'<option value="c\d+" selected', pairs_html)


def test_the_editor_preview_panel_renders_the_learner_view(client, trainer, bank):
    client.force_login(trainer)
    edit = client.get(reverse("wagtailsnippets_kursus_question:edit", args=[bank["used"].pk]))
    preview_url = reverse("wagtailsnippets_kursus_question:preview_on_edit", args=[bank["used"].pk])
    assert edit.status_code == 200 and preview_url in edit.content.decode()

    shown = bank["used"].make_preview_request()

    html = shown.rendered_content
    assert "Kapan pemungutan suara di TPS dimulai?" in html and "Pukul enam pagi" in html
    assert "UMPAN-BALIK" not in html


def test_the_list_offers_a_preview_link(client, trainer, bank):
    client.force_login(trainer)

    html = client.get(reverse(LIST)).content.decode()

    assert reverse("kursus_bank:question_preview", args=[bank["used"].pk]) in html


def test_learners_cannot_preview_bank_questions(client, learner, bank):
    client.force_login(learner)

    response = client.get(reverse("kursus_bank:question_preview", args=[bank["used"].pk]))

    assert response.status_code in (302, 403)


def _bulk(action: str, *questions) -> str:
    url = reverse("wagtail_bulk_action", args=("kursus", "question", action))
    ids = "&".join(f"id={q.pk}" for q in questions)
    return f"{url}?{ids}&next={reverse(LIST)}"


def test_bulk_move_to_another_category(client, trainer, bank):
    client.force_login(trainer)
    url = _bulk("move_category", bank["used"], bank["unused"])
    confirm = visible(client.get(url).content.decode())
    assert "Pindahkan ke kategori" in confirm and "Ya, pindahkan" in confirm

    response = client.post(url, {"category": bank["tps"].pk}, follow=True)

    assert response.status_code == 200
    assert set(Question.objects.values_list("category__name", flat=True)) == {"Pengawasan TPS"}
    assert "2 soal dipindahkan ke kategori Pengawasan TPS." in visible(response.content.decode())


def test_bulk_move_without_a_category_changes_nothing(client, trainer, bank):
    client.force_login(trainer)

    response = client.post(_bulk("move_category", bank["unused"]), {"category": ""})

    assert response.status_code == 200
    assert "Pilih kategori tujuan." in response.content.decode()
    assert Question.objects.get(pk=bank["unused"].pk).category == bank["other"]


def test_bulk_deactivate(client, trainer, bank):
    client.force_login(trainer)
    url = _bulk("deactivate", bank["used"], bank["unused"])
    assert "Ya, nonaktifkan" in visible(client.get(url).content.decode())

    response = client.post(url, follow=True)

    assert not Question.objects.filter(is_active=True).exists()
    assert "2 soal dinonaktifkan" in visible(response.content.decode())


def test_the_list_offers_the_bulk_actions_in_indonesian(client, trainer, bank):
    client.force_login(trainer)

    text = visible(client.get(reverse(LIST)).content.decode())

    assert "Pindahkan kategori" in text and "Nonaktifkan" in text


def test_tags_can_be_set_in_the_editor(client, trainer, bank):
    client.force_login(trainer)
    edit = client.get(reverse("wagtailsnippets_kursus_question:edit", args=[bank["used"].pk]))

    assert 'name="tags"' in edit.content.decode() and "Label" in visible(edit.content.decode())


def test_the_search_reads_the_text_not_its_markup(client, trainer, bank):
    # given questions whose text is stored as HTML, one of them with "K&R" (stored "K&amp;R")
    client.force_login(trainer)
    bank["unused"].text = "<p>Pengawasan <strong>K&amp;R</strong> di TPS</p>"
    bank["unused"].save()

    # when the trainer searches for markup, and for the text with its ampersand
    markup = visible(client.get(reverse(LIST_RESULTS), {"q": "<p>"}).content.decode())
    strong = visible(client.get(reverse(CHOOSE_RESULTS), {"q": "strong"}).content.decode())
    ampersand = visible(client.get(reverse(LIST_RESULTS), {"q": "K&R di"}).content.decode())

    # then markup finds nothing, the ampersand finds the question that shows it
    assert "PNW-07-Q01" not in markup and "ETIK-03" not in markup
    assert "PNW-07-Q01" not in strong and "ETIK-03" not in strong
    assert "ETIK-03" in ampersand and "PNW-07-Q01" not in ampersand


def test_the_search_finds_what_the_editor_just_saved(client, trainer, bank):
    # given a question changed in the editor: a new text and a new option
    client.force_login(trainer)
    url = reverse("wagtailsnippets_kursus_question:edit", args=[bank["unused"].pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="w-editor-form")
    data["text"] = rich_text("<p>Netralitas ASN &amp; kepala desa</p>")
    data["options-0-text"] = rich_text("<p>Larangan kampanye</p>")

    response = client.post(url, data)

    # then the search finds it by the new words, and no more by the old option
    assert response.status_code == 302
    found = visible(client.get(reverse(LIST_RESULTS), {"q": "asn & kepala"}).content.decode())
    by_option = visible(
        client.get(reverse(LIST_RESULTS), {"q": "larangan kampanye"}).content.decode()
    )
    assert "ETIK-03" in found and "ETIK-03" in by_option


def test_the_matching_preview_asks_for_each_prompt_and_offers_the_extra_answer(
    client, trainer, bank
):
    # given a matching question with two pairs and an extra, wrong answer (no prompt)
    client.force_login(trainer)
    question = make_question(
        bank["tps"],
        "matching",
        title="Singkatan",
        options=[
            ("TPS", 0, "Tempat Pemungutan Suara"),
            ("PKD", 0, "Panwaslu Kelurahan/Desa"),
            ("", 0, "Pengawas Pemilu Luar Negeri"),
        ],
    )

    html = client.get(reverse("kursus_bank:question_preview", args=[question.pk])).content.decode()

    # then, as in an attempt, two prompts, each offering the three answers
    assert html.count("<select") == 2
    assert html.count("Pengawas Pemilu Luar Negeri") == 2
    assert html.count('<label for="q1-p') == 2


def test_deactivating_a_question_used_by_live_quizzes_names_them(client, trainer, bank):
    # given the bank's used question in a live quiz (PNW-07) and in a draft course's quiz
    client.force_login(trainer)
    _course, _module, _lessons, draft_quiz = make_draft_course("DRF-09", owner=trainer)
    QuizSlot.objects.create(quiz=draft_quiz, question=bank["used"], sort_order=9)

    used = visible(client.get(_bulk("deactivate", bank["used"])).content.decode())
    unused = visible(client.get(_bulk("deactivate", bank["unused"])).content.decode())

    # then the confirmation warns of the one live quiz and names it with its course
    assert "dipakai langsung oleh 1 kuis yang sudah tayang" in used
    assert bank["quiz"].title in used and "kursus Kursus PNW-07" in used.replace("  ", " ")
    assert draft_quiz.title not in used
    assert "yang sudah tayang" not in unused and "Ya, nonaktifkan" in unused


def test_the_editor_lists_the_quizzes_that_use_the_question_and_warns(client, trainer, bank):
    # given the used question named by a live quiz and by a draft course's quiz
    client.force_login(trainer)
    course, _module, _lessons, draft_quiz = make_draft_course("DRF-09", owner=trainer)
    QuizSlot.objects.create(quiz=draft_quiz, question=bank["used"], sort_order=9)

    used = client.get(reverse("wagtailsnippets_kursus_question:edit", args=[bank["used"].pk]))
    unused = client.get(reverse("wagtailsnippets_kursus_question:edit", args=[bank["unused"].pk]))

    # then its editor lists both quizzes with their course and state, and says edits apply now
    text = visible(used.content.decode())
    assert "Soal ini dipakai di 2 kuis" in text and "langsung berlaku" in text
    assert re.search(rf"{bank['quiz'].title} · kursus [^·]*\(PNW-07\) · tayang", text)
    assert re.search(rf"{draft_quiz.title} · kursus {course.title} \(DRF-09\) · draf", text)
    assert reverse("wagtailadmin_pages:edit", args=[draft_quiz.pk]) in used.content.decode()
    assert "belum dipilih langsung oleh kuis mana pun" in visible(unused.content.decode())
