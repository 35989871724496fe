"""The main learner flow by keyboard alone: log in, enrol, mark a lesson done, answer and
hand in a quiz, with the focus visible at every stop."""

import re

from .helpers import demo_course, lesson_titles, lessons_opened_ago, quiz_key

LEARNER = "nur.aini@lms-bawaslu.test"
PASSWORD = "Demo-LMS-2026"
COURSE_FILE = "ikp-01.json"


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            const style = getComputedStyle(e);
            return {
                tag: e.tagName, type: e.type || "", id: e.id || "",
                text: (e.innerText || e.value || e.getAttribute("aria-label") || "").trim(),
                outline: style.outlineStyle !== "none" && style.outlineWidth !== "0px",
                shadow: style.boxShadow !== "none",
            };
        }"""
    )


def tab_to(page, predicate, *, limit: int = 80, backwards: bool = False) -> dict:
    """Press Tab until the focused element satisfies `predicate`; it must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        element = focused(page)
        if predicate(element):
            assert element["outline"] or element["shadow"], f"focus not visible on {element}"
            return element
    raise AssertionError("never reached by Tab")


def test_keyboard_only(new_context, live_stack):
    course = demo_course(COURSE_FILE)
    titles = lesson_titles(COURSE_FILE)
    page = new_context().new_page()

    # The skip link is the first stop and leads to the content.
    page.goto("/akun/login/")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Lewati ke konten"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "konten"

    # Log in: type, Tab, type, Enter.
    tab_to(page, lambda e: e["id"] == "id_login")
    page.keyboard.type(LEARNER)
    tab_to(page, lambda e: e["id"] == "id_password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/akun/login/" not in page.url

    # Catalogue search by keyboard, then into the course and enrol.
    page.goto("/kursus/")
    tab_to(page, lambda e: e["id"] == "q")
    page.keyboard.type(course["code"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, lambda e: e["tag"] == "A" and e["text"] == course["title"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    course_url = page.url
    tab_to(page, lambda e: e["text"] == "Daftar dan mulai belajar")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The pre-test comes first: choose answers with the arrow keys, submit with Enter.
    page.get_by_role("heading", level=1, name=re.compile("^Pre-test")).wait_for()
    tab_to(page, lambda e: e["text"] in ("Mulai kuis", "Coba lagi"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    key = quiz_key(COURSE_FILE, "pretest")
    for index in range(len(key)):
        # Tab reaches each question's radio group; Space picks the focused option.
        tab_to(page, lambda e: e["type"] == "radio")
        with page.expect_response(lambda r: r.url.endswith("/jawab/")):
            page.keyboard.press("Space")
        assert page.locator(".quiz-nav a.is-answered").count() == index + 1
    tab_to(page, lambda e: e["text"] == "Periksa dan kumpulkan")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Semua soal sudah dijawab." in page.locator("main").inner_text()
    tab_to(page, lambda e: e["text"] == "Kumpulkan sekarang")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/hasil/$", page.url)
    assert page.get_by_role("heading", name="Hasil kuis").is_visible()

    # Then the lessons: "Mulai belajar", and once the lesson's minimum time has passed
    # (backdated here), Tab to "Tandai selesai dan lanjutkan" and press Enter.
    lessons_opened_ago(live_stack, LEARNER, course["code"], title=titles[0])
    page.goto(course_url)
    tab_to(page, lambda e: e["tag"] == "A" and e["text"] == "Mulai belajar")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name=titles[0]).wait_for()
    tab_to(page, lambda e: e["text"] == "Tandai selesai dan lanjutkan")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name=titles[1]).wait_for()
