"""Playwright driving Debian's chromium (installed by scripts/ensure-system-packages) against live_server."""

import functools
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        script = Path(__file__).resolve().parents[2] / "scripts" / "ensure-system-packages"
        subprocess.run([str(script)], check=True)
        path = shutil.which("chromium")
    assert path, "chromium is required for the browser tests (scripts/ensure-system-packages installs it)"
    return path


def wait_for_function(page, expression: str, arg=None, timeout: float | None = None, polling=None):
    """Playwright's own wait_for_function runs its predicate through eval() inside the page, which the
    Content-Security-Policy (no 'unsafe-eval') refuses; this polls with page.evaluate, which goes through
    the DevTools protocol, until the expression is truthy."""
    deadline = time.monotonic() + (timeout or 15_000) / 1000
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout or 15_000} ms for {expression!r}")
        page.wait_for_timeout(100)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures here
    # are ordinary synchronous calls, so Django's async guard does not apply to them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.wait_for_function = functools.partial(wait_for_function, page)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page, live_server):
    def as_user(username: str, password: str = "secret-pass-123"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return as_user
