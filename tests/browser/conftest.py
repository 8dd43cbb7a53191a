"""Browser tests: real headless Chromium (Debian's) driven by Playwright's sync API against
pytest-django's live server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses database access
# from a thread with a running loop unless told that this is intended.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.factories import PASSWORD  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server, transactional_db):
    """A fresh browser tab (own cookies) on the live server; ``viewport`` and
    ``javascript`` as asked. Console errors fail the test."""
    contexts = []
    errors: list[str] = []

    def make(viewport=DESKTOP, javascript=True):
        context = browser.new_context(
            viewport=viewport,
            base_url=live_server.url,
            accept_downloads=True,
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on(
            "console",
            lambda message: (
                errors.append(message.text)
                if message.type == "error" and "status of 40" not in message.text
                else None
            ),
        )
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == []


@pytest.fixture
def page(open_page):
    return open_page()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector(".sidebar")


def fill_add_lead(page, *, identifier: str, lead_for: str, **selects: str) -> None:
    """Opens add lead and fills it for an existing customer: ``selects`` chooses in the lists
    by field name (find_by, type, store_code ...); CUSTOM unless ``type`` says otherwise."""
    page.goto("/leads/new/")
    for name, value in {"type": "CUSTOM", **selects}.items():
        page.select_option(f"#id_{name}", value)
    page.fill("#id_identifier", identifier)
    page.fill("#id_lead_for", lead_for)


def screenshot(page, name: str) -> Path:
    """Saves the whole page into screenshots/ (git-ignored) for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
