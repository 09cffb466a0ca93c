"""What a hostile run against a served instance found, each a 500 before: a body nested too
deeply to render, a revision number past what the column holds, a restore into an archived
article from the editor's page, two creates of one number racing."""
import pytest

from articles.editing import actions
from articles.editing.errors import Invalid
from articles.models import Article
from tests.test_editing import client_for, user_with

pytestmark = pytest.mark.django_db
NESTED = "".join("  " * depth + "- x\n" for depth in range(400))


def test_a_body_nested_too_deeply_is_refused_naming_the_body():
    publisher = client_for(user_with("publisher"))
    created = publisher.post("/api/articles/", {"translation": {"language": "en", "title": "T", "body": NESTED}},
                             format="json")
    assert created.status_code == 400 and created.json()["error"]["code"] == "too_complex"
    assert created.json()["error"]["field"] == "translation.body"
    preview = publisher.post("/api/preview/", {"language": "en", "body": NESTED}, format="json")
    assert preview.status_code == 400 and preview.json()["error"]["code"] == "too_complex"
    assert not Article.objects.exists()


def test_restoring_a_revision_past_what_the_column_holds_or_into_an_archived_article(client):
    publisher = user_with("publisher")
    article = actions.create_article(publisher, translation={"language": "en", "title": "T", "body": "Words."})
    client.force_login(publisher)
    base = f"/en/editor/articles/{article.number}/en/restore/"
    assert client.post(base + "99999999999999999999/").status_code == 404
    actions.transition(publisher, article.number, "archived")
    response = client.post(base + "1/")
    assert response.status_code == 302 and response["Location"].endswith("/history/")
    assert "archived" in client.get(response["Location"]).content.decode()


def test_a_create_that_loses_the_race_for_its_number_is_refused_naming_it(monkeypatch):
    editor = user_with("editor")
    actions.create_article(editor, translation={"language": "en", "title": "T", "body": "Words."}, number="RACE-1")
    # The other create checked before this one committed: its check saw no article.
    monkeypatch.setattr(Article.objects, "filter", lambda *a, **k: Article.objects.none())
    with pytest.raises(Invalid) as refused:
        actions.create_article(editor, translation={"language": "en", "title": "T", "body": "W."}, number="RACE-1")
    assert refused.value.field == "number" and refused.value.code == "exists"
