"""The editor pages in Debian's Chromium driven by Playwright: an editor signs in, creates an
article and watches the live preview render an alert without a reload; a publisher publishes
it and finds it through the search page; two sessions resolve a conflict. Set
``KB_SCREENSHOTS=/some/folder`` to keep screenshots of the pages at 360 px and on a desktop."""
import os
from pathlib import Path

from django.contrib.auth.models import User
from django.db import connections
import pytest

from articles.editing import actions
from articles.editing.permissions import role_group
from articles.importing import import_paths
from articles.models import Revision
from articles.search import sync

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "right-password-123"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]
BODY = "### Symptoms\n\nThe quartzledger sync stops with QLS-7731.\n\n>[!WARNING]\n>\n>Back up the ledger first.\n"


def user_with(role):
    user = User.objects.create_user(role, password=PASSWORD)
    user.groups.add(role_group(role))
    return user


@pytest.fixture
def browser(live_server, articles_dir, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    import_paths([articles_dir])
    sync.bring_up_to_date()  # the index starts missing in a fresh test
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])

        def session(username, width=1280):
            page = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}).new_page()
            page.goto("/accounts/login/?next=/en/editor/")
            page.fill('input[name="username"]', username)
            page.fill('input[name="password"]', PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(lambda url: url.endswith("/en/editor/") and "login" not in url)
            return page

        yield session
        chromium.close()
        # The ORM calls made while Playwright's loop runs get connections of their own: closed
        # here, or PostgreSQL refuses to drop the test database at the end ("being accessed").
        connections.close_all()


def screenshot(page, name):
    folder = os.environ.get("KB_SCREENSHOTS")
    if folder:
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_create_watch_the_live_preview_publish_and_find_it(browser):
    user_with("editor"), user_with("publisher")
    editor = browser("editor")
    violations = []
    editor.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    with editor.expect_navigation():  # loaded: the preview's script listens before the body is typed
        editor.get_by_role("link", name="New article").click()
    editor.fill('input[name="title"]', "Quartzledger sync stops with QLS-7731")
    editor.evaluate("window.notReloaded = true")
    editor.fill('textarea[name="body"]', BODY)
    editor.wait_for_selector("#preview .alert.alert-warning")  # rendered by the server, no reload
    assert editor.evaluate("window.notReloaded") is True
    assert "Back up the ledger first." in editor.inner_text("#preview")
    screenshot(editor, "edit")
    editor.get_by_role("button", name="Save", exact=True).click()
    editor.wait_for_url("**/en/editor/articles/KA-*/")
    number = editor.inner_text("h1")
    editor.get_by_role("button", name="Submit for review").click()
    editor.wait_for_selector("text=The article is now not validated.")
    assert violations == []

    publisher = browser("publisher")
    publisher.get_by_role("link", name="Waiting for review").first.click()
    publisher.get_by_role("link", name=number).click()
    screenshot(publisher, "article")
    publisher.get_by_role("button", name="Publish", exact=True).click()
    publisher.wait_for_selector("text=The article is now validated.")
    publisher.goto("/en/")
    publisher.fill('input[name="q"]', "QLS-7731")
    publisher.keyboard.press("Enter")
    publisher.wait_for_url("**/en/search?q=QLS-7731")
    assert publisher.locator(".result-title").first.inner_text() == "Quartzledger sync stops with QLS-7731"
    publisher.locator(".result-title a, a.result-title").first.click()
    publisher.wait_for_selector(".editor-bar")
    assert "validated" in publisher.inner_text(".editor-bar")
    screenshot(publisher, "article-page")


def test_two_sessions_saving_different_fields_both_keep_their_change(browser):
    alice, bob = user_with("editor"), user_with("publisher")
    article = actions.create_article(alice, translation={"language": "en", "title": "Sync stops", "body": BODY})
    edit = f"/en/editor/articles/{article.number}/en/edit/"
    first, second = browser("editor"), browser("publisher")
    first.goto(edit)
    second.goto(edit)
    first.fill('input[name="title"]', "Sync halts")
    first.get_by_role("button", name="Save", exact=True).click()
    first.wait_for_selector("text=Saved revision 2")
    second.fill('textarea[name="description"]', "Seen after the agent upgrade.")
    second.get_by_role("button", name="Save", exact=True).click()
    second.wait_for_selector("text=with the changes saved since revision 1 kept")
    saved = Revision.objects.get(translation__article=article, number=3)
    assert saved.title == "Sync halts" and saved.description == "Seen after the agent upgrade."


def test_a_collision_between_two_sessions_is_resolved_by_an_explicit_choice(browser):
    alice, bob = user_with("editor"), user_with("publisher")
    article = actions.create_article(alice, translation={"language": "en", "title": "Sync stops", "body": BODY})
    edit = f"/en/editor/articles/{article.number}/en/edit/"
    first, second = browser("editor"), browser("publisher")
    first.goto(edit)
    second.goto(edit)
    first.fill('input[name="title"]', "Sync halts")
    first.get_by_role("button", name="Save", exact=True).click()
    first.wait_for_selector("text=Saved revision 2")
    second.fill('input[name="title"]', "Sync freezes")
    second.fill('textarea[name="body"]', BODY + "\nRestart the agent.\n")
    second.get_by_role("button", name="Save", exact=True).click()
    second.wait_for_selector(".conflict-choice")
    assert "halts" in second.inner_text(".conflict-choice .diff-old")  # their title
    assert "freezes" in second.inner_text(".conflict-choice .diff-new")  # ours, beside it
    assert "Restart the agent." in second.input_value('textarea[name="body"]')  # our text, kept
    screenshot(second, "conflict")
    second.get_by_role("button", name="Save", exact=True).click()  # no choice made: the browser asks for one
    assert Revision.objects.filter(translation__article=article).count() == 2
    second.get_by_label("Keep their version").check()
    second.get_by_role("button", name="Save", exact=True).click()
    second.wait_for_selector("text=Saved revision 3")
    saved = Revision.objects.get(translation__article=article, number=3)
    assert saved.title == "Sync halts" and "Restart the agent." in saved.body
    second.goto(f"/en/editor/articles/{article.number}/en/diff/?from=2&to=3")
    screenshot(second, "diff")
    assert second.locator(".diff-side ins", has_text="Restart the agent.").count() == 1
    assert second.locator(".diff-side del").count() == 0  # nothing else differs, line endings neither


def test_editor_pages_fit_a_360_px_phone_and_the_keyboard_reaches_the_form(browser):
    editor, publisher = user_with("editor"), user_with("publisher")
    article = actions.create_article(editor, translation={"language": "en", "title": "Sync stops", "body": BODY})
    actions.save_translation(editor, article.number, "fr", {"title": "La synchro s’arrête", "body": "Texte."},
                             base_revision=None)
    actions.transition(publisher, article.number, "validated")
    actions.save_translation(publisher, article.number, "en", {"title": "Sync halts", "body": BODY + "More.\n"},
                             base_revision=1)
    actions.transition(publisher, article.number, "validated")  # the French translation is now outdated
    page = browser("publisher", width=360)
    for url in ("/en/editor/", "/en/editor/new/", "/en/editor/upload/", f"/en/editor/articles/{article.number}/",
                f"/en/editor/articles/{article.number}/en/edit/", f"/en/editor/articles/{article.number}/fr/edit/",
                f"/en/editor/articles/{article.number}/en/history/",
                f"/en/editor/articles/{article.number}/en/diff/?from=1&to=2", "/accounts/login/"):
        page.goto(url)
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                         && !e.closest('.table-scroll'))
            .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
        assert wide == [], url
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0, url
        screenshot(page, "page-" + "-".join(part for part in url.split("?")[0].split("/") if part))
    page.goto(f"/en/editor/articles/{article.number}/en/edit/")
    page.focus('input[name="title"]')
    for _ in range(4):  # description, keywords, products, body
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "body"


def test_switching_language_keeps_the_editor_page_and_asks_before_dropping_what_was_typed(browser):
    alice = user_with("editor")
    article = actions.create_article(alice, translation={"language": "en", "title": "Sync stops", "body": BODY})
    page = browser("editor")
    page.goto(f"/en/editor/articles/{article.number}/en/history/")
    with page.expect_navigation():
        page.select_option("#site-language", label="Français")
    assert page.url.endswith(f"/fr/editor/articles/{article.number}/en/history/")
    page.goto(f"/fr/editor/articles/{article.number}/en/edit/")
    page.fill('textarea[name="body"]', BODY + "\nTyped, not saved.\n")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay

    page.on("dialog", answer)
    page.select_option("#site-language", label="日本語")
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"] and page.url.endswith("/fr/editor/articles/%s/en/edit/" % article.number)
    assert "Typed, not saved." in page.input_value('textarea[name="body"]')
    page.remove_listener("dialog", answer)
    page.on("dialog", lambda dialog: dialog.accept())  # leave
    with page.expect_navigation():
        page.select_option("#site-language", label="日本語")
    assert page.url.endswith(f"/ja/editor/articles/{article.number}/en/edit/")
