"""JP that means learning: the pre-test comes before the first lesson, a lesson cannot be
marked done before its minimum time (measured by the server), a lesson of a scroll-rule
course only after its end came on screen, and one of a check-question course only with the
right answer; under both of these a floor of time on the page comes first, and a wrong check
answer waits 30 seconds."""

import re

from .conftest import log_in
from .helpers import demo_course, lesson_titles, lessons_opened_ago, quiz_key
from .test_employee_journey import take_quiz

LEARNER = "rudi.hartono@lms-bawaslu.test"


def messages_text(page) -> str:
    return page.locator(".messages").inner_text()


def test_lesson_rules_journey(new_context, shoot, axe, live_stack):
    course = demo_course("ikp-01.json")
    titles = lesson_titles("ikp-01.json")
    page = new_context().new_page()
    log_in(page, LEARNER)

    # Enrolling in a course with a pre-test opens the pre-test, not the first lesson.
    page.goto("/kursus/")
    page.locator(".course-card", has_text=course["title"]).get_by_role(
        "link", name=course["title"]
    ).click()
    course_url = page.url
    page.get_by_role("button", name="Daftar dan mulai belajar").click()
    page.get_by_role("heading", level=1, name="Pre-test IKP-01").wait_for()
    shoot(page, "pretest-first")

    # The first lesson, by its address, leads back to the pre-test with a clear message.
    lesson_url = course_url + "modul-1/materi-1-1/"
    page.goto(lesson_url)
    page.get_by_role("heading", level=1, name="Pre-test IKP-01").wait_for()
    assert "Kerjakan dulu Pre-test IKP-01" in messages_text(page)
    axe.check(page, "pretest-first-message")
    shoot(page, "lesson-closed-before-pretest")

    # The course page's start button goes to the pre-test too.
    page.goto(course_url)
    page.get_by_role("link", name="Mulai: kerjakan pre-test").click()
    page.get_by_role("heading", level=1, name="Pre-test IKP-01").wait_for()
    take_quiz(page, shoot, key=quiz_key("ikp-01.json", "pretest"), right=2, name="pretest")

    # Now the lessons open. The button says how long is left: half the lesson's minutes.
    half = course["modules"][0]["lessons"][0]["duration_minutes"] // 2
    page.goto(course_url)
    page.get_by_role("link", name="Mulai belajar").click()
    page.get_by_role("heading", level=1, name=titles[0]).wait_for()
    button = page.get_by_role("button", name=re.compile("Tandai selesai dan lanjutkan"))
    label = button.inner_text()
    assert re.search(rf"sisa ({half} menit|{half - 1} menit \d+ detik)", label), label
    assert "Sisa waktu" in page.locator("[data-time-hint]").inner_text()
    axe.check(page, "lesson-with-time-left")
    shoot(page, "lesson-time-left")

    # Marking it done at once is refused: the learner stays on the lesson, told why.
    button.click()
    page.get_by_role("heading", level=1, name=titles[0]).wait_for()
    refusal = messages_text(page)
    assert "baru dapat ditandai selesai" in refusal and "Sisa waktu" in refusal, refusal
    shoot(page, "early-mark-refused")
    page.goto(course_url)
    assert f"0 dari {len(titles)} materi" in page.locator(".course-hero").inner_text()

    # Once the minimum time has passed (the opening backdated on the server), it is marked.
    lessons_opened_ago(live_stack, LEARNER, course["code"], title=titles[0], minutes=30)
    page.goto(lesson_url)
    button = page.get_by_role("button", name=re.compile("Tandai selesai dan lanjutkan"))
    assert "sisa" not in button.inner_text()
    button.click()
    page.get_by_role("heading", level=1, name=titles[1]).wait_for()
    page.goto(course_url)
    assert f"1 dari {len(titles)} materi" in page.locator(".course-hero").inner_text()


def test_scroll_and_check_question_rules(new_context, shoot, axe, live_stack):
    page = new_context().new_page()
    log_in(page, LEARNER)

    # ORI-01: a lesson is done after scrolling to its end, and some time on the page.
    orientation = demo_course("ori-01.json")
    titles = lesson_titles("ori-01.json")
    page.goto(f"/kursus/{orientation['slug']}/")
    page.get_by_role("button", name="Daftar dan mulai belajar").click()
    page.get_by_role("heading", level=1, name=titles[0]).wait_for()
    # The end of the lesson is not on screen yet (a mark now is refused by the server, see
    # tests/kursus/test_lesson_rules.py; a click here would scroll the button, and so the
    # end, into view), and the floor of time is running.
    assert "Gulir dan baca" in page.locator("[data-rule-hint]").inner_text()
    assert "Sisa waktu" in page.locator("[data-time-hint]").inner_text()
    shoot(page, "scroll-not-yet")
    # Scrolling down brings the end on screen: the page tells the server (the hint changes
    # only on its answer). A mark at once is still refused: the floor of time, with how
    # long is left.
    page.mouse.wheel(0, 20000)
    page.get_by_text("Anda sudah sampai di akhir materi").wait_for()
    assert "setelah sisa waktu habis" in page.locator("[data-rule-hint]").inner_text()
    button = page.get_by_role("button", name=re.compile("Tandai selesai dan lanjutkan"))
    assert re.search(r"\(sisa \d+ menit( \d+ detik)?\)", button.inner_text()), button.inner_text()
    shoot(page, "scroll-end-reached")
    button.click()
    page.get_by_role("heading", level=1, name=titles[0]).wait_for()
    refusal = messages_text(page)
    assert "Pelajari materi ini sekurang-kurangnya" in refusal and "Sisa waktu" in refusal
    assert page.locator("[data-rule-hint]").count() == 0  # the end was reached already
    shoot(page, "scroll-floor-refused")
    # Once the floor has passed (the opening backdated on the server), the mark goes through.
    lessons_opened_ago(live_stack, LEARNER, orientation["code"], title=titles[0], minutes=10)
    page.reload()
    page.get_by_role("button", name="Tandai selesai dan lanjutkan").click()
    page.get_by_role("heading", level=1, name=titles[1]).wait_for()

    # BT-02: a lesson is done after answering its check question right, after some time on
    # the page; a wrong answer waits 30 seconds.
    bimtek = demo_course("bt-02.json")
    first = bimtek["modules"][0]["lessons"][0]
    check = first["check"]
    page.goto(f"/kursus/{bimtek['slug']}/")
    page.get_by_role("button", name="Daftar dan mulai belajar").click()
    page.get_by_role("heading", level=1, name=first["title"]).wait_for()
    question = page.locator("fieldset.lesson-check")
    assert check["question"] in question.inner_text()
    assert "Pertanyaan cek dapat dijawab setelah" in page.locator("[data-time-hint]").inner_text()
    right = check["options"][check["answer"] - 1]
    wrong = next(o for o in check["options"] if o != right)
    lessons_opened_ago(live_stack, LEARNER, bimtek["code"], title=first["title"], minutes=10)
    page.reload()
    question = page.locator("fieldset.lesson-check")
    question.get_by_role("radio", name=wrong).check()
    axe.check(page, "lesson-check-question")
    shoot(page, "check-question")
    page.get_by_role("button", name="Jawab dan tandai selesai").click()
    page.get_by_role("heading", level=1, name=first["title"]).wait_for()
    assert "Jawaban Anda belum tepat" in messages_text(page)
    assert "setelah 30 detik" in messages_text(page)
    # The page counts the wait down on the button and in its hint.
    assert "Anda dapat menjawab lagi dalam" in page.locator("[data-time-hint]").inner_text()
    label = page.get_by_role("button", name=re.compile("Jawab dan tandai selesai")).inner_text()
    assert re.search(r"\(sisa \d+ detik\)", label), label
    axe.check(page, "lesson-check-wait")
    shoot(page, "check-wrong-answer")
    # When the wait is over, the hint goes and the right answer is taken.
    page.locator("[data-time-hint]").wait_for(state="detached", timeout=45_000)
    page.locator("fieldset.lesson-check").get_by_role("radio", name=right).check()
    page.get_by_role("button", name="Jawab dan tandai selesai").click()
    second = bimtek["modules"][0]["lessons"][1]["title"]
    page.get_by_role("heading", level=1, name=second).wait_for()
