"""Search before you create, in Debian's Chromium driven by Playwright: an editor types a new
article's title on a 360 px phone and on a desktop, and the panel lists the article that exists
only in French, with its language badge, opening in a new tab; without JavaScript the Find
similar articles button opens the same list in a new tab, leaving the draft as it was; the
duplicates page shows the cross-language pair. Screenshots go to var/screenshots/similar-*.png."""
from django.contrib.auth.models import User
from django.db import connections
import pytest

from articles.editing.permissions import role_group
from articles.search import sync
from articles.search.semantic import compute, vectors
from tests.test_browser import CHROMIUM, PHONE, shot
from tests.test_browser_editor import PASSWORD
from tests.test_semantic_editor import ARTICLES, EXPORT_DRAFT
from tests.helpers import kcs_article, write

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]
WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def chromium(live_server, tmp_path, monkeypatch):
    from articles.importing import import_paths

    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    for (language, number), (title, description, symptoms, resolution) in ARTICLES.items():
        write(tmp_path / "kb" / language / f"{number}.md", kcs_article(
            title=title, description=description, number=number, symptoms=symptoms, resolution=resolution))
    import_paths([tmp_path / "kb"])
    sync.bring_up_to_date()
    compute.catch_up()
    vectors.forget()
    editor = User.objects.create_user("ed", password=PASSWORD)
    editor.groups.add(role_group("editor"))
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])

        def page(viewport=PHONE, javascript=True):
            context = browser.new_context(base_url=live_server.url, viewport=viewport, java_script_enabled=javascript)
            page = context.new_page()
            page.goto("/accounts/login/?next=/en/editor/")
            page.fill('input[name="username"]', "ed")
            page.fill('input[name="password"]', PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(lambda url: url.endswith("/en/editor/") and "login" not in url)
            return page

        yield page
        browser.close()
        connections.close_all()
    vectors.forget()


def fits(page, name, viewport):
    width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    shot(page, f"similar-{name}-{viewport['width']}")
    assert width <= 0, f"{name} is {width} px too wide at {viewport['width']} px"


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "desktop"])
def test_the_panel_lists_the_french_article_as_the_title_is_typed(chromium, viewport):
    page = chromium(viewport)
    page.goto("/en/editor/new/")
    assert page.locator("#similar").is_hidden()  # nothing typed: nothing to compare
    page.locator('input[name="title"]').press_sequentially(EXPORT_DRAFT["title"], delay=5)
    first = page.locator("#similar .similar-list li").first
    first.wait_for(timeout=20000)
    assert "KB-952" in first.inner_text() and "French" in first.locator(".tag").inner_text()
    link = first.locator("a")
    assert link.get_attribute("target") == "_blank" and link.get_attribute("href") == "/en/articles/KB-952/"
    box = page.locator("#similar").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    fits(page, "panel", viewport)
    page.fill('input[name="title"]', "")
    page.wait_for_selector("#similar", state="hidden")  # emptied: the panel goes away


def test_without_javascript_the_button_opens_the_list_in_a_new_tab(chromium):
    page = chromium(PHONE, javascript=False)
    page.goto("/en/editor/new/")
    page.fill('input[name="title"]', EXPORT_DRAFT["title"])
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Find similar articles").click()
    listing = opened.value
    listing.wait_for_load_state()
    assert "KB-952" in listing.locator(".similar-list").inner_text()
    fits(listing, "page", PHONE)
    assert page.input_value('input[name="title"]') == EXPORT_DRAFT["title"]  # the draft stays as typed


def test_the_duplicates_page_fits_a_phone(chromium, monkeypatch):
    from articles.search.semantic import centroids, duplicates

    monkeypatch.setattr(centroids, "MIN_LANGUAGE_ROWS", 4)  # as tests/test_semantic_editor.py's few_texts
    monkeypatch.setattr(duplicates, "THRESHOLD", 0.4)
    page = chromium(PHONE)
    page.get_by_role("link", name="Possible duplicates").click()
    assert "KB-955" in page.locator(".duplicates-table").inner_text()
    fits(page, "duplicates", PHONE)
    page.set_viewport_size(WIDE)
    fits(page, "duplicates", WIDE)
