"""Importing a file and saving the same text through the API are one action of the editing
service: they leave the same revision rows (content, numbering, the source revision each
translation follows, its content key), and both record the index journal."""
import pytest

from articles.importing import import_paths
from articles.models import Revision
from articles.search.models import JournalEntry
from tests.helpers import write
from tests.test_editing import client_for, user_with

pytestmark = pytest.mark.django_db

EN = dict(title="Ledger export stops", description="When the export of the ledger stops.",
          keywords=["ledger", "export"], products=["Contoso Ledger"],
          body="### Symptoms\n\nThe ledger export stops with LDG-40417.\n\n### Resolution\n\nRaise the timeout.\n")
FR = dict(title="L’export du grand livre s’arrête", description="Quand l’export s’arrête.",
          keywords=["grand livre"], products=["Contoso Ledger"],
          body="### Symptômes\n\nL’export s’arrête avec LDG-40417.\n\n### Résolution\n\nAugmentez le délai.\n")


def as_file(number, content):
    return (f"---\ntitle: {content['title']}\ndescription: {content['description']}\n"
            f"keywords: {', '.join(content['keywords'])}\nsolution: {', '.join(content['products'])}\n"
            f"article-number: {number}\n---\n{content['body']}")


AGAIN = {"en": "\nRetry once.\n", "fr": "\nRéessayez une fois.\n"}
FIELDS = ("number", "title", "description", "keywords", "products", "body", "source_revision", "content_key",
          "restored_from", "based_on")


def rows(number):
    return [{name: getattr(r, name) for name in FIELDS} | {"language": r.translation.language}
            for r in Revision.objects.filter(translation__article__number=number).order_by(
                "translation__language", "number")]


def test_an_import_and_the_same_text_saved_through_the_api_leave_the_same_revisions(tmp_path):
    for round_ in (1, 2):  # the second round: the next revision of each, the source changed first
        write(tmp_path / "en" / "KB-1.md", as_file("KB-1", dict(EN, body=EN["body"] + AGAIN["en"] * (round_ - 1))))
        write(tmp_path / "fr" / "KB-1.md", as_file("KB-1", dict(FR, body=FR["body"] + AGAIN["fr"] * (round_ - 1))))
        assert import_paths([tmp_path]).ok
    imported = rows("KB-1")

    publisher = client_for(user_with("publisher"))
    number = publisher.post("/api/articles/", {"number": "KB-2", "translation": {"language": "en", **EN}},
                            format="json").json()["number"]
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    publisher.put(f"/api/articles/{number}/translations/fr/", {**FR, "base_revision": None}, format="json")
    publisher.put(f"/api/articles/{number}/translations/en/", {
        **EN, "body": EN["body"] + AGAIN["en"], "base_revision": 1}, format="json")
    # An imported file is published at once; through the API the new English text is published
    # before the French one is saved from it.
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    publisher.put(f"/api/articles/{number}/translations/fr/", {
        **FR, "body": FR["body"] + AGAIN["fr"], "base_revision": 1}, format="json")
    saved = rows(number)
    assert imported == saved
    assert [row["source_revision"] for row in saved if row["language"] == "fr"] == [1, 2]
    journal = list(JournalEntry.objects.values_list("reason", flat=True))
    assert "import" in journal and "save" in journal


def test_hiding_a_translation_in_the_admin_is_an_editing_action_with_its_event(client, admin_user, tmp_path):
    from articles.models import ArticleEvent, Translation

    write(tmp_path / "en" / "KB-1.md", as_file("KB-1", EN))
    assert import_paths([tmp_path]).ok
    translation = Translation.objects.get()
    client.force_login(admin_user)
    response = client.post(f"/admin/articles/translation/{translation.pk}/change/", {"hidden": "on"})
    assert response.status_code == 302
    translation.refresh_from_db()
    assert translation.hidden
    event = ArticleEvent.objects.get()
    assert (event.action, event.old, event.new, event.actor) == ("hidden", "en", "hidden", admin_user)
    page = client.get("/en/editor/articles/KB-1/").content.decode()
    assert "hidden from readers" in page
