"""The editor menu leads to the editors' analytics pages (search analytics, article feedback),
for the users those pages let in (``can_edit``: editors, publishers, staff) and no one else."""
from django.contrib.auth.models import User
from django.test import Client
import pytest

from articles.editing.permissions import role_group
from articles.importing import import_paths
from articles.search import sync

pytestmark = pytest.mark.django_db

SEARCHES = 'href="/{lang}/analytics/searches/"'
FEEDBACK = 'href="/{lang}/analytics/feedback/"'


def signed_in(role=None):
    user = User.objects.create_user(role or "reader", password="right-password-123")
    if role:
        user.groups.add(role_group(role))
    client = Client()
    client.force_login(user)
    return client


def analytics_links(html, lang="en"):
    return [link for link in (SEARCHES, FEEDBACK) if link.format(lang=lang) in html]


@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_an_editor_finds_both_analytics_pages_in_the_editor_menu(role):
    html = signed_in(role).get("/en/editor/").content.decode()
    menu = html.split('<nav class="editor-nav"', 1)[1].split("</nav>", 1)[0]
    assert analytics_links(menu) == [SEARCHES, FEEDBACK]
    assert ">Search analytics</a>" in menu and ">Article feedback</a>" in menu


def test_the_menu_links_are_in_the_readers_language_and_lead_to_the_pages():
    client = signed_in("editor")
    html = client.get("/ja/editor/").content.decode()
    assert analytics_links(html, "ja") == [SEARCHES, FEEDBACK]
    assert ">検索の分析</a>" in html and ">記事へのフィードバック</a>" in html
    for link in (SEARCHES, FEEDBACK):
        assert client.get(link.format(lang="ja")[6:-1]).status_code == 200


def test_the_menu_is_on_every_editor_page_not_only_the_lists():
    html = signed_in("editor").get("/en/editor/review/").content.decode()
    assert analytics_links(html) == [SEARCHES, FEEDBACK]


def test_an_anonymous_reader_is_shown_no_analytics_link(articles_dir):
    import_paths([articles_dir])
    sync.bring_up_to_date()  # the index starts missing in a fresh test
    client = Client()
    for path in ("/en/", "/en/articles/KB-100/", "/en/codes/", "/en/search?q=export"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert analytics_links(response.content.decode()) == [], path
    response = client.get("/en/editor/", follow=True)  # sent to the sign-in page
    assert response.redirect_chain and analytics_links(response.content.decode()) == []


def test_a_signed_in_reader_without_a_role_is_shown_no_analytics_link():
    client = signed_in()
    for path in ("/en/", "/en/editor/"):
        assert analytics_links(client.get(path).content.decode()) == [], path
