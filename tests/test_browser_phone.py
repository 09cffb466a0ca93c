"""No page is wider than a 360 px phone (issue 25), in Debian's Chromium driven by Playwright:
articles written for the test cite Java class names of 80-90 characters as error codes, have
a Japanese title of 120 characters without a space (with such a class name inside, as real
titles do) and a product name of one 60-letter word; every reader and editor page that shows
them must wrap them, or scroll them inside their own box, so that the document is no wider
than the screen. Screenshots at 360 and 1280 px go to var/screenshots/phone-*.png.

Reuses test_browser.py's ``browser`` fixture, which imports ``articles_dir`` and
``browse_dir``: this module's ``browse_dir`` hands it the articles below instead."""
from django.contrib.auth.models import User
from django.db import connections
import pytest

from articles.analytics import feedback, recorder
from articles.editing import actions
from articles.editing.permissions import role_group
from articles.models import Article
from tests.helpers import write
from tests.test_browser import AXE, CHROMIUM, PHONE, axe_violations, browser, shot  # noqa: F401 (a fixture)
from tests.test_browser_editor import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]

WIDE = {"width": 1280, "height": 900}
# Error codes the extractor takes whole (a dotted class name ending in Exception; a symbolic
# name of several underscores): each is one word, 60-90 characters long.
OVERFLOW = "org.example.quartzledger.replication.internal.QuartzLedgerReplicationQueueOverflowException"
CHECKSUM = "com.example.quartzledger.storage.segment.QuartzLedgerSegmentChecksumMismatchException"
SYMBOLIC = "QUARTZ_LEDGER_REPLICATION_QUEUE_OVERFLOW_DETECTED_ON_STANDBY_NODE"
PRODUCT = "QuartzledgerEnterpriseReplicationServerForDistributedWarehouses"
# 120 characters, no space: Japanese around the class name that the error log prints.
JA_TITLE = "待機ノードで台帳の複製キューが溢れて" + OVERFLOW + "が記録され複製が止まる"
assert len(JA_TITLE) == 120 and " " not in JA_TITLE

ARTICLE = """---
title: "{title}"
description: "{description}"
product: {product}
article-published-date: 5/1/2024 10:00:00 AM
article-number: {number}
---
# {title}

## Description {{#description}}

{body}
"""
BODY = f"""The standby node stops replicating and the log prints `{OVERFLOW}`,
then {CHECKSUM} and {SYMBOLIC} once the queue is full.

```
2024-05-01 10:00:00 ERROR [replication-worker-7] {OVERFLOW}: queue of 65536 entries is full; the standby node at ledger-standby-02.example.internal stops
```

| Setting | Default | Recommended |
| --- | --- | --- |
| replication.queue.maxEntriesBeforeTheStandbyNodeStopsAcceptingNewSegments | 65536 | 262144 |
"""
PASTE = f"""2024-05-01 10:00:00 INFO  starting replication worker
2024-05-01 10:00:01 ERROR [replication-worker-7] {OVERFLOW}: queue full
Caused by: {CHECKSUM}: segment 42
2024-05-01 10:00:02 WARN  {SYMBOLIC}
"""


@pytest.fixture
def browse_dir(tmp_path):
    """The articles of this module (test_browser's ``browser`` fixture imports them)."""
    root = tmp_path / "phone"
    write(root / "en" / "QL-1.md", ARTICLE.format(
        number="QL-1", product=PRODUCT, body=BODY,
        title=f"Replication stops with {OVERFLOW}",
        description=f"The standby node logs {CHECKSUM} and stops."))
    write(root / "ja" / "QL-1.md", ARTICLE.format(
        number="QL-1", product=PRODUCT, body=BODY, title=JA_TITLE,
        description=f"待機ノードが{CHECKSUM}を記録して停止します。"))
    write(root / "en" / "QL-2.md", ARTICLE.format(
        number="QL-2", product=PRODUCT, title=SYMBOLIC, description=SYMBOLIC,
        body=f"The monitor raises {SYMBOLIC} when the queue is full."))
    return root


def overflow(page):
    """How many pixels the document is wider than the viewport (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def check_widths(page, name):
    """The page fits a phone (asserted) and a desktop; screenshots at both widths."""
    page.set_viewport_size(PHONE)
    phone = page.evaluate("document.documentElement.scrollWidth")
    shot(page, f"phone-{name}-360")
    page.set_viewport_size(WIDE)
    wide = overflow(page)
    shot(page, f"phone-{name}-1280")
    assert phone <= PHONE["width"], f"{name} is {phone} px wide at 360 px"
    assert wide <= 0, f"{name} is {wide} px too wide at 1280 px"


READER_PAGES = {
    "home-en": "/en/",
    "home-ja": "/ja/",
    "article-en": "/en/articles/QL-1/",
    "article-ja": "/ja/articles/QL-1/",  # the 120-character title
    "article-symbolic": "/en/articles/QL-2/",
    "search-en": f"/en/search?q={OVERFLOW}",
    "search-ja": "/ja/search?q=QuartzLedgerReplicationQueueOverflowException",
    "codes": "/en/codes/",
    "code": f"/en/codes/{OVERFLOW}/",
    "code-symbolic": f"/ja/codes/{SYMBOLIC}/",
    "list-en": "/en/articles/",
    "list-ja": "/ja/articles/?sort=title",
}


@pytest.mark.parametrize("name", READER_PAGES)
def test_reader_pages_fit_a_phone(browser, name):
    page = browser(viewport=PHONE, locale="en-US").new_page()
    page.goto(READER_PAGES[name])
    assert OVERFLOW in page.content() or SYMBOLIC in page.content() or JA_TITLE in page.content()
    check_widths(page, name)


def test_axe_finds_no_serious_violation_in_the_wrapped_pages(browser):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make test runs npm ci)")
    context = browser(viewport=PHONE)
    context.add_init_script(path=str(AXE))  # injected by the browser itself: the page's CSP does not apply
    page = context.new_page()
    failures = []
    for name in ("article-ja", "codes", "code", "search-en"):
        page.goto(READER_PAGES[name])
        failures += [f"{name}: {v}" for v in axe_violations(page)]
    assert failures == []


def test_the_long_code_chips_wrap_inside_the_screen(browser):
    page = browser(viewport=PHONE).new_page()
    page.goto(f"/en/search?q={OVERFLOW}")
    chips = page.locator(".result .code")
    assert chips.count() >= 2
    for box in (chips.nth(i).bounding_box() for i in range(chips.count())):
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_code_blocks_still_scroll_inside_themselves(browser):
    """A log line is not broken: its block scrolls, the page does not."""
    page = browser(viewport=PHONE).new_page()
    page.goto("/ja/articles/QL-1/")
    pre = page.locator(".article-body pre").first
    assert pre.evaluate("e => e.scrollWidth > e.clientWidth")
    assert overflow(page) <= 0


def test_product_page_fits_a_phone(browser):
    page = browser(viewport=PHONE).new_page()
    page.goto("/en/")
    with page.expect_navigation():
        page.get_by_role("link", name=PRODUCT).first.click()
    assert "/en/products/" in page.url
    check_widths(page, "product")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_triage_with_a_result_fits_a_phone(browser, lang):
    page = browser(viewport=PHONE).new_page()
    page.goto(f"/{lang}/triage/")
    page.fill(".triage-form textarea", PASTE)
    with page.expect_navigation():
        page.click(".triage-form button")
    assert page.locator(".triage-results .result").count() >= 1
    assert page.locator(".triage-results .code").count() >= 2
    check_widths(page, f"triage-{lang}")


# -- editor pages ------------------------------------------------------------------------------
@pytest.fixture
def publisher(browser):
    """A signed-in publisher's page at 360 px, with a draft, a work in progress and an article
    waiting for review, each with a long unbroken title."""
    user = User.objects.create_user("publisher", password=PASSWORD)
    user.groups.add(role_group("publisher"))
    for base in (1, 2):  # a draft of two revisions, each with a long message
        actions.save_translation(user, "QL-1", "ja", {"title": JA_TITLE + f"（改訂{base}）", "body": BODY + CHECKSUM * base},
                                 base_revision=base, message=f"Explain {CHECKSUM}")
    actions.create_article(user, translation={"language": "en", "title": f"Draft about {SYMBOLIC}", "body": BODY})
    waiting = actions.create_article(user, translation={"language": "ja", "title": JA_TITLE, "body": BODY})
    actions.transition(user, waiting.number, "not_validated")
    page = browser(viewport=PHONE).new_page()
    page.goto("/accounts/login/?next=/en/editor/")
    page.fill('input[name="username"]', "publisher")
    page.fill('input[name="password"]', PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith("/en/editor/") and "login" not in url)
    yield page
    connections.close_all()


EDITOR_PAGES = {
    "dashboard": "/en/editor/",
    "dashboard-ja": "/ja/editor/",
    "edit": "/ja/editor/articles/QL-1/ja/edit/",
    "translate": "/en/editor/articles/QL-2/ja/edit/",  # the English source beside the form
    "history": "/ja/editor/articles/QL-1/ja/history/",
    "diff": "/ja/editor/articles/QL-1/ja/diff/?from=2&to=3",
    "review": "/en/editor/articles/QL-1/",
    "review-queue": "/ja/editor/review/",
    "translations": "/en/editor/translations/ja/",
}


@pytest.mark.parametrize("name", EDITOR_PAGES)
def test_editor_pages_fit_a_phone(publisher, name):
    publisher.goto(EDITOR_PAGES[name])
    assert publisher.locator(".editor-nav").count() == 1
    check_widths(publisher, f"editor-{name}")


def test_axe_finds_no_serious_violation_in_the_editor_menu_and_lists(publisher):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make test runs npm ci)")
    publisher.add_init_script(path=str(AXE))
    failures = []
    for name in ("dashboard-ja", "history", "review"):
        publisher.goto(EDITOR_PAGES[name])
        failures += [f"{name}: {v}" for v in axe_violations(publisher)]
    assert failures == []


def test_edit_preview_fits_a_phone(publisher):
    publisher.goto("/ja/editor/articles/QL-1/ja/edit/")
    publisher.fill('textarea[name="body"]', BODY + f"\n{OVERFLOW}{CHECKSUM}\n")
    publisher.wait_for_function("text => document.querySelector('#preview').textContent.includes(text)",
                                arg=OVERFLOW + CHECKSUM)  # rendered by the server, as typed
    check_widths(publisher, "editor-preview")


def test_upload_report_fits_a_phone(publisher):
    publisher.goto("/en/editor/upload/")
    publisher.fill('textarea[name="pasted"]', ARTICLE.format(
        number="QL-3", product=PRODUCT, body=BODY, title=OVERFLOW, description=CHECKSUM))
    with publisher.expect_navigation():
        publisher.get_by_role("button", name="Import").click()
    assert publisher.locator(".import-report").count() == 1
    check_widths(publisher, "editor-upload")


@pytest.mark.parametrize("path", ["/en/analytics/searches/", "/en/analytics/feedback/"])
def test_analytics_pages_from_the_editor_menu_fit_a_phone(publisher, path):
    """Their tables hold what readers typed: a class name searched for, a comment quoting one."""
    for query, results in ((OVERFLOW, 2), (CHECKSUM + "Unknown", 0)):
        recorder.record_search(query, "en", results, "page")
    recorder.flush()
    article = Article.objects.get(number="QL-1")
    for reader, helpful in (("a", False), ("b", False), ("c", True)):
        feedback.vote(article, "ja", feedback.reader_hash(reader * 24), helpful, f"{CHECKSUM} again")
    publisher.goto("/en/editor/")
    with publisher.expect_navigation():
        publisher.locator(f'.editor-nav a[href="{path}"]').click()
    check_widths(publisher, "editor-" + path.strip("/").replace("/", "-"))
