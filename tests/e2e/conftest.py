"""A live server on loopback and Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import empty_database
from vendordd import create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_app(engine, database_url, tmp_path):
    """The real application (CSRF on) on the test database."""
    app = create_app(
        {
            "database_url": database_url,
            "instance_path": tmp_path / "instance",
            "secret_key": "e2e-secret-key-that-is-long-enough-0123456789",
        }
    )
    yield app
    app.extensions["vendordd.engine"].dispose()
    empty_database(engine)


@contextmanager
def launch(app) -> Iterator[str]:
    """Serve the app on a free loopback port for the duration; yields its base address."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(live_app):
    with launch(live_app) as base:
        yield base


@pytest.fixture
def browser():
    """Headless Chromium; each `browser.new_page()` is a separate visitor with its own cookies."""
    if CHROMIUM is None:
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        original = launched.new_page
        launched.new_page = lambda **options: original(
            **({"viewport": {"width": 1280, "height": 900}} | options)
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    return browser.new_page()


@pytest.fixture
def shoot(page):
    """Save a full-page screenshot of the page (the `page` fixture's by default) as a test
    artefact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, of=None) -> Path:
        path = ARTIFACTS / f"{name}.png"
        (of or page).screenshot(path=str(path), full_page=True)
        return path

    return take
