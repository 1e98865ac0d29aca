"""The browser tests' Chromium: one per module, started once."""

import pytest

from .test_status_page_browser import CHROMIUM, CHROMIUM_ARGS, _require_chromium


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the whole module (starting one costs about a second).

    Playwright's sync API keeps an event loop running in the test's thread, which
    Django takes for an async context; the test itself is synchronous, so its
    database calls are allowed all the same.
    """
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
