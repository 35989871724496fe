"""Browser journeys: Playwright driving Debian's Chromium against a live server and a real
Celery worker (see live.py).

They run only when asked for (`LMS_E2E=1`, or `--e2e` when tests/e2e is on the command
line): `make test` leaves them out (reported as deselected). When asked for, nothing is
skipped: a missing Chromium or axe-core fails the run.
"""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from .live import ROOT, LiveStack

CHROMIUM = os.environ.get("LMS_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "var" / "e2e-screenshots"
AXE_VERSION = "4.14.1"
AXE_DIR = ROOT / "var" / "e2e" / "node_modules" / "axe-core"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "Demo-LMS-2026"
HERE = Path(__file__).resolve().parent


def pytest_addoption(parser):
    parser.addoption("--e2e", action="store_true", help="run the browser journeys (tests/e2e)")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "e2e: browser journey against a live server (run with LMS_E2E=1)"
    )


def e2e_enabled(config) -> bool:
    try:
        flag = config.getoption("--e2e")
    except ValueError:
        flag = False
    return bool(flag) or os.environ.get("LMS_E2E") == "1"


def pytest_collection_modifyitems(config, items):
    mine = [item for item in items if HERE in Path(str(item.fspath)).parents]
    for item in mine:
        item.add_marker(pytest.mark.e2e)
    if not e2e_enabled(config):
        config.hook.pytest_deselected(items=mine)
        items[:] = [item for item in items if item not in mine]


@pytest.fixture(scope="session")
def live_stack():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: apt-get install chromium (the journeys never "
            "download a browser)."
        )
    stack = LiveStack()
    try:
        stack.start()
    except Exception:
        print(stack.log_tail("web"), stack.log_tail("worker"))
        stack.stop()
        raise
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def base_url(live_stack) -> str:
    return live_stack.base_url


@pytest.fixture(scope="session")
def browser(live_stack):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, base_url):
    """Contexts (separate cookie jars: separate visits) that close after the test."""
    contexts = []

    def make(**kwargs):
        kwargs.setdefault("viewport", DESKTOP)
        kwargs.setdefault("locale", "id-ID")
        kwargs.setdefault("timezone_id", "Asia/Jakarta")
        context = browser.new_context(base_url=base_url, accept_downloads=True, **kwargs)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


class Shooter:
    """Screenshots of a journey, numbered in order, at desktop and phone widths."""

    def __init__(self, folder: Path, journey: str):
        self.folder = folder
        self.journey = journey
        self.count = 0
        for old in folder.glob(f"{journey}-*.png"):
            old.unlink()

    def __call__(self, page, name: str) -> None:
        self.count += 1
        stem = f"{self.journey}-{self.count:02d}-{name}"
        size = page.viewport_size or DESKTOP
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.wait_for_timeout(100)
            page.evaluate(SETTLED_SCRIPT)
            if label == "phone" and "/admin/" not in page.url:
                assert_no_sideways_scroll(page, stem)
            page.screenshot(path=str(self.folder / f"{stem}-{label}.png"), full_page=True)
        page.set_viewport_size(size)


# Two animation frames: the layout for the new width is done.
SETTLED_SCRIPT = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

# The elements wider than the window (the last eight in document order, so the deepest of a
# nested run): what makes a phone scroll sideways.
OVERFLOW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  return [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .filter(el => !el.closest(".table-wrap, .chart-scroll, [role=region]")
                  || el.matches(".table-wrap, .chart-scroll, [role=region]"))
    .slice(-8)
    .map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
                + " " + Math.round(el.getBoundingClientRect().right) + "px");
}"""


def assert_no_sideways_scroll(page, stem: str) -> None:
    """WCAG 2.1 reflow (1.4.10): at phone width the page scrolls only down; wide tables
    scroll inside their own frame."""
    offenders = page.evaluate(OVERFLOW_SCRIPT)
    assert not offenders, f"{stem}: wider than the phone: {offenders}"


@pytest.fixture
def shoot(request, screenshots_dir):
    journey = request.node.name.removeprefix("test_").replace("_", "-")
    return Shooter(screenshots_dir, journey)


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the npm registry, installed under var/e2e on first use."""
    script = AXE_DIR / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(f"axe-core is not in {AXE_DIR} and npm is not installed to fetch it")
        try:
            subprocess.run(
                [
                    npm, "install", "--prefix", str(ROOT / "var" / "e2e"), "--no-save",
                    "--no-audit", "--no-fund", "--no-package-lock", f"axe-core@{AXE_VERSION}",
                ],
                check=True, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            pytest.fail(f"could not install axe-core@{AXE_VERSION} with npm: {exc}")
    return script.read_text(encoding="utf-8")


class Axe:
    """Runs axe-core on pages and keeps every serious or critical violation it finds."""

    IMPACTS = ("serious", "critical")
    TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

    def __init__(self, source: str):
        self.source = source
        self.violations: list[dict] = []
        self.pages: list[str] = []

    def check(self, page, name: str) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated, not added as an inline <script>, which the site's CSP refuses.
            page.evaluate(self.source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", self.TAGS
        )
        found = [
            {
                "page": name,
                "url": page.url,
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
            if v["impact"] in self.IMPACTS
        ]
        self.pages.append(name)
        self.violations.extend(found)
        return found

    def assert_clean(self) -> None:
        assert self.pages, "axe-core checked no page"
        assert not self.violations, "serious/critical axe-core violations:\n" + json.dumps(
            self.violations, indent=1, ensure_ascii=False
        )


@pytest.fixture
def axe(axe_source):
    return Axe(axe_source)


def totp_code(at: float | None = None) -> str:
    """The demo staff accounts' current TOTP code (lms.organisasi.demo's secret)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from lms.organisasi.demo import DEMO_TOTP_SECRET

    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(at or time.time()) // 30))


def log_in(page, email: str, *, mfa: bool = False) -> None:
    """Log in through allauth's form (and its TOTP stage for staff), as a person types it."""
    page.goto("/akun/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form[action='/akun/login/'] button[type=submit]").click()
    if mfa:
        assert "/akun/2fa/authenticate/" in page.url, f"no MFA stage for {email}: {page.url}"
        for _try in range(2):
            with page.expect_navigation():
                page.locator("#id_code").fill(totp_code())
                page.locator("#id_code").press("Enter")
            if "/2fa/" not in page.url:
                break
            # A code is accepted once: a second login in the same 30 s waits for the next.
            page.wait_for_timeout((30 - time.time() % 30 + 1) * 1000)
    assert "/akun/login/" not in page.url and "/2fa/" not in page.url, (
        f"login of {email} failed at {page.url}"
    )
