"""Playwright driving Debian's chromium against pytest-django's live server.

The browser is the system's own: Playwright is never allowed to download one, so a missing chromium
skips these tests (the test command installs it where it can).
"""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls from a
# thread with a running loop unless told that it is safe; here only the test itself touches the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Belt and braces: should anything ask Playwright for its own browser build, it must not fetch one.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); scripts/test installs it")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    # A hung page should fail the test in seconds, not at the suite's timeout.
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.server_errors = []
    page.on("response", lambda response: response.status >= 500 and page.server_errors.append(
        f"{response.status} {response.request.method} {response.url}"))
    page.on("pageerror", lambda error: page.server_errors.append(f"javascript error: {error}"))
    yield page
    context.close()
