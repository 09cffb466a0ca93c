"""Editing through the write API: roles, revisions, lifecycle, drafts, conflicts, stale
translations, imports over edits — and what readers see at each step."""
import threading

from django.contrib.auth.models import User
from django.db import connection
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.editing.permissions import role_group
from articles.importing import import_paths
from articles.models import Article, Revision, Translation
from articles.search import sync

pytestmark = pytest.mark.django_db

BODY = "### Symptoms\n\nThe ledger export stops with LDG-40417.\n\n### Resolution\n\nRaise the timeout.\n"


def user_with(role=None, name=None, **flags):
    user = User.objects.create_user(name or role or "someone", password="pw-not-used-here", **flags)
    if role:
        user.groups.add(role_group(role))
    return user


def client_for(user=None):
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def editor():
    return client_for(user_with("editor"))


@pytest.fixture
def publisher():
    return client_for(user_with("publisher"))


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture(autouse=True)
def search_index(settings):
    """Every test starts with a built (empty) index, as a server running its indexer has."""
    sync.bring_up_to_date()


def create(client, title="Ledger export stops", language="en", **extra):
    return client.post("/api/articles/", {"translation": {"language": language, "title": title, "body": BODY,
                                                          "keywords": ["ledger", "export"],
                                                          "products": ["Contoso Ledger"]}, **extra}, format="json")


def search_numbers(client, text, language="en"):
    return [r["article_number"] for r in client.get("/api/search", {"q": text, "lang": language}).json()["results"]]


def test_an_editor_creates_an_article_in_work_in_progress_with_the_next_number(editor):
    Article.objects.create(number="KA-23014", key_source="article-number")
    response = create(editor)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "KA-23015" and body["status"] == "wip" and body["audience"] == "external"
    assert body["translations"] == [{"language": "en", "title": "Ledger export stops", "revision": 1,
                                     "published_revision": None, "outdated": False}]


def test_bad_input_is_refused_with_the_field_named_and_nothing_stored(editor):
    cases = [
        ({"translation": {"language": "en", "body": BODY}}, "translation.title", "required"),
        ({"translation": {"language": "xx-klingon", "title": "t", "body": BODY}}, "translation.language",
         "unknown_language"),
        ({"translation": {"language": "en", "title": "t", "body": "x" * (1024 * 1024 + 1)}}, "translation.body",
         "too_large"),
        ({"translation": {"language": "en", "title": "t", "body": "---\ntitle: [\n---\nbody\n"}},
         "translation.body", "invalid_yaml"),
        ({"audience": "everyone", "translation": {"language": "en", "title": "t", "body": BODY}}, "audience",
         "invalid_choice"),
    ]
    for payload, field, code in cases:
        response = editor.post("/api/articles/", payload, format="json")
        assert response.status_code == 400, (payload, response.content)
        assert response.json()["error"]["field"] == field and response.json()["error"]["code"] == code
    Article.objects.create(number="KA-7", key_source="article-number")
    response = create(editor, number="ka-7")
    assert response.status_code == 400 and response.json()["error"]["code"] == "exists"
    assert Article.objects.count() == 1 and not Revision.objects.exists()


def test_anonymous_writes_are_refused(anonymous):
    assert create(anonymous).status_code == 401
    assert anonymous.post("/api/preview/", {"language": "en", "body": "x"}, format="json").status_code == 401
    assert not Article.objects.exists()


def test_a_reader_without_a_role_may_not_edit(anonymous):
    response = create(client_for(user_with(name="reader")))
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_the_lifecycle_and_what_readers_see_at_each_step(editor, publisher, anonymous):
    number = create(editor).json()["number"]
    assert anonymous.get(f"/api/articles/{number}/").status_code == 404
    assert search_numbers(anonymous, "LDG-40417") == []
    assert editor.get(f"/api/articles/{number}/").json()["status"] == "wip"
    # An editor submits; only a publisher publishes.
    assert editor.post(f"/api/articles/{number}/transitions/", {"to": "not_validated"}, format="json").status_code == 200
    refused = editor.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    published = publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    assert published.status_code == 200 and published.json()["translations"][0]["published_revision"] == 1
    # Found as soon as the publishing response has returned.
    assert search_numbers(anonymous, "LDG-40417") == [number]
    assert anonymous.get(f"/api/articles/{number}/").json()["status"] == "validated"
    assert anonymous.get(f"/en/articles/{number}/").status_code == 200
    # Archived: gone from search, pages and the API at once; restored: back.
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "archived"}, format="json")
    assert search_numbers(anonymous, "LDG-40417") == []
    assert anonymous.get(f"/en/articles/{number}/").status_code == 404
    assert anonymous.get(f"/api/articles/{number}/").status_code == 404
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    assert search_numbers(anonymous, "LDG-40417") == [number]


def test_publishing_through_the_api_with_the_revisions_reviewed_refuses_a_later_one(editor, publisher, anonymous):
    number = create(editor).json()["number"]
    url = f"/api/articles/{number}/transitions/"
    editor.put(f"/api/articles/{number}/translations/en/", {"title": "Ledger export stops", "body": BODY + "\nlate\n",
                                                           "base_revision": 1}, format="json")
    refused = publisher.post(url, {"to": "validated", "revisions": {"en-US": 1}}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "invalid_transition"
    assert "revision 2" in refused.json()["error"]["message"]
    assert anonymous.get(f"/api/articles/{number}/").status_code == 404  # nothing published
    bad = publisher.post(url, {"to": "validated", "revisions": {"en": "two"}}, format="json")
    assert bad.status_code == 400 and "revisions" in bad.content.decode()
    published = publisher.post(url, {"to": "validated", "revisions": {"en-US": 2}}, format="json")
    assert published.status_code == 200 and published.json()["translations"][0]["published_revision"] == 2


def test_a_draft_of_a_live_article_stays_unseen_until_published(editor, publisher, anonymous):
    number = create(editor).json()["number"]
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    saved = editor.put(f"/api/articles/{number}/translations/en/", {
        "title": "Ledger export halts at the quarter", "body": BODY.replace("Raise", "Lower") + "\nquasar\n",
        "base_revision": 1}, format="json")
    assert saved.status_code == 200 and saved.json()["revision"] == 2 and saved.json()["draft"] is True
    assert anonymous.get(f"/api/articles/{number}/translations/en/").json()["title"] == "Ledger export stops"
    assert "Ledger export stops" in anonymous.get(f"/en/articles/{number}/").content.decode()
    assert search_numbers(anonymous, "quasar") == []  # a draft's words are not searchable by readers
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    assert anonymous.get(f"/api/articles/{number}/translations/en/").json()["title"] == "Ledger export halts at the quarter"
    assert search_numbers(anonymous, "quasar") == [number]


def test_a_save_from_an_old_revision_is_a_conflict_showing_what_changed(editor, publisher):
    number = create(editor).json()["number"]
    first = editor.put(f"/api/articles/{number}/translations/en/", {"title": "Ledger export stops at night",
                                                                      "body": BODY, "base_revision": 1}, format="json")
    assert first.status_code == 200
    second = publisher.put(f"/api/articles/{number}/translations/en/", {"title": "Mine", "body": BODY,
                                                                          "base_revision": 1}, format="json")
    assert second.status_code == 409
    body = second.json()
    assert body["error"]["code"] == "conflict" and body["current_revision"] == 2
    assert {"op": "insert", "old": "", "new": " at night"} in body["changes"]["title"]
    assert Translation.objects.get(article__number=number).latest_revision == 2  # nothing overwritten


def test_revisions_diff_and_restore(editor):
    number = create(editor).json()["number"]
    editor.put(f"/api/articles/{number}/translations/en/", {"title": "Ledger export stops", "body": BODY.replace(
        "Raise the timeout", "Raise the export timeout to ten minutes"), "base_revision": 1, "message": "longer"},
        format="json")
    listed = editor.get(f"/api/articles/{number}/translations/en/revisions/").json()["revisions"]
    assert [(r["number"], r["author"], r["message"]) for r in listed] == [(2, "editor", "longer"), (1, "editor", "")]
    diff = editor.get(f"/api/articles/{number}/translations/en/diff/", {"from": 1, "to": 2}).json()
    assert {"op": "insert", "old": "", "new": "export "} in diff["changes"]["body"]
    assert editor.get(f"/api/articles/{number}/translations/en/diff/", {"from": "x", "to": 2}).status_code == 400
    restored = editor.post(f"/api/articles/{number}/translations/en/revisions/1/restore/", format="json").json()
    assert restored["revision"] == 3
    third = editor.get(f"/api/articles/{number}/translations/en/revisions/3/").json()
    assert third["body"] == BODY and third["restored_from"] == 1
    assert editor.get(f"/api/articles/{number}/translations/en/revisions/9/").status_code == 404


def test_diff_is_by_character_for_chinese_japanese_and_korean(editor):
    number = create(editor, title="导出停止", language="zh-hans").json()["number"]
    editor.put(f"/api/articles/{number}/translations/zh-hans/", {"title": "报表导出停止", "body": BODY,
                                                                  "base_revision": 1}, format="json")
    changes = editor.get(f"/api/articles/{number}/translations/zh-hans/diff/", {"from": 1, "to": 2}).json()["changes"]
    assert changes["title"] == [{"op": "insert", "old": "", "new": "报表"}, {"op": "equal", "old": "导出停止", "new": "导出停止"}]


def test_a_translation_becomes_outdated_when_the_source_moves_on(editor, publisher, anonymous):
    number = create(editor).json()["number"]
    made = editor.put(f"/api/articles/{number}/translations/fr/", {"title": "L’export du grand livre s’arrête",
                                                                    "body": BODY, "base_revision": None}, format="json")
    assert made.status_code == 200 and made.json()["revision"] == 1
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    translations = {t["language"]: t for t in anonymous.get(f"/api/articles/{number}/").json()["translations"]}
    assert translations["fr"]["outdated"] is False
    editor.put(f"/api/articles/{number}/translations/en/", {"title": "Ledger export stops", "body": BODY + "\nMore.\n",
                                                             "base_revision": 1}, format="json")
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    translations = {t["language"]: t for t in anonymous.get(f"/api/articles/{number}/").json()["translations"]}
    assert translations["fr"]["outdated"] is True and translations["en"]["outdated"] is False
    page = anonymous.get(f"/fr/articles/{number}/").content.decode()
    assert 'class="notice outdated"' in page and f'href="/en/articles/{number}/"' in page
    # Re-translated from the new source: up to date again.
    editor.put(f"/api/articles/{number}/translations/fr/", {"title": "L’export s’arrête", "body": BODY,
                                                             "base_revision": 1}, format="json")
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    translations = {t["language"]: t for t in anonymous.get(f"/api/articles/{number}/").json()["translations"]}
    assert translations["fr"]["outdated"] is False


def test_preview_renders_as_the_page_and_survives_hostile_bodies(editor):
    html = editor.post("/api/preview/", {"language": "fr", "body": ">[!NOTE]\n>\n>Attention"}, format="json").json()["html"]
    assert '<div class="alert alert-note">\n<p class="alert-title">Remarque</p>' in html  # as the French page shows it
    for hostile in ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', "[x](javascript:alert(1))",
                    "[" * 5000, "> " * 3000 + "deep", "\x00\ud800"[:1]]:
        response = editor.post("/api/preview/", {"language": "en", "body": hostile}, format="json")
        assert response.status_code in (200, 400)
        if response.status_code == 200:
            out = response.json()["html"]
            assert "<script" not in out and "onerror" not in out and "javascript:" not in out
    too_big = editor.post("/api/preview/", {"language": "en", "body": "x" * (1024 * 1024 + 10)}, format="json")
    assert too_big.status_code == 400 and too_big.json()["error"]["code"] == "too_large"
    huge = editor.post("/api/preview/", {"language": "en", "body": "x" * (3 * 1024 * 1024)}, format="json")
    assert huge.status_code == 413


def test_reimporting_keeps_edits_unless_told_to_overwrite(tmp_path, editor):
    source = tmp_path / "en" / "KA-500.md"
    source.parent.mkdir()
    source.write_text("---\narticle-number: KA-500\ntitle: Gasket wears out\n---\nThe gasket wears out.\n")
    import_paths([tmp_path])
    editor.put("/api/articles/KA-500/translations/en/", {"title": "Gasket wears out fast", "body": "Edited.\n",
                                                         "base_revision": 1}, format="json")
    source.write_text("---\narticle-number: KA-500\ntitle: Gasket wears out (v2)\n---\nThe gasket wears out.\n")
    report = import_paths([tmp_path])
    assert report.counts["skipped"] == 1 and "edited by editor" in report.outcomes[0].reason
    assert Translation.objects.get().latest_revision == 2
    import_paths([tmp_path], overwrite_edits=True)
    translation = Translation.objects.get()
    assert translation.title == "Gasket wears out (v2)" and translation.latest_revision == 3
    assert [r.title for r in translation.revisions.order_by("number")] == [
        "Gasket wears out", "Gasket wears out fast", "Gasket wears out (v2)"]


def test_export_writes_the_published_revision(tmp_path, editor, publisher):
    from articles.importing.export import export_translations

    number = create(editor).json()["number"]
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    editor.put(f"/api/articles/{number}/translations/en/", {"title": "Draft title", "body": "Draft.\n",
                                                             "base_revision": 1}, format="json")
    assert export_translations(tmp_path) == 1
    text = (tmp_path / "en" / f"{number}.md").read_text()
    assert "title: Ledger export stops" in text and "Draft" not in text and f"article-number: {number}" in text


def test_the_schema_is_generated(anonymous):
    response = anonymous.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"] if response["Content-Type"].startswith("application/json") else None
    text = response.content.decode()
    assert "/api/articles/{number}/transitions/" in text and "/api/search" in text
    assert paths is None or "/api/preview/" in paths


def test_add_user_creates_a_role_and_the_token_command_gives_a_key(monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("KB_PASSWORD", "a-long-enough-passphrase")
    call_command("add_user", "rita", role="publisher")
    user = User.objects.get(username="rita")
    assert user.check_password("a-long-enough-passphrase") and user.has_perm("articles.publish_articles")
    call_command("add_user", "rita", role="editor")
    user = User.objects.get(username="rita")
    assert [g.name for g in user.groups.all()] == ["editor"]
    call_command("drf_create_token", "rita")
    assert Token.objects.filter(user=user).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_get_distinct_numbers():
    user = user_with("editor")
    numbers, errors = [], []

    def make():
        try:
            response = create(client_for(user))
            if response.status_code == 201:
                numbers.append(response.json()["number"])
            else:
                errors.append(response.content)
        finally:
            connection.close()

    threads = [threading.Thread(target=make) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(numbers) == 6 and len(set(numbers)) == 6


def test_a_body_with_front_matter_is_read_as_a_file_and_must_hold_more_than_it(editor):
    empty = editor.post("/api/articles/", {"translation": {"language": "en", "body": "---\ntitle: Only a header\n---\n"}},
                        format="json")
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "required"
    assert empty.json()["error"]["field"] in ("body", "translation.body") and not Article.objects.exists()
    # A number where a file holds text is its text, as the importer reads it; nothing is blamed
    # on fields the request did not send.
    odd = "---\ntitle: 123\nkeywords: 5\nsolution: Contoso Ledger, Contoso Gateway\n---\nThe ledger stops.\n"
    created = editor.post("/api/articles/", {"translation": {"language": "en", "body": odd}}, format="json")
    assert created.status_code == 201, created.content
    stored = editor.get(f"/api/articles/{created.json()['number']}/translations/en/").json()
    assert (stored["title"], stored["keywords"], sorted(stored["products"])) == ("123", ["5"], ["Contoso Gateway", "Contoso Ledger"])
