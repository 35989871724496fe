"""What makes a lesson done: each course's rule, checked by the server before anything is
recorded (a minimum time measured from the server's record of the first opening, reaching the
end of the page, or a right answer to the lesson's check question)."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kursus.models import Enrollment, JPCredit, LessonDoneRule, LessonProgress, LessonVisit
from kursus.services import enrollment_create, lesson_done_check

from ..factories import course_lessons, lesson_opened_ago, make_course

pytestmark = pytest.mark.django_db


def mark(client, lesson, **data):
    return client.post(reverse("kursus:complete_lesson", args=[lesson.pk]), data, follow=True)


def shown_messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def enrolled_in(client, learner, course):
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    return course_lessons(course)


def with_check_question(lesson, *, answer=2):
    lesson.check_question = "Siapa yang menyusun Indeks Kerawanan Pemilu?"
    lesson.check_options = "KPU\nBawaslu\nDKPP"
    lesson.check_answer = answer
    lesson.save_revision().publish()
    return lesson


# The minimum time


def test_the_lesson_page_says_how_long_is_left_and_an_early_mark_is_refused(client, learner):
    # given: 30 minutes estimated, half of it required (the default)
    course = make_course(modules=(2,))
    lessons = enrolled_in(client, learner, course)
    enrollment = Enrollment.objects.get(user=learner)
    before = (enrollment.lessons_done, enrollment.progress_percent, enrollment.last_activity_at)

    # when
    page = client.get(lessons[0].url).content.decode()
    response = mark(client, lessons[0])

    # then
    assert "Tandai selesai dan lanjutkan" in page
    assert "sisa 15 menit" in page or "sisa 14 menit 59 detik" in page
    assert response.redirect_chain[-1][0] == lessons[0].url
    text = shown_messages(response)
    assert "baru dapat ditandai selesai" in text and "Sisa waktu: 1" in text, text
    assert not LessonProgress.objects.filter(user=learner).exists()
    enrollment.refresh_from_db()
    after = (enrollment.lessons_done, enrollment.progress_percent, enrollment.last_activity_at)
    assert after == before


def test_the_time_counts_from_the_first_opening_on_the_server(client, learner):
    # given: the learner opened the lesson 10 minutes ago (by the server's record)
    course = make_course(modules=(2,))
    lessons = enrolled_in(client, learner, course)
    client.get(lessons[0].url)
    lesson_opened_ago(learner, lessons[0], minutes=10)

    # when: they open it again (a reload does not restart the clock) and mark it
    page = client.get(lessons[0].url).content.decode()
    refused = mark(client, lessons[0])

    # then: about 5 minutes are left; a mark is refused
    assert re.search(r"sisa (4 menit 5\d detik|5 menit)", page), page
    assert "Sisa waktu" in shown_messages(refused)
    assert not LessonProgress.objects.filter(user=learner).exists()

    # when the 15 minutes are over
    lesson_opened_ago(learner, lessons[0], minutes=15)
    done = mark(client, lessons[0])

    # then the next lesson opens
    assert done.redirect_chain[-1][0] == lessons[1].url
    assert LessonProgress.objects.filter(user=learner, lesson=lessons[0]).exists()
    assert LessonVisit.objects.filter(user=learner).count() == 2  # lesson 1, now lesson 2


def test_the_share_of_the_estimated_minutes_is_the_course_s(learner):
    course = make_course(modules=(1,), lesson_min_time_percent=20)
    lesson = course_lessons(course)[0]  # 30 minutes: 6 required
    enrollment_create(user=learner, course=course)
    visit = lesson_opened_ago(learner, lesson, minutes=0)

    early = lesson_done_check(
        user=learner,
        lesson=lesson,
        course=course,
        now=visit.opened_at + datetime.timedelta(minutes=5, seconds=59),
    )
    on_time = lesson_done_check(
        user=learner,
        lesson=lesson,
        course=course,
        now=visit.opened_at + datetime.timedelta(minutes=6),
    )

    assert (early.allowed, early.seconds_left, early.rule) == (False, 1, LessonDoneRule.MIN_TIME)
    assert (on_time.allowed, on_time.seconds_left) == (True, 0)


def test_a_lesson_never_opened_cannot_be_marked_by_a_bare_post(client, learner):
    course = make_course(modules=(2,))
    lessons = enrolled_in(client, learner, course)

    response = mark(client, lessons[0])

    assert "Buka dan pelajari materi ini" in shown_messages(response)
    assert not LessonProgress.objects.filter(user=learner).exists()


def test_a_double_click_after_the_time_counts_once(client, learner):
    course = make_course(modules=(1,), jp=2)
    lessons = enrolled_in(client, learner, course)
    client.get(lessons[0].url)
    lesson_opened_ago(learner, lessons[0], minutes=30)

    for _ in range(2):
        mark(client, lessons[0])

    assert LessonProgress.objects.filter(user=learner).count() == 1
    assert JPCredit.objects.filter(user=learner).count() == 1


def test_a_trainer_sets_the_share_within_bounds():
    course = make_course(modules=(1,))
    course.lesson_min_time_percent = 5
    with pytest.raises(ValidationError) as error:
        course.full_clean()
    assert "lesson_min_time_percent" in error.value.message_dict


# Scrolling to the end


def test_the_scroll_rule_refuses_before_the_end_is_reached(client, learner):
    # given: past the floor of time on the page
    course = make_course(modules=(2,), lesson_done_rule=LessonDoneRule.SCROLL)
    lessons = enrolled_in(client, learner, course)
    end_url = reverse("kursus:lesson_end", args=[lessons[0].pk])
    client.get(lessons[0].url)
    lesson_opened_ago(learner, lessons[0], minutes=4)

    # when: the page is opened and marked before its end came on screen
    page = client.get(lessons[0].url).content.decode()
    refused = mark(client, lessons[0])

    # then
    assert "Gulir dan baca materi ini sampai akhir" in page
    assert f'data-end-url="{end_url}"' in page
    assert "Gulir dan baca materi ini sampai akhir, lalu tandai selesai." in shown_messages(refused)
    assert not LessonProgress.objects.filter(user=learner).exists()

    # when the page reports the end, twice (the first time is kept)
    assert client.post(end_url).status_code == 204
    first = LessonVisit.objects.get(user=learner, lesson=lessons[0]).reached_end_at
    assert client.post(end_url).status_code == 204
    done = mark(client, lessons[0])

    # then
    assert LessonVisit.objects.get(user=learner, lesson=lessons[0]).reached_end_at == first
    assert done.redirect_chain[-1][0] == lessons[1].url
    assert LessonProgress.objects.filter(user=learner, lesson=lessons[0]).exists()


def test_the_scroll_rule_needs_a_floor_of_time_on_the_page(client, learner):
    # given: a 30-minute lesson at 50 %: the time rule would ask 15 minutes, the floor is a
    # quarter of it
    course = make_course(modules=(2,), lesson_done_rule=LessonDoneRule.SCROLL)
    lessons = enrolled_in(client, learner, course)

    # when: served, its end reported at once, and marked
    page = client.get(lessons[0].url).content.decode()
    assert client.post(reverse("kursus:lesson_end", args=[lessons[0].pk])).status_code == 204
    refused = mark(client, lessons[0])

    # then: refused, saying how long is left, on the page and in the message
    assert "Sisa waktu:" in page and "(sisa 3 menit 45 detik)" in page
    assert "Gulir dan baca materi ini sampai akhir" in page
    text = shown_messages(refused)
    assert "Pelajari materi ini sekurang-kurangnya 3 menit 45 detik" in text
    assert "Sisa waktu:" in text
    assert not LessonProgress.objects.filter(user=learner).exists()
    # the end already came on screen: only the time is left to wait
    again = client.get(lessons[0].url).content.decode()
    assert "Sisa waktu:" in again and "Gulir dan baca" not in again

    # when the floor has passed
    lesson_opened_ago(learner, lessons[0], minutes=4)
    done = mark(client, lessons[0])

    # then
    assert done.redirect_chain[-1][0] == lessons[1].url


def test_a_script_cannot_run_through_a_scroll_rule_course(client, learner):
    # given: three lessons under the scroll rule
    course = make_course("SCR-01", modules=(3,), lesson_done_rule=LessonDoneRule.SCROLL)
    lessons = enrolled_in(client, learner, course)

    # when: each is served, its end reported and marked at once
    for lesson in lessons:
        client.get(lesson.url)
        client.post(reverse("kursus:lesson_end", args=[lesson.pk]))
        client.post(reverse("kursus:complete_lesson", args=[lesson.pk]))

    # then: nothing is recorded, no JP
    assert not LessonProgress.objects.filter(user=learner).exists()
    assert not JPCredit.objects.filter(user=learner).exists()


def test_the_floor_is_never_under_its_minimum_seconds(learner):
    # given: a one-minute lesson at 10 %: a quarter of 6 seconds would be 2 seconds
    from kursus.services.lesson_rules import LESSON_FLOOR_MIN_SECONDS, lesson_floor_seconds

    course = make_course(modules=(1,), lesson_done_rule=LessonDoneRule.SCROLL)
    course.lesson_min_time_percent = 10
    lesson = course_lessons(course)[0]
    lesson.duration_minutes = 1

    # then
    assert lesson_floor_seconds(lesson=lesson, course=course) == LESSON_FLOOR_MIN_SECONDS == 30


def test_the_end_of_a_lesson_never_served_is_not_recorded(client, learner):
    course = make_course(modules=(2,), lesson_done_rule=LessonDoneRule.SCROLL)
    lessons = enrolled_in(client, learner, course)

    response = client.post(reverse("kursus:lesson_end", args=[lessons[0].pk]))

    assert response.status_code == 404
    assert not LessonVisit.objects.exists()


def test_a_lesson_not_served_because_it_is_locked_records_no_opening(client, learner):
    course = make_course(modules=(3,), lesson_done_rule=LessonDoneRule.SCROLL)
    lessons = enrolled_in(client, learner, course)

    client.get(lessons[2].url)  # locked: redirected to the first lesson
    client.post(reverse("kursus:lesson_end", args=[lessons[2].pk]))

    assert not LessonVisit.objects.filter(lesson=lessons[2]).exists()


# The check question


def test_the_check_question_shows_its_options_but_never_the_key(client, learner):
    # given: the same lesson with the key on the second, then on the third option
    course = make_course(modules=(1,), lesson_done_rule=LessonDoneRule.CHECK)
    lessons = enrolled_in(client, learner, course)
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    # The time left counts down between the two loads (a second may pass): not the key.
    time_left = re.compile(r'data-seconds-left="\d+"|sisa [^)<]+')

    def page_for(answer: int) -> str:
        with_check_question(lessons[0], answer=answer)
        page = csrf.sub("", client.get(lessons[0].url).content.decode())
        return time_left.sub("", page)

    # when
    second, third = page_for(2), page_for(3)

    # then: the question and its options are there, and nothing on the page follows the key
    assert "Siapa yang menyusun Indeks Kerawanan Pemilu?" in second
    for option in ("KPU", "Bawaslu", "DKPP"):
        assert option in second
    assert second == third


def test_a_wrong_answer_records_nothing_and_the_learner_can_retry_after_a_wait(
    client, learner, monkeypatch
):
    # given: past the floor of time on the page
    from kursus.services import lesson_rules

    course = make_course(modules=(2,), lesson_done_rule=LessonDoneRule.CHECK)
    lessons = enrolled_in(client, learner, course)
    with_check_question(lessons[0], answer=2)
    client.get(lessons[0].url)
    lesson_opened_ago(learner, lessons[0], minutes=4)

    # when: no answer, then a wrong one, then the right one at once
    empty = mark(client, lessons[0])
    wrong = mark(client, lessons[0], jawaban="1")
    too_soon = mark(client, lessons[0], jawaban="2")
    page = client.get(lessons[0].url).content.decode()

    # then: the right answer waits too, and the page says how long
    assert "Pilih satu jawaban" in shown_messages(empty)
    assert "Jawaban Anda belum tepat" in shown_messages(wrong)
    assert "coba lagi setelah 30 detik" in shown_messages(wrong)
    assert wrong.redirect_chain[-1][0] == lessons[0].url
    assert "Anda dapat menjawab lagi dalam" in shown_messages(too_soon)
    assert "Anda dapat menjawab lagi dalam" in page and "(sisa " in page
    assert not LessonProgress.objects.filter(user=learner).exists()

    # when: the right one, 31 seconds later (the server's clock)
    later = lesson_rules.timezone.now() + datetime.timedelta(seconds=31)
    monkeypatch.setattr(lesson_rules, "timezone", SimpleNamespace(now=lambda: later))
    right = mark(client, lessons[0], jawaban="2")

    # then
    assert right.redirect_chain[-1][0] == lessons[1].url
    assert LessonProgress.objects.filter(user=learner, lesson=lessons[0]).exists()


def test_the_check_question_needs_a_floor_of_time_on_the_page(client, learner):
    # given
    course = make_course(modules=(2,), lesson_done_rule=LessonDoneRule.CHECK)
    lessons = enrolled_in(client, learner, course)
    with_check_question(lessons[0], answer=2)

    # when: served and answered right at once
    page = client.get(lessons[0].url).content.decode()
    refused = mark(client, lessons[0], jawaban="2")

    # then: refused, with the time left; the right answer did not start a wait
    assert "Pertanyaan cek dapat dijawab setelah" in page and "(sisa 3 menit 45 detik)" in page
    assert "Pelajari materi ini sekurang-kurangnya 3 menit 45 detik" in shown_messages(refused)
    assert not LessonProgress.objects.filter(user=learner).exists()
    lesson_opened_ago(learner, lessons[0], minutes=4)
    assert mark(client, lessons[0], jawaban="2").redirect_chain[-1][0] == lessons[1].url


def test_a_script_cannot_guess_its_way_through_a_check_question_course(client, learner):
    # given: three lessons with a check question, each past its floor of time
    course = make_course("CHK-01", modules=(3,), lesson_done_rule=LessonDoneRule.CHECK)
    lessons = enrolled_in(client, learner, course)
    for lesson in lessons:
        with_check_question(lesson, answer=3)
    lessons = course_lessons(course)
    for lesson in lessons:
        client.get(lesson.url)
        lesson_opened_ago(learner, lesson, minutes=60)

    # when: every option is tried in turn, as fast as a script can
    for lesson in lessons:
        for guess in ("1", "2", "3"):
            client.post(reverse("kursus:complete_lesson", args=[lesson.pk]), {"jawaban": guess})

    # then: the first wrong guess starts the wait, and the right one is not taken during it
    assert not LessonProgress.objects.filter(user=learner).exists()
    assert Enrollment.objects.get(user=learner, course=course).status == "active"
    assert not JPCredit.objects.filter(user=learner).exists()


def test_a_lesson_without_a_check_question_falls_back_to_the_minimum_time(client, learner):
    course = make_course(modules=(2,), lesson_done_rule=LessonDoneRule.CHECK)
    lessons = enrolled_in(client, learner, course)

    page = client.get(lessons[0].url).content.decode()
    refused = mark(client, lessons[0], jawaban="1")

    assert "Pertanyaan cek pemahaman" not in page
    assert "Sisa waktu" in shown_messages(refused)
    assert not LessonProgress.objects.filter(user=learner).exists()


@pytest.mark.parametrize(
    ("question", "options", "answer", "field"),
    [
        ("", "A\nB", 1, "check_question"),
        ("Pertanyaan?", "Hanya satu", 1, "check_options"),
        ("Pertanyaan?", "A\nB\nC", 4, "check_answer"),
        ("Pertanyaan?", "A\nB\nC", None, "check_answer"),
    ],
)
def test_an_incomplete_check_question_is_refused_in_the_editor(question, options, answer, field):
    lesson = course_lessons(make_course(modules=(1,)))[0]
    lesson.check_question, lesson.check_options, lesson.check_answer = question, options, answer

    with pytest.raises(ValidationError) as error:
        lesson.full_clean()

    assert field in error.value.message_dict


def test_the_rule_fields_are_in_the_course_editor_settings(client, admin_lms):
    course = make_course(modules=(1,))
    client.force_login(admin_lms)

    page = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()

    assert "Syarat materi selesai" in page
    assert "Setelah menggulir sampai akhir materi" in page
    assert "waktu minimum (% dari perkiraan durasi materi)" in page.lower()


def test_a_completed_lesson_shows_no_rule(client, learner):
    course = make_course(modules=(2,))
    lessons = enrolled_in(client, learner, course)
    client.get(lessons[0].url)
    lesson_opened_ago(learner, lessons[0], minutes=20)
    mark(client, lessons[0])

    page = client.get(lessons[0].url).content.decode()

    assert "Sudah selesai" in page
    assert "Sisa waktu" not in page
