"""Question text may not link to uploaded files: neither an imported file's text nor what a
trainer writes in the admin keeps a relative link or one into this site's /media/."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from kursus.kuis.formats.richtext import link_allowed, refused_links, sanitize_html
from kursus.models import Question, QuestionCategory, QuestionOption
from kursus.models.quiz import QUESTION_FEATURES

POLYGLOT = "/media/original_images/poc.html"


@pytest.mark.parametrize(
    "href",
    [
        "https://bawaslu.go.id/peraturan",
        "http://jdih.bawaslu.go.id/media/perbawaslu-8-2022.pdf",  # another site's /media/
        "mailto:pusdiklat@bawaslu.go.id",
        "#opsi-b",
    ],
)
def test_absolute_mail_and_in_page_links_are_allowed(href):
    assert link_allowed(href)


@pytest.mark.parametrize(
    "href",
    [
        POLYGLOT,
        "original_images/poc.html",
        "../media/original_images/poc.html",
        "//testserver/media/original_images/poc.html",
        "@@PLUGINFILE@@/poc.html",
        "https://testserver/media/original_images/poc.html",
        "http://LOCALHOST:8000/media/original_images/poc.html",
        "https://testserver/kursus/../media/original_images/poc.html",
        "https://testserver//%6Dedia/original_images/poc.html",
        "https://testserver\\media\\original_images\\poc.html",
        "javascript:alert(1)",
        "tel:+6221000",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_relative_links_and_links_into_this_sites_uploads_are_refused(href):
    assert not link_allowed(href)


def test_the_admins_base_url_counts_as_this_site(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://lms.bawaslu.go.id"

    assert not link_allowed("https://lms.bawaslu.go.id/media/original_images/poc.html")
    assert link_allowed("https://lms.bawaslu.go.id/kursus/")


def test_an_imported_link_into_this_sites_uploads_is_dropped():
    html = f'<a href="https://testserver{POLYGLOT}">lampiran</a> <a href="#x">di sini</a>'

    assert sanitize_html(html) == '<a>lampiran</a> <a href="#x">di sini</a>'


def test_links_the_editor_stores_by_reference_are_not_refused():
    html = (
        '<p><a linktype="page" id="3">Modul 1</a> <a linktype="document" id="7">Perbawaslu</a> '
        f'<a href="{POLYGLOT}">a</a> <a href="{POLYGLOT}">b</a> <a href="x.pdf">c</a></p>'
    )

    assert refused_links(html) == [POLYGLOT, "x.pdf"]


# On save: the model's full_clean, as every admin form calls it


@pytest.fixture
def category(db):
    return QuestionCategory.objects.create(name="Pengawasan Kampanye")


def question(category, **fields) -> Question:
    fields = {"title": "APK", "text": "<p>Di mana APK dilarang?</p>", **fields}
    return Question(category=category, **fields)


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean(exclude=["question"])
    return caught.value.message_dict


def test_a_question_text_linking_to_an_upload_is_refused_naming_the_link(category):
    errors = errors_of(question(category, text=f'<p>Lihat <a href="{POLYGLOT}">peta</a></p>'))

    assert list(errors) == ["text"]
    assert errors["text"] == [
        f"Tautan '{POLYGLOT}' tidak diizinkan: teks soal tidak boleh menaut ke berkas unggahan "
        "atau ke alamat relatif. Gunakan alamat lengkap (https://...) situs lain, mailto:, "
        "tautan di dalam halaman (#...), atau pilih halaman lewat tombol tautan."
    ]


def test_general_feedback_and_option_text_and_feedback_are_checked_too(category):
    feedback = errors_of(question(category, general_feedback='<a href="poc.html">x</a>'))
    option = errors_of(
        QuestionOption(
            text='<p><a href="../poc.html">A</a></p>',
            feedback=f'<a href="https://testserver{POLYGLOT}">B</a>',
        )
    )

    assert (
        list(feedback) == ["general_feedback"] and "'poc.html'" in feedback["general_feedback"][0]
    )
    assert sorted(option) == ["feedback", "text"]
    assert "'../poc.html'" in option["text"][0]
    assert f"'https://testserver{POLYGLOT}'" in option["feedback"][0]


def test_allowed_links_pass_full_clean(category):
    text = (
        '<p><a href="https://bawaslu.go.id">a</a> <a href="mailto:x@bawaslu.go.id">b</a> '
        '<a href="#c">c</a> <a linktype="page" id="3">d</a></p>'
    )

    question(category, text=text, general_feedback=text).full_clean()
    QuestionOption(text=text, feedback=text).full_clean(exclude=["question"])


# Through the question bank's admin


def form_data(category, *, text: str, option_feedback: str = "") -> dict:
    return nested_form_data(
        {
            "category": category.pk,
            "kind": Question.Kind.SINGLE,
            "difficulty": Question.Difficulty.MEDIUM,
            "title": "Larangan APK",
            "text": rich_text(text, features=QUESTION_FEATURES),
            "points": "1",
            "is_active": "on",
            "general_feedback": rich_text("", features=QUESTION_FEATURES),
            "options": inline_formset(
                [
                    {
                        "text": rich_text("<p>Tempat ibadah</p>", features=QUESTION_FEATURES),
                        "fraction": "1",
                        "match": "",
                        "feedback": rich_text(option_feedback, features=QUESTION_FEATURES),
                    },
                    {
                        "text": rich_text("<p>Pasar</p>", features=QUESTION_FEATURES),
                        "fraction": "0",
                        "match": "",
                        "feedback": rich_text("", features=QUESTION_FEATURES),
                    },
                ]
            ),
        }
    )


def test_the_admin_refuses_a_question_linking_to_an_upload(client, trainer, category):
    client.force_login(trainer)

    response = client.post(
        reverse("wagtailsnippets_kursus_question:add"),
        form_data(category, text=f'<p>Lihat <a href="{POLYGLOT}">peta</a></p>'),
    )

    assert response.status_code == 200
    assert f"Tautan &#x27;{POLYGLOT}&#x27; tidak diizinkan" in response.content.decode()
    assert not Question.objects.exists()


def test_the_admin_refuses_an_option_feedback_linking_to_an_upload(client, trainer, category):
    client.force_login(trainer)

    response = client.post(
        reverse("wagtailsnippets_kursus_question:add"),
        form_data(
            category,
            text="<p>Di mana APK dilarang?</p>",
            option_feedback='<p><a href="original_images/poc.html">lihat</a></p>',
        ),
    )

    assert response.status_code == 200
    assert (
        "Tautan &#x27;original_images/poc.html&#x27; tidak diizinkan" in response.content.decode()
    )
    assert not Question.objects.exists()


def test_the_admin_saves_a_question_with_a_page_link_and_an_absolute_link(
    client, trainer, category
):
    client.force_login(trainer)
    page = Page.objects.get(depth=2)

    response = client.post(
        reverse("wagtailsnippets_kursus_question:add"),
        form_data(
            category,
            text=(
                f'<p>Baca <a linktype="page" id="{page.pk}">modul</a> dan '
                '<a href="https://bawaslu.go.id/peraturan">peraturan</a>.</p>'
            ),
        ),
    )

    assert response.status_code == 302
    saved = Question.objects.get()
    assert f'<a linktype="page" id="{page.pk}">modul</a>' in saved.text
    assert '<a href="https://bawaslu.go.id/peraturan">peraturan</a>' in saved.text
    assert saved.options.count() == 2


def test_editing_a_question_that_already_links_to_an_upload_asks_to_fix_the_link(
    client, trainer, category
):
    # given: a question saved before this rule (imported by an older version, say)
    old = question(category, text=f'<p><a href="{POLYGLOT}">peta</a></p>')
    old.save()
    client.force_login(trainer)

    response = client.post(
        reverse("wagtailsnippets_kursus_question:edit", args=[old.pk]),
        form_data(category, text=f'<p><a href="{POLYGLOT}">peta</a></p>'),
    )

    assert response.status_code == 200
    assert f"Tautan &#x27;{POLYGLOT}&#x27; tidak diizinkan" in response.content.decode()
    old.refresh_from_db()
    assert old.title == "APK"
