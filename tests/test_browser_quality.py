"""A coach scores an article on a 360 px phone and on a desktop, in Debian's Chromium driven by
Playwright: from the article's editor page to the scoring form (answers pre-filled by kb's
checks and marked so), overriding one, answering the rest, back to the article's AQI, then the
editors' report from the menu. Every page fits the phone; screenshots at 360 and 1280 px go to
var/screenshots/quality-*-360.png and -1280.png."""
from django.contrib.auth.models import User
import pytest

from articles.editing.permissions import coach_group, role_group
from articles.quality.models import Score
from tests.test_browser import CHROMIUM, PHONE, shot
from tests.test_browser_editor import PASSWORD
from tests.test_browser_health import WIDE, chromium, sign_in  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]
COMMENT = "Say which gateway setting holds the timeout, and in which version it moved."


def coach(name="cora"):
    user = User.objects.create_user(name, password=PASSWORD)
    user.groups.add(role_group("editor"), coach_group())
    return user


def fits(page, name, viewport):
    """The page is no wider than a phone at 360 px nor a desktop at 1280 px (asserted); a
    screenshot at the width the coach works in (``viewport``), quality-<name>-<width>.png."""
    page.set_viewport_size(PHONE)
    narrow = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(WIDE)
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.set_viewport_size(viewport)
    shot(page, f"quality-{name}-{viewport['width']}")
    assert narrow <= PHONE["width"], f"{name} is {narrow} px wide at 360 px"
    assert wide <= 0, f"{name} is {wide} px too wide at 1280 px"


def answer(page, key, value):
    page.locator(f"#q-{key} input[value='{value}']").check()


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["360px", "1280px"])
def test_a_coach_scores_an_article_and_finds_it_in_the_report(chromium, viewport):  # noqa: F811
    coach()
    page = chromium(viewport)
    sign_in(page, "cora")
    page.goto("/en/editor/articles/KB-100/")
    page.get_by_role("link", name="Score this article").click()
    page.wait_for_url("**/en/editor/articles/KB-100/quality/")
    automatic = page.locator("#q-links_resolve .automatic")
    assert "checked automatically" in automatic.inner_text() and "missing.png" in automatic.inner_text()
    assert page.locator("#q-links_resolve input[value='no']").is_checked()
    assert page.locator("#q-environment_given input[value='yes']").is_checked()
    assert not page.locator("#q-one_issue input:checked").count()
    fits(page, "score-form", viewport)
    answer(page, "links_resolve", "na")  # the coach overrides: the image is a decoration
    for key in ("issue_in_customer_words", "one_issue"):
        answer(page, key, "yes")
    answer(page, "clear_and_findable", "no")
    page.get_by_label("Comment for the authors (optional)").fill(COMMENT)
    with page.expect_navigation():
        page.get_by_role("button", name="Save the score").click()
    page.wait_for_selector("text=Score saved")
    made = Score.objects.get()
    assert (made.coach.username, made.comment) == ("cora", COMMENT)
    links = made.answers.get(question__key="links_resolve")
    assert (links.value, links.suggested) == ("na", "no")
    shown = f"{made.aqi:g}"
    assert shown in page.inner_text("#quality .aqi-latest") and COMMENT in page.inner_text("#quality")
    fits(page, "article-scored", viewport)
    page.get_by_role("link", name="Article quality").click()
    page.wait_for_url("**/en/editor/quality/")
    row = page.locator(".quality-lowest tbody tr").first
    assert "KB-100" in row.inner_text() and shown in row.inner_text()
    fits(page, "report", viewport)
