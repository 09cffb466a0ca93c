"""Owners (issue 28): every article has an owner, a user or a group of editors; its creator
(the import's user for an imported article, nobody for the command line) until a publisher
names another, on the article's editor page or through the API; the editors' lists filter by
owner."""
import importlib

from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
import pytest

from articles.editing import actions
from articles.health.models import ArticleHealth
from articles.importing import import_paths
from articles.models import Article
from tests.helpers import write
from tests.test_editing import BODY, client_for, create, user_with

pytestmark = pytest.mark.django_db
owners_migration = importlib.import_module("articles.health.migrations.0001_owners")

ARTICLE = "---\ntitle: {title}\narticle-number: {number}\n---\n### Symptoms\n\nThe ledger stops.\n"


def owner_of(client, number):
    response = client.get(f"/api/articles/{number}/owner/")
    assert response.status_code == 200, response.content
    return response.json()["owner"]


def browser_for(user):
    client = Client()
    client.force_login(user)
    return client


def new_article(user, title="Ledger export stops"):
    return actions.create_article(user, translation={"language": "en", "title": title, "body": BODY}).number


def test_the_creator_of_an_article_owns_it():
    editor = client_for(user_with("editor", "ana"))
    number = create(editor).json()["number"]
    assert owner_of(editor, number) == {"kind": "user", "name": "ana"}


def test_an_upload_is_owned_by_the_publisher_who_imported_it_and_a_command_line_import_by_nobody(tmp_path):
    publisher = user_with("publisher", "pia")
    write(tmp_path / "one" / "KB-1.md", ARTICLE.format(title="Ledger stops", number="KB-1"))
    write(tmp_path / "two" / "KB-2.md", ARTICLE.format(title="Export stops", number="KB-2"))
    assert import_paths([tmp_path / "one"], user=publisher).ok
    assert import_paths([tmp_path / "two"]).ok
    client = client_for(publisher)
    assert owner_of(client, "KB-1") == {"kind": "user", "name": "pia"}
    assert owner_of(client, "KB-2") is None
    write(tmp_path / "two" / "KB-1.md", ARTICLE.format(title="Ledger stops again", number="KB-1"))
    assert import_paths([tmp_path / "two"]).ok  # importing it again keeps its owner
    assert owner_of(client, "KB-1") == {"kind": "user", "name": "pia"}


def test_a_publisher_names_a_user_or_a_group_or_nobody_through_the_api():
    publisher = client_for(user_with("publisher", "pia"))
    user_with("editor", "ana")
    Group.objects.create(name="ledger-team")
    number = create(publisher).json()["number"]
    for body, owner in (({"user": "ana"}, {"kind": "user", "name": "ana"}),
                        ({"group": "ledger-team"}, {"kind": "group", "name": "ledger-team"}),
                        ({"user": None, "group": None}, None)):
        response = publisher.put(f"/api/articles/{number}/owner/", body, format="json")
        assert response.status_code == 200, response.content
        assert response.json() == {"number": number, "owner": owner}
        assert owner_of(publisher, number) == owner


@pytest.mark.parametrize("body, field, code", [
    ({"user": "nobody-by-that-name"}, "user", "unknown_user"),
    ({"user": "rita"}, "user", "not_an_editor"),
    ({"group": "no-such-team"}, "group", "unknown_group"),
    ({"user": "ana", "group": "ledger-team"}, "group", "one_owner"),
    ({"user": 7}, "user", "unknown_user"),
])
def test_an_owner_who_cannot_own_the_article_is_refused_and_the_owner_stays(body, field, code):
    publisher = client_for(user_with("publisher", "pia"))
    user_with("editor", "ana"), user_with(None, "rita")
    Group.objects.create(name="ledger-team")
    number = create(publisher).json()["number"]
    response = publisher.put(f"/api/articles/{number}/owner/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code and response.json()["error"]["field"] == field
    assert owner_of(publisher, number) == {"kind": "user", "name": "pia"}


def test_only_publishers_change_owners_and_only_editors_see_them():
    editor = client_for(user_with("editor", "ana"))
    number = create(editor).json()["number"]
    refused = editor.put(f"/api/articles/{number}/owner/", {"user": "ana"}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert client_for(user_with(None, "rita")).get(f"/api/articles/{number}/owner/").status_code == 403
    assert client_for().get(f"/api/articles/{number}/owner/").status_code == 401
    assert editor.get("/api/articles/NO-SUCH/owner/").status_code == 404


def test_a_publisher_changes_the_owner_on_the_articles_editor_page_and_the_change_is_in_its_lifecycle():
    pia = user_with("publisher", "pia")
    user_with("editor", "ana")
    number = new_article(pia)
    page = browser_for(pia)
    html = page.get(f"/en/editor/articles/{number}/").content.decode()
    assert '<dd class="owner">pia</dd>' in html and '<option value="user:ana">ana</option>' in html
    response = page.post(f"/en/editor/articles/{number}/owner/", {"owner": "user:ana"}, follow=True)
    html = response.content.decode()
    assert "Owner changed." in html and '<dd class="owner">ana</dd>' in html
    assert "owner: pia → ana" in html


def test_an_editor_sees_the_owner_but_no_form_to_change_it():
    ana = user_with("editor", "ana")
    number = new_article(ana)
    html = browser_for(ana).get(f"/en/editor/articles/{number}/").content.decode()
    assert '<dd class="owner">ana</dd>' in html and 'name="owner"' not in html.split('id="health"')[1].split("</section>")[0]
    assert browser_for(ana).post(f"/en/editor/articles/{number}/owner/", {"owner": ""}).status_code == 403
    assert ArticleHealth.objects.get(article__number=number).owner_user == ana


def test_the_editors_lists_filter_by_owner():
    ana, ben, pia = user_with("editor", "ana"), user_with("editor", "ben"), user_with("publisher", "pia")
    team = Group.objects.create(name="ledger-team")
    ben.groups.add(team)
    mine = new_article(ana, "Ana's own article")
    theirs = new_article(ben, "Ben's article")
    teams = new_article(pia, "The team's article")
    nobodys = new_article(pia, "Nobody's article")
    from articles.editing import health

    health.set_owner(pia, teams, owner_group="ledger-team")
    health.set_owner(pia, nobodys)
    page = browser_for(ben)

    def listed(owner):
        html = page.get("/en/editor/", {"owner": owner}).content.decode()
        return {n for n in (mine, theirs, teams, nobodys) if f">{n}</a>" in html}

    assert listed("") == {mine, theirs, teams, nobodys}
    assert listed("me") == {theirs, teams}
    assert listed("user:ana") == {mine}
    assert listed("group:ledger-team") == {teams}
    assert listed("none") == {nobodys}
    assert listed("anything else") == {mine, theirs, teams, nobodys}
    assert '<option value="group:ledger-team">group ledger-team</option>' in page.get("/en/editor/").content.decode()


def test_articles_made_before_owners_existed_are_owned_by_their_first_author_or_nobody(tmp_path):
    ana = user_with("editor", "ana")
    written = new_article(ana)
    write(tmp_path / "KB-1.md", ARTICLE.format(title="Ledger stops", number="KB-1"))
    assert import_paths([tmp_path], user=user_with("publisher", "pia")).ok
    ArticleHealth.objects.all().delete()
    owners_migration.give_every_article_a_row(apps, None)
    assert ArticleHealth.objects.get(article__number=written).owner_user == ana
    assert ArticleHealth.objects.get(article__number="KB-1").owner_user is None  # the file's import: no author
    assert ArticleHealth.objects.count() == Article.objects.count()
