"""Behaviour that lives in the page, in Debian's Chromium driven by Playwright."""
import os
from pathlib import Path

import pytest

from articles.importing import import_paths
from articles.search import upkeep

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


@pytest.fixture
def page(live_server, articles_dir, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    import_paths([articles_dir])
    upkeep.bring_up_to_date()
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the live
    # server run in their own threads, so this only silences Django's guard in the test thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        context = browser.new_context(base_url=live_server.url)
        yield context.new_page()
        browser.close()


def test_language_switcher_opens_the_translation(page):
    page.goto("/en/articles/KB-100/")
    page.get_by_role("link", name="Français").click()
    page.wait_for_url("**/fr/articles/KB-100/")
    assert page.locator("h1").first.inner_text() == "L’export de rapport expire avec RPT-504012"
    assert page.locator("html").get_attribute("lang") == "fr"


def test_article_fits_a_phone_screen(page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/en/articles/KB-100/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert page.locator(".article-body .alert, .article-body ol").first.is_visible()


def test_interface_language_menu_switches_the_home_page(page):
    page.goto("/en/")
    page.select_option(".site-languages select", label="한국어")
    page.wait_for_url("**/ko/")
    assert page.locator("html").get_attribute("lang") == "ko"


def test_search_box_offers_a_correction_that_finds_the_article(page):
    page.goto("/en/")
    page.fill('input[name="q"]', "exprt timout")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/search?q=exprt+timout")
    suggestion = page.locator(".suggestion a")
    assert suggestion.inner_text() == "export timeout"
    suggestion.click()
    page.wait_for_url("**/en/search?q=export%20timeout")
    assert page.locator(".result-title").first.inner_text().startswith("Report export times out")


def test_arrow_keys_move_the_language_menu_without_leaving_the_page(page):
    page.goto("/en/")
    page.focus(".site-languages select")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.url.endswith("/en/")
    page.keyboard.press("Enter")
    page.wait_for_url("**/fr/")


def test_pages_run_under_the_policy_without_a_violation(page):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    for url in ("/en/", "/en/articles/KB-100/", "/en/search?q=export"):
        page.goto(url)
    assert violations == []
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"  # kb.css applied
