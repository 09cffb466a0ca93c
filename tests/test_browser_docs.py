"""Documentation pages in Debian's Chromium: a tab set is an ARIA tab list driven by the arrow
keys (every panel under its title without JavaScript), a step keeps its image and its code, a
link between pages opens the other page at its anchor, and the guide's navigation is a sidebar
on wide screens, folded above the page on phones, with previous and next pages. Screenshots at 360 and 1280 px go to
var/screenshots/docs-*.png. Pages are written for the test."""
import pytest

from tests.helpers import write
from tests.test_browser import AXE, CHROMIUM, PHONE, axe_violations, browser, shot  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]
WIDE = {"width": 1280, "height": 900}

SETUP = """---
title: Set up the relay
exl-id: 5a5a-relay-setup
---
# Set up the relay

Choose how to set it up:

>[!BEGINTABS]

>[!TAB From the console]

1. Open **Relays** in the console.

   ![The relay list](assets/relays.png)

1. Add this rule to the relay's filter:

   ```js
   if (message.size > 10485760) { reject("<too large>"); }
   ```

1. Save, then [send a test message](../check/test-message.md#send-one).

>[!TAB From the command line]

Run the relay tool:

```sh
relayctl add --filter size
```

>[!ENDTABS]
"""
CHECK = """---
title: Send a test message
exl-id: 6b6b-relay-check
---
# Send a test message

## Send one {#send-one}

A test message goes through every relay.
"""


TOC = """---
title: Relay documentation
breadcrumb-title: Relay guide
---
# Relay documentation

+ Setting up {#setup}
  + [Set up the relay](setup/relay.md)
+ Checking {#check}
  + [Send a test message](check/test-message.md)
  + [Relay functions](check/functions.md)
"""
# A reference page whose "On this page" list is taller than any screen.
FUNCTIONS = """---
title: Relay functions
exl-id: 7c7c-relay-functions
---
# Relay functions

""" + "".join(f"## Function {n}\n\nFunction {n} counts the messages of rule {n} and keeps the total for a day.\n\n"
              for n in range(1, 41))


@pytest.fixture
def browse_dir(tmp_path):
    root = tmp_path / "docs"
    write(root / "relay.en" / "help" / "TOC.md", TOC)
    write(root / "relay.en" / "help" / "setup" / "relay.md", SETUP)
    write(root / "relay.en" / "help" / "check" / "test-message.md", CHECK)
    write(root / "relay.en" / "help" / "check" / "functions.md", FUNCTIONS)
    (root / "relay.en" / "help" / "setup" / "assets").mkdir(parents=True)
    from pathlib import Path

    png = (Path(__file__).parent / "data" / "articles" / "assets" / "flow.png").read_bytes()
    (root / "relay.en" / "help" / "setup" / "assets" / "relays.png").write_bytes(png)
    return root


URL = "/en/docs/relay/setup/relay/"


def test_tabs_are_a_tab_list_driven_by_the_keyboard(browser):
    for name, viewport in (("360", PHONE), ("1280", WIDE)):
        context = browser(viewport=viewport)
        if AXE.exists():
            context.add_init_script(path=str(AXE))  # injected by the browser: the page's CSP does not apply
        page = context.new_page()
        page.goto(URL)
        tabs = page.get_by_role("tab")
        assert tabs.count() == 2
        assert page.get_by_role("tab", name="From the console").get_attribute("aria-selected") == "true"
        assert page.get_by_role("tabpanel").count() == 1  # the other panel is hidden
        assert page.locator(".article-body ol > li").count() == 3  # one list: numbering runs across the image and code
        assert page.locator(".article-body ol pre code").inner_text().startswith("if (message.size")
        assert page.locator(".article-body ol img").get_attribute("src").startswith("/media/")
        shot(page, f"docs-tabs-{name}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        page.get_by_role("tab", name="From the console").focus()
        page.keyboard.press("ArrowRight")
        second = page.get_by_role("tab", name="From the command line")
        assert second.get_attribute("aria-selected") == "true"
        assert page.evaluate("document.activeElement.textContent") == "From the command line"
        assert "relayctl add" in page.get_by_role("tabpanel").inner_text()
        page.keyboard.press("ArrowRight")  # wraps round to the first
        assert page.get_by_role("tab", name="From the console").get_attribute("aria-selected") == "true"
        if AXE.exists():
            assert axe_violations(page) == []


def test_without_javascript_every_panel_shows_under_its_title(browser):
    page = browser(java_script_enabled=False, viewport=PHONE).new_page()
    page.goto(URL)
    assert page.locator(".tab-title").all_inner_texts() == ["From the console", "From the command line"]
    assert page.locator(".tab-panel").nth(1).is_visible()
    shot(page, "docs-tabs-nojs-360")


def test_a_link_between_pages_opens_the_other_page_at_its_anchor(browser):
    page = browser(viewport=WIDE).new_page()
    page.goto(URL)
    page.get_by_role("link", name="send a test message", exact=True).click()
    page.wait_for_url("**/en/docs/relay/check/test-message/#send-one")
    assert page.locator("h2#send-one").is_visible()


def test_the_guides_navigation_is_beside_the_page_and_folded_on_phones(browser):
    wide = browser(viewport=WIDE).new_page()
    wide.goto(URL)
    sidebar = wide.get_by_role("navigation", name="Documentation")
    assert sidebar.locator("[aria-current=page]").inner_text() == "Set up the relay"
    assert sidebar.locator("[aria-current=page]").is_visible()  # its group is open, the others folded
    other = sidebar.get_by_role("link", name="Send a test message")
    assert not other.is_visible()
    sidebar.get_by_text("Checking").click()
    assert other.is_visible()
    crumbs = wide.get_by_role("navigation", name="Breadcrumb").inner_text()
    assert "Relay guide" in crumbs and "Setting up" in crumbs
    shot(wide, "docs-nav-1280")
    wide.get_by_role("link", name="Next Send a test message").click()
    wide.wait_for_url("**/en/docs/relay/check/test-message/")
    assert wide.get_by_role("link", name="Previous Set up the relay").is_visible()

    phone = browser(viewport=PHONE).new_page()
    phone.goto(URL)
    link = phone.get_by_role("navigation", name="Documentation").locator("[aria-current=page]")
    assert not link.is_visible()  # folded: the page comes first
    phone.get_by_text("Relay guide", exact=True).last.click()
    assert link.is_visible()
    shot(phone, "docs-nav-360")
    assert phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def test_on_this_page_is_beside_the_text_where_it_fits_and_folded_above_it_elsewhere(browser):
    for width, beside in ((360, False), (900, False), (1366, True)):
        page = browser(viewport={"width": width, "height": 800}).new_page()
        page.goto("/en/docs/relay/check/functions/")
        toc = page.get_by_role("navigation", name="On this page")
        fold = toc.locator("details")
        body = page.locator(".article-body").bounding_box()
        shot(page, f"docs-on-this-page-{width}")
        if beside:
            assert fold.evaluate("details => details.open")
            box = toc.bounding_box()
            assert box["x"] + box["width"] <= body["x"] and body["width"] >= 640
            # Taller than the screen, the list scrolls on its own: its last entry can be reached.
            assert box["height"] <= 800 and toc.evaluate("nav => nav.scrollHeight > nav.clientHeight")
            last = toc.get_by_role("link", name="Function 40")
            last.scroll_into_view_if_needed()
            found = last.bounding_box()
            assert 0 <= found["y"] and found["y"] + found["height"] <= 800
        else:
            # Folded above the text, which starts on the first screen and keeps the width.
            assert not fold.evaluate("details => details.open")
            assert body["y"] < 800 and body["width"] >= min(width - 40, 560)
            toc.get_by_text("On this page").click()
            toc.get_by_role("link", name="Function 12", exact=True).click()
            page.wait_for_url("**#function-12")
            assert page.locator("h2#function-12").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
