"""What the learner and the trainer see of the attempt policy: the quiz intro, the next step
after the last failed attempt, the course page and dashboard, the trainer's admin pages, and
the review setting's warning."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from kursus.kuis.services import (
    attempt_request_create,
    quiz_answer_save,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from kursus.models import (
    AttemptOverride,
    AttemptRequest,
    CourseIndexPage,
    Enrollment,
    ModulePage,
    QuizPage,
)
from kursus.services import lesson_complete

from ...factories import course_lessons, make_question, make_quiz
from .answering import answer_key

pytestmark = pytest.mark.django_db


def _fail(learner, quiz):
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    return quiz_attempt_submit(attempt_id=attempt.pk).attempt


def _answer(learner, attempt, right_titles):
    """Answer the questions titled in `right_titles` right, the others wrong, and submit."""
    for position, (row, tokens) in answer_key(attempt).items():
        text = "<p>Benar sekali</p>" if row.question.title in right_titles else "<p>Keliru</p>"
        quiz_answer_save(
            user=learner, attempt_id=attempt.pk, position=position, response=tokens[text]
        )
    return quiz_attempt_submit(attempt_id=attempt.pk).attempt


@pytest.fixture
def posttest(learner, course, category):
    """A post-test of two fixed questions and a draw of one, two attempts, every lesson done."""
    for i in range(3):
        make_question(category, title=f"Acak {i}")
    quiz = make_quiz(
        course,
        questions=[make_question(category, title="T1"), make_question(category, title="T2")],
        draws=[(category, 1)],
        attempts_allowed=2,
        time_limit_minutes=20,
    )
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    return quiz


def test_the_intro_says_questions_time_attempts_left_and_what_comes_after(
    client, learner, posttest
):
    client.force_login(learner)

    html = client.get(posttest.url).content.decode()

    assert "Jumlah soal" in html and "3 soal" in html
    assert "20 menit" in html
    assert "2 kali (sisa 2)" in html
    assert "Bila belum lulus setelah percobaan terakhir" in html
    assert "minta kesempatan tambahan kepada pelatih" in html
    assert "Mulai kuis" in html


def test_the_intro_of_a_waiting_quiz_says_how_long(client, learner, posttest):
    posttest.after_last_attempt = "wait"
    posttest.retry_wait_days = 5
    posttest.save_revision().publish()
    client.force_login(learner)

    html = client.get(posttest.url).content.decode()

    assert "kesempatan baru dibuka 5 hari kemudian" in html


def test_after_the_last_failed_attempt_the_learner_asks_the_trainer(client, learner, posttest):
    # given
    _fail(learner, posttest)
    _fail(learner, posttest)
    client.force_login(learner)

    # when
    page = client.get(posttest.url).content.decode()

    # then: the way to ask, the lessons to review, no way to start
    assert "Kesempatan mengerjakan kuis ini sudah habis" in page
    assert "Minta kesempatan tambahan" in page
    assert "Materi yang perlu dipelajari kembali" in page and "Materi 1.1" in page
    assert "Coba lagi" not in page and "2 kali (sisa 0)" in page

    # when: they ask
    response = client.post(reverse("kursus:quiz_request_attempt", args=[posttest.pk]), follow=True)

    # then
    html = response.content.decode()
    assert "Permintaan terkirim, menunggu pelatih." in html
    assert "Minta kesempatan tambahan</button>" not in html
    assert AttemptRequest.objects.filter(user=learner, quiz=posttest, status="pending").count() == 1


def test_a_forged_start_after_the_last_attempt_is_refused(client, learner, posttest):
    _fail(learner, posttest)
    _fail(learner, posttest)
    client.force_login(learner)

    response = client.post(reverse("kursus:quiz_start", args=[posttest.pk]), follow=True)

    assert "Kesempatan mengerjakan kuis ini sudah habis" in response.content.decode()
    assert posttest.attempts.count() == 2


def test_a_waiting_learner_sees_the_date_of_the_new_round(client, learner, posttest):
    posttest.after_last_attempt = "wait"
    posttest.retry_wait_days = 3
    posttest.save_revision().publish()
    _fail(learner, posttest)
    last = _fail(learner, posttest)
    client.force_login(learner)

    html = client.get(posttest.url).content.decode()

    from django.utils import timezone
    from django.utils.dateformat import format as date_format

    when = date_format(timezone.localtime(last.finished_at + timezone.timedelta(days=3)), "j F Y")
    assert "Kesempatan baru dibuka pada" in html and when in html
    assert "Minta kesempatan tambahan" not in html


def test_a_post_test_points_to_the_modules_where_the_answers_were_weakest(
    client, learner, category
):
    # given: each module's quiz holds one question; the post-test holds both
    from kursus.models import ModulePage
    from kursus.services import enrollment_create

    from ...factories import make_course

    course = make_course("KUI-02", modules=(1, 1))
    enrollment_create(user=learner, course=course)

    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    first, second = make_question(category, title="M1"), make_question(category, title="M2")
    make_quiz(
        modules[0], kind="module", questions=[first], slug="kuis-m1", required_for_completion=False
    )
    make_quiz(
        modules[1], kind="module", questions=[second], slug="kuis-m2", required_for_completion=False
    )
    post = make_quiz(course, questions=[first, second], attempts_allowed=1)
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    # module 1's question right, module 2's wrong
    _answer(learner, quiz_attempt_start(user=learner, quiz=post), {"M1"})
    client.force_login(learner)

    # when
    html = client.get(post.url).content.decode()

    # then
    review = html[html.index("Materi yang perlu dipelajari kembali") :]
    assert "Modul 2" in review and "Materi 2.1" in review
    assert "Materi 1.1" not in review


def test_the_course_page_and_dashboard_say_the_final_test_is_not_passed(
    client, learner, course, posttest
):
    # given
    _fail(learner, posttest)
    _fail(learner, posttest)
    client.force_login(learner)

    # when
    course_html = client.get(course.url).content.decode()
    dashboard = client.get(reverse("kursus:dashboard")).content.decode()

    # then
    assert "Belum lulus tes akhir" in course_html
    assert "Kerjakan tes akhir" not in course_html
    assert "meminta kesempatan tambahan kepada pelatih" in course_html
    assert "Belum lulus tes akhir" in dashboard
    assert "100% selesai" not in dashboard


def test_the_course_page_offers_the_final_test_while_it_can_be_taken(
    client, learner, course, posttest
):
    _fail(learner, posttest)
    client.force_login(learner)

    html = client.get(course.url).content.decode()

    assert "Kerjakan tes akhir" in html and "Belum lulus tes akhir" not in html


# The trainer's side


def test_the_trainer_grants_a_requested_attempt_in_the_admin(client, admin_lms, learner, posttest):
    # given
    _fail(learner, posttest)
    _fail(learner, posttest)
    attempt_request_create(user=learner, quiz=posttest)
    client.force_login(admin_lms)

    # when: the requests list and the quiz's learners
    requests_page = client.get(reverse("kursus_attempts:requests")).content.decode()
    quiz_page = client.get(reverse("kursus_attempts:quiz", args=[posttest.pk])).content.decode()
    learner_url = reverse("kursus_attempts:learner", args=[posttest.pk, learner.pk])

    # then
    name = learner.get_full_name()
    assert name in requests_page and posttest.title in requests_page
    assert "Permintaan yang menunggu" in quiz_page and name in quiz_page

    # when: a grant without a reason, then with one
    refused = client.post(learner_url, {"kind": "attempts", "amount": "1", "reason": ""})
    granted = client.post(
        learner_url, {"kind": "attempts", "amount": "1", "reason": "Gangguan jaringan"}, follow=True
    )

    # then
    assert refused.status_code == 200 and "wajib diisi" in refused.content.decode()
    html = granted.content.decode()
    assert "Gangguan jaringan" in html and "Tambahan percobaan" in html
    assert AttemptOverride.objects.get().granted_by == admin_lms
    assert AttemptRequest.objects.get().status == "granted"
    assert (
        "Tidak ada permintaan yang menunggu."
        in client.get(reverse("kursus_attempts:requests")).content.decode()
    )
    assert quiz_attempt_start(user=learner, quiz=posttest).number == 3


def test_an_override_the_rules_refuse_shows_why(client, admin_lms, learner, posttest):
    client.force_login(admin_lms)
    url = reverse("kursus_attempts:learner", args=[posttest.pk, learner.pk])

    response = client.post(url, {"kind": "deadline", "reason": "Perlu waktu"})

    assert "Batas akhir baru harus di masa mendatang." in response.content.decode()
    assert not AttemptOverride.objects.exists()


def test_learners_cannot_reach_the_overrides(client, learner, posttest):
    client.force_login(learner)

    response = client.get(reverse("kursus_attempts:learner", args=[posttest.pk, learner.pk]))

    assert response.status_code in (302, 403)


# The review setting


def _quiz_form(quiz, **settings) -> dict:
    values = {
        "title": quiz.title,
        "slug": quiz.slug,
        "kind": quiz.kind,
        "intro": rich_text(""),
        "pass_mark": "70",
        "required_for_completion": "on",
        "attempts_allowed": "2",
        "grading": "highest",
        "time_limit_minutes": "",
        "opens_at": "",
        "closes_at": "",
        "after_last_attempt": "ask",
        "retry_wait_days": "7",
        "review": "score",
        "slots": inline_formset(
            [
                {
                    "id": slot.pk,
                    "question": slot.question_id or "",
                    "category": slot.category_id or "",
                    "draw_count": slot.draw_count,
                    "ORDER": i,
                }
                for i, slot in enumerate(quiz.slots.all())
            ],
            initial=quiz.slots.count(),
            min=1,
        ),
    }
    values.update(settings)
    return nested_form_data(values)


def test_a_new_quiz_reviews_the_score_only():
    assert QuizPage().review == QuizPage.Review.SCORE


def test_the_admin_warns_before_revealing_answers_on_fixed_questions(client, admin_lms, posttest):
    client.force_login(admin_lms)
    url = reverse("wagtailadmin_pages:edit", args=[posttest.pk])

    refused = client.post(url, _quiz_form(posttest, review="rightwrong"))
    confirmed = client.post(
        url, _quiz_form(posttest, review="rightwrong", review_reveal_confirmed="on")
    )

    assert refused.status_code == 200
    assert "peserta dapat menyalin jawaban yang benar" in refused.content.decode()
    assert confirmed.status_code == 302
    assert (
        QuizPage.objects.get(pk=posttest.pk).get_latest_revision_as_object().review == "rightwrong"
    )


def test_a_quiz_of_random_draws_only_may_reveal_answers(client, admin_lms, course, category):
    for i in range(3):
        make_question(category, title=f"D{i}")
    quiz = make_quiz(course, kind="pretest", draws=[(category, 2)], attempts_allowed=3)
    client.force_login(admin_lms)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[quiz.pk]), _quiz_form(quiz, review="full")
    )

    assert response.status_code == 302


def test_the_quiz_editor_links_to_its_learners_and_their_overrides(client, admin_lms, posttest):
    client.force_login(admin_lms)

    html = client.get(reverse("wagtailadmin_pages:edit", args=[posttest.pk])).content.decode()

    assert reverse("kursus_attempts:quiz", args=[posttest.pk]) in html
    assert "Peserta dan kesempatan" in html


def test_the_overrides_page_is_only_for_a_learner_of_the_course(
    client, admin_lms, make_employee, posttest
):
    stranger = make_employee("32.04").user
    client.force_login(admin_lms)

    response = client.get(reverse("kursus_attempts:learner", args=[posttest.pk, stranger.pk]))

    assert response.status_code == 404


ALL_RIGHT = {"T1", "T2", "Acak 0", "Acak 1", "Acak 2"}


# Review B: the pre-test, the course page's dead end, the catalogue, the trainer's lists


def test_a_failed_pre_test_sends_the_learner_on_to_the_lessons(client, learner, course, category):
    # given: a pre-test scored 0 on its one attempt
    pretest = make_quiz(
        course,
        kind="pretest",
        questions=[make_question(category, title="Awal")],
        attempts_allowed=1,
        slug="pre-test",
    )
    attempt = _fail(learner, pretest)
    client.force_login(learner)

    # when
    html = client.get(pretest.url).content.decode()
    result = client.get(reverse("kursus:attempt_result", args=[attempt.pk])).content.decode()
    course_page = client.get(course.url).content.decode()
    dashboard = client.get(reverse("kursus:dashboard")).content.decode()

    # then: no pass or fail, no dead end, the lessons next
    assert "Nilai Anda: <strong>0</strong>" in html
    assert "Belum lulus" not in html and "Anda belum lulus" not in html
    assert "Minta kesempatan tambahan" not in html
    assert "Bila belum lulus setelah percobaan terakhir" not in html
    assert "Pre-test sudah Anda kerjakan" in html
    first_lesson = course_lessons(course)[0]
    assert f'<a class="btn" href="{first_lesson.url}">Lanjutkan ke materi</a>' in html
    assert "Belum lulus" not in result and "Nilai lulus" not in result
    assert '<span class="badge">nilai 0</span>' in course_page
    assert f'<span class="badge">{pretest.title}: 0</span>' in dashboard

    # when: a forged request for another chance
    client.post(reverse("kursus:quiz_request_attempt", args=[pretest.pk]))

    # then: nothing goes to the trainer
    assert not AttemptRequest.objects.exists()


def _module_quiz_dead_end(learner, course, category):
    """A required module test failed on its one attempt, the post-test passed."""
    module = ModulePage.objects.child_of(course).first()
    module_quiz = make_quiz(
        module,
        kind="module",
        questions=[make_question(category, title="M1")],
        attempts_allowed=1,
        required_for_completion=True,
        slug="kuis-modul",
        title="Tes Modul Satu",
    )
    posttest = make_quiz(
        course,
        kind="posttest",
        questions=[make_question(category, title="P1")],
        attempts_allowed=1,
        required_for_completion=True,
    )
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    _fail(learner, module_quiz)
    _answer(learner, quiz_attempt_start(user=learner, quiz=posttest), {"P1"})
    return module_quiz


def test_the_course_page_names_the_required_module_test_that_is_the_dead_end(
    client, learner, course, category
):
    # given
    module_quiz = _module_quiz_dead_end(learner, course, category)
    assert Enrollment.objects.get(user=learner, course=course).status == "active"
    client.force_login(learner)

    # when
    html = client.get(course.url).content.decode()

    # then: the module test, its own standing, a link to it
    start = html.index('class="callout callout--warning quiz-blocked"')
    block = html[start : start + 800]
    assert "Belum lulus kuis wajib" in block and "Belum lulus tes akhir" not in block
    assert "Tes Modul Satu" in block
    assert "meminta kesempatan tambahan kepada pelatih" in block
    assert "Anda sudah lulus kuis ini" not in block
    assert f'href="{module_quiz.url}">Lihat langkah berikutnya' in block


def test_the_catalogue_card_of_a_learner_stuck_on_the_post_test(client, learner, course, posttest):
    # given: every lesson done, both attempts failed
    _fail(learner, posttest)
    _fail(learner, posttest)
    client.force_login(learner)

    # when
    html = client.get(CourseIndexPage.objects.get().url).content.decode()

    # then: not a green 100 %, but what the dashboard says
    card = html[html.index(course.title) : html.index(course.title) + 1500]
    assert "Belum lulus tes akhir" in card and "Semua materi selesai." in card
    assert "100% selesai" not in card and 'aria-valuenow="100"' not in card


def test_the_catalogue_card_shows_progress_while_lessons_remain(client, learner, course):
    client.force_login(learner)

    html = client.get(CourseIndexPage.objects.get().url).content.decode()

    card = html[html.index(course.title) : html.index(course.title) + 1500]
    assert "0% selesai" in card and "Belum lulus tes akhir" not in card


def test_the_trainers_list_grades_by_the_last_attempt_when_the_quiz_does(
    client, admin_lms, learner, posttest
):
    # given: passed, then failed the last attempt, on a quiz graded by the last attempt
    posttest.grading = "last"
    posttest.save()
    _answer(learner, quiz_attempt_start(user=learner, quiz=posttest), ALL_RIGHT)
    _fail(learner, posttest)
    client.force_login(admin_lms)

    # when
    html = client.get(reverse("kursus_attempts:quiz", args=[posttest.pk])).content.decode()

    # then
    table = html[html.index("Peserta yang sudah mengerjakan") :]
    assert "Nilai percobaan terakhir" in table and "Nilai tertinggi" not in table
    assert "0 (belum lulus)" in table and "100 (lulus)" not in table


def test_the_trainers_list_grades_by_the_highest_attempt_by_default(
    client, admin_lms, learner, posttest
):
    _answer(learner, quiz_attempt_start(user=learner, quiz=posttest), ALL_RIGHT)
    _fail(learner, posttest)
    client.force_login(admin_lms)

    html = client.get(reverse("kursus_attempts:quiz", args=[posttest.pk])).content.decode()

    table = html[html.index("Peserta yang sudah mengerjakan") :]
    assert "Nilai tertinggi" in table and "100 (lulus)" in table


def test_a_request_left_by_a_switch_to_waiting_is_not_listed_as_pending(
    client, admin_lms, learner, posttest
):
    # given: a request, then the quiz switched to a new round after a wait
    _fail(learner, posttest)
    _fail(learner, posttest)
    attempt_request_create(user=learner, quiz=posttest)
    posttest.after_last_attempt = "wait"
    posttest.save()
    client.force_login(admin_lms)

    # when
    requests_page = client.get(reverse("kursus_attempts:requests")).content.decode()
    quiz_page = client.get(reverse("kursus_attempts:quiz", args=[posttest.pk])).content.decode()

    # then: the learner waits for their new round; no trainer is asked to answer
    assert learner.get_full_name() not in requests_page
    pending = quiz_page[quiz_page.index("Permintaan yang menunggu") :]
    pending = pending[: pending.index("Peserta yang sudah mengerjakan")]
    assert "Tidak ada permintaan yang menunggu." in pending


def test_a_random_draw_of_a_whole_category_counts_as_fixed_questions(
    client, admin_lms, course, category
):
    # given: a draw of 3 from a category of 3 active questions (and one retired)
    for i in range(3):
        make_question(category, title=f"D{i}")
    retired = make_question(category, title="Lama")
    retired.is_active = False
    retired.save()
    quiz = make_quiz(course, kind="posttest", draws=[(category, 3)], attempts_allowed=3)
    client.force_login(admin_lms)
    url = reverse("wagtailadmin_pages:edit", args=[quiz.pk])

    # when
    refused = client.post(url, _quiz_form(quiz, review="full"))
    confirmed = client.post(url, _quiz_form(quiz, review="full", review_reveal_confirmed="on"))

    # then
    assert refused.status_code == 200
    assert "peserta dapat menyalin jawaban yang benar" in refused.content.decode()
    assert confirmed.status_code == 302
