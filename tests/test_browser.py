"""Behaviour that lives in the page, in Debian's Chromium driven by Playwright: the language
switcher and the remembered choice, Accept-Language, the fallback notice, search-as-you-type,
keyboard use, product pages, phone widths and axe-core's accessibility rules.

Screenshots are kept under var/screenshots/ (gitignored; CI may keep them as artifacts)."""
from pathlib import Path
import re

from django.conf import settings
from django.db import connections
import pytest

from articles.importing import import_paths
from articles.search import sync

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
LANGUAGES = ["en", "fr", "de", "es", "ja", "ko", "zh-hans"]
PHONE = {"width": 360, "height": 740}
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


@pytest.fixture
def browser(live_server, articles_dir, browse_dir, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    import_paths([articles_dir, browse_dir])
    sync.bring_up_to_date()
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the live
    # server run in their own threads, so this only silences Django's guard in the test thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield lambda **options: chromium.new_context(base_url=live_server.url, **options)
        chromium.close()
        # The ORM calls made while Playwright's loop runs get connections of their own: closed
        # here, or PostgreSQL refuses to drop the test database at the end ("being accessed").
        connections.close_all()


@pytest.fixture
def page(browser):
    return browser(locale="en-US").new_page()


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def switch_language(page, label):
    """Pick a language in the header's switcher with the pointer (it opens at once)."""
    with page.expect_navigation():
        page.select_option("#site-language", label=label)


def test_switching_language_keeps_the_article(page):
    page.goto("/en/articles/KB-100/")
    switch_language(page, "Français")
    assert page.url.endswith("/fr/articles/KB-100/")
    assert page.locator("h1").first.inner_text() == "L’export de rapport expire avec RPT-504012"
    assert page.locator("html").get_attribute("lang") == "fr"


def test_switching_language_keeps_the_search_and_its_query(page):
    page.goto("/en/search?q=CMP-400123")
    switch_language(page, "Deutsch")
    assert page.url.endswith("/de/search?q=CMP-400123")
    assert page.locator(".result-title").first.get_attribute("href") == "/de/articles/CMP-1/"


def test_switching_language_keeps_the_product_listing(page):
    page.goto("/en/products/campaign/?sort=title")
    switch_language(page, "日本語")
    assert page.url.endswith("/ja/products/campaign/?sort=title")
    assert page.locator("h1").inner_text() == "Campaign"


def test_the_choice_is_remembered(page):
    page.goto("/en/")
    switch_language(page, "한국어")
    page.goto("/")
    assert page.url.endswith("/ko/")


@pytest.mark.parametrize("locale, expected", [("fr-CA", "/fr/"), ("zh-CN", "/zh-hans/"), ("it-IT", "/en/")])
def test_the_browsers_language_is_negotiated(browser, locale, expected):
    page = browser(locale=locale).new_page()
    page.goto("/")
    assert page.url.endswith(expected)


def test_switcher_says_when_the_article_has_no_translation(page):
    page.goto("/en/articles/CMP-2/")
    assert page.locator("#site-language option[value=de]").inner_text() == "Deutsch — not translated"


@pytest.mark.parametrize("lang, words", [("de", "auf Englisch angezeigt"), ("ja", "英語で表示")])
def test_fallback_notice_names_the_language_in_the_readers_language(page, lang, words):
    page.goto(f"/{lang}/articles/CMP-2/")
    notice = page.get_by_role("status")
    assert words in notice.inner_text()
    assert page.locator("html").get_attribute("lang") == lang


def test_arrow_keys_move_the_switcher_without_leaving_the_page(page):
    page.goto("/en/articles/CMP-1/")
    page.focus("#site-language")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.url.endswith("/en/articles/CMP-1/")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/fr/articles/CMP-1/")  # the next language; shown in English with a notice
    assert page.get_by_role("status").is_visible()


def test_search_as_you_type_offers_codes_and_titles_by_keyboard(page):
    page.goto("/de/")
    box = page.locator("#site-search")
    box.press_sequentially("cmp-4", delay=30)
    option = page.get_by_role("option").first
    option.wait_for()
    assert option.inner_text().split() == ["CMP-400123", "Import", "des", "Zustellungsjournals", "schlägt", "fehl"]
    assert box.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    shot(page, "suggestions-de")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/de/codes/CMP-400123/")


def test_search_box_escape_closes_suggestions_and_enter_searches(page):
    page.goto("/en/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = page.locator("#site-search")
    box.press_sequentially("Delivery led", delay=30)
    page.get_by_role("option", name="Delivery ledger import fails").wait_for()
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/en/search?q=Delivery+led" in page.url
    assert page.locator(".result-title").first.inner_text() == "Delivery ledger import fails"


def test_search_page_works_without_javascript(browser):
    page = browser(java_script_enabled=False).new_page()
    page.goto("/en/")
    page.fill("#site-search", "northwnd notise")
    with page.expect_navigation():
        page.press("#site-search", "Enter")
    assert "Showing results for “northwind notice”." in page.locator(".suggestion").inner_text()
    assert page.locator(".result-title").count() == 10


def test_product_pages_from_the_home_page(page):
    page.goto("/en/")
    page.get_by_role("link", name="Northwind Server", exact=True).click()
    page.wait_for_url("**/en/products/northwind-server/")
    assert page.locator(".list-tools .meta").inner_text() == "23 articles"
    page.get_by_role("link", name="Title", exact=True).click()
    page.wait_for_url("**/en/products/northwind-server/?sort=title")
    assert page.locator(".article-list a").first.inner_text() == "Northwind server notice 01"
    page.get_by_role("link", name="Next", exact=True).click()
    page.wait_for_url("**/en/products/northwind-server/?sort=title&page=2")
    assert page.locator(".article-list li").count() == 3
    page.get_by_role("link", name="Home").first.click()
    page.wait_for_url("**/en/")


PHONE_PAGES = {
    "home": "/{lang}/",
    "article": "/{lang}/articles/CMP-1/",  # a code block and a table
    "search": "/{lang}/search?q=northwind",
    "product": "/{lang}/products/campaign/",
}


LONG_PRODUCT = "Northwind Experience Server as a Managed Cloud Service"


@pytest.fixture
def long_product(browse_dir):
    """68 articles of a product with a long name, written where ``browser`` imports from, so
    they are imported with the others before the browser starts (an import made by the test
    while the browser ran left PostgreSQL's connection closed for the tests after it)."""
    from tests.conftest import BROWSE_ARTICLE
    from tests.helpers import write

    for n in range(1, 69):
        write(browse_dir / "en" / f"LONG-{n}.md", BROWSE_ARTICLE.format(
            title=f"Sign-in loop {n}", description="About it.", products=LONG_PRODUCT,
            published="1/1/2024 10:00:00 AM", number=f"LONG-{n}", body="Plain words."))


def test_a_long_product_name_wraps_beside_its_count_on_a_phone(long_product, browser):
    name = LONG_PRODUCT
    page = browser(viewport=PHONE).new_page()
    page.goto("/en/")
    row = page.locator(".product-list li", has_text=name)
    link, count = row.locator("a"), row.locator(".count")
    lines = "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }"
    assert count.inner_text() == "68"
    assert link.evaluate(lines) == 2 and count.evaluate(lines) == 1  # the name wraps, its count does not
    shot(page, "home-long-product-360")


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_no_horizontal_scroll_at_360px(browser, name):
    page = browser(viewport=PHONE).new_page()
    page.goto(PHONE_PAGES[name].format(lang="en"))
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    shot(page, f"360-{name}")
    assert overflow <= 0
    if name == "article":
        pre = page.locator(".article-body pre").first
        assert pre.evaluate("e => e.scrollWidth > e.clientWidth")  # scrolls inside its box
        assert pre.get_attribute("tabindex") == "0"  # and can be scrolled from the keyboard
    if name == "search":
        facets = page.locator("details.facets")
        assert facets.get_attribute("open") is None  # folded behind its toggle on a phone
        assert page.locator(".result-title").first.bounding_box()["y"] < PHONE["height"]


def test_search_facets_are_open_on_a_wide_screen(browser):
    page = browser(viewport={"width": 1280, "height": 900}).new_page()
    page.goto("/en/search?q=northwind")
    assert page.locator("details.facets").get_attribute("open") is not None
    shot(page, "1280-search")
    page.goto("/en/articles/CMP-1/")
    shot(page, "1280-article")


def axe_violations(page):
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.filter(v => v.impact === "critical" || v.impact === "serious")
            .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
    }""")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_serious_violation(browser, lang):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make test runs npm ci)")
    failures = []
    for width in (PHONE, {"width": 1280, "height": 900}):
        context = browser(viewport=width)
        context.add_init_script(path=str(AXE))  # injected by the browser itself: the page's CSP does not apply
        page = context.new_page()
        for name, url in {**PHONE_PAGES, "codes": "/{lang}/codes/"}.items():
            page.goto(url.format(lang=lang))
            failures += [f"{width['width']}px {name}: {v}" for v in axe_violations(page)]
            if width is PHONE and lang in ("ja", "de"):
                shot(page, f"360-{name}-{lang}")
        context.close()
    assert failures == []


def test_pages_run_under_the_policy_without_a_violation(page):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    for url in ("/en/", "/en/articles/KB-100/", "/en/search?q=export", "/en/products/campaign/", "/en/codes/"):
        page.goto(url)
    page.locator("#site-search").press_sequentially("cmp", delay=30)
    page.get_by_role("option").first.wait_for()
    assert violations == []
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"  # kb.css applied
    assert re.match(r"^/static/kb/kb\.js", page.locator("script").first.get_attribute("src"))


def test_a_readers_pages_ask_for_nothing_the_server_does_not_have(page):
    """Every request a page makes (its stylesheet, scripts, what they fetch) is answered."""
    failed = []
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    page.on("requestfailed", lambda request: failed.append(f"failed {request.url}"))
    for url in ("/en/", "/en/articles/KB-100/", "/ja/search?q=export"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert failed == []


def test_a_click_on_a_search_page_served_from_a_cache_is_recorded(page):
    """The search page is the same for every reader (a browser revalidates it, kb answers 304
    or from its page cache): each view is logged, and the opened result marks one search."""
    import time

    from articles.analytics.models import SearchEvent
    from articles.analytics.recorder import recorder

    recorder.discard()
    page.goto("/en/search?q=ledger")
    page.goto("/en/search?q=ledger")  # revalidated: the same bytes, no per-view id in them
    assert page.locator("ol.results").get_attribute("data-query") == "ledger"
    with page.expect_navigation():
        page.locator(".result-title").first.click()
    deadline = time.monotonic() + 10
    while not SearchEvent.objects.filter(opened_rank__isnull=False).exists() and time.monotonic() < deadline:
        recorder.flush()  # the beacon may come a moment after the navigation
        time.sleep(0.1)
    events = list(SearchEvent.objects.filter(query="ledger").values_list("opened_rank", flat=True))
    assert sorted(events, key=lambda rank: rank or 0) == [None, 1]


def test_a_log_pasted_into_the_search_box_is_sent_to_log_triage(page):
    # Longer than an address may be (gunicorn refuses request lines over 8,190 bytes): the page
    # posts it to the triage page instead, which explains the code it holds.
    log = "".join(f"2026-03-02 04:10:{i % 60:02d}.201Z worker-{i} RPT-504012 gateway timeout while exporting "
                  f"report {i} — résumé ébauché\n" for i in range(60))
    page.goto("/fr/")
    page.fill("#site-search", log)
    with page.expect_navigation():
        page.press("#site-search", "Enter")
    assert page.url.endswith("/fr/triage/")
    assert "RPT-504012" in page.locator(".triage-results > .codes").inner_text()
    assert "RPT-504012" in page.locator(".triage-results .result-title").first.inner_text()
    # The box joined the pasted lines; they are told apart again where each log line starts.
    assert page.locator(".triage-lines").first.inner_text().endswith("1–60")
    shot(page, "search-long-paste-triage")


def test_a_pasted_log_is_searched_by_its_start_when_triage_cannot_be_reached(page):
    log = " ".join(f"worker-{i} RPT-504012 gateway timeout while exporting report {i}" for i in range(200))
    page.goto("/en/")
    page.route("**/en/triage/", lambda route: route.abort())
    page.fill("#site-search", log)
    with page.expect_navigation():
        page.press("#site-search", "Enter")
    assert "/en/search?q=worker-0+RPT-504012" in page.url and len(page.url) < 4000
    assert page.locator(".result-title").first.inner_text() == "Report export times out with RPT-504012"


def test_a_short_search_stays_a_search(page):
    page.goto("/en/")
    page.fill("#site-search", "RPT-504012 gateway timeout")
    with page.expect_navigation():
        page.press("#site-search", "Enter")
    assert "/en/search?q=RPT-504012" in page.url
