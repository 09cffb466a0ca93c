"""What no editor or stranger may break: article numbering, text that cannot be stored, deeply
nested JSON, restores into archived articles, and what anonymous readers learn from the API."""
import json

import pytest

from articles.models import Article, ArticleNumberSequence, Revision, Translation
from tests.test_editing import BODY, create, editor, publisher, search_index  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


# -- article numbers -------------------------------------------------------------------------
def test_the_largest_allowed_number_leaves_the_sequence_working(editor):
    assert create(editor, number="KA-99999999").status_code == 201
    numbers = [create(editor, title=f"Ledger export {i}").json()["number"] for i in range(10)]
    assert len(set(numbers)) == 10 and all(n.startswith("KA-") for n in numbers)
    assert all(int(n[3:]) > 99_999_999 for n in numbers)


@pytest.mark.parametrize("number", ["KA-100000000", "KA-2147483647", "KA-99999999999999999999", "ka-2147483648"])
def test_a_number_beyond_the_sequence_is_refused_naming_the_field(editor, number):
    response = create(editor, number=number)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == "number"
    assert response.json()["error"]["code"] == "out_of_range"
    assert create(editor).status_code == 201  # and creation still works for everyone


@pytest.mark.parametrize("number", ["KA-\u0661\u0662", "KA-１２", "ＫＡ-12", "KÄ-12", "-KA", ""])
def test_numbers_are_ascii(editor, number):
    response = create(editor, number=number)
    assert response.status_code == 400, (number, response.content)
    assert response.json()["error"]["field"] == "number"


def test_a_huge_number_stored_by_an_import_does_not_stop_creation(editor):
    Article.objects.create(number="KA-99999999999999999999", key_source="article-number")
    Article.objects.create(number="KA-41", key_source="article-number")
    response = create(editor)
    assert response.status_code == 201 and response.json()["number"] == "KA-42"


def test_an_exhausted_sequence_is_a_clear_error_not_a_500(editor):
    ArticleNumberSequence.objects.create(prefix="KA", last=2_147_483_647)
    response = create(editor)
    assert response.status_code == 400 and response.json()["error"]["code"] == "sequence_exhausted"
    assert create(editor, number="LEDGER-1").status_code == 201


# -- the text gate ---------------------------------------------------------------------------
BAD_TEXT = ["nul\x00here", "lone \ud800 surrogate", "non\uffffcharacter", "plane\U0010fffe"]


def _raw(client, method, url, payload):
    """JSON as bytes, so that lone surrogates travel as ``\\ud800`` escapes as a client may send them."""
    return getattr(client, method)(url, data=json.dumps(payload).encode(), content_type="application/json")


@pytest.mark.parametrize("bad", BAD_TEXT)
def test_create_refuses_unstorable_text_at_any_depth_naming_the_field(editor, bad):
    for translation, field in [
        ({"language": "en", "title": "t", "body": BODY, "keywords": ["ok", bad]}, "translation.keywords[1]"),
        ({"language": "en", "title": "t", "body": BODY, "products": [bad]}, "translation.products[0]"),
        ({"language": "en", "title": bad, "body": BODY}, "translation.title"),
    ]:
        response = _raw(editor, "post", "/api/articles/", {"translation": translation})
        assert response.status_code == 400, response.content
        assert response.json()["error"] == {"code": "invalid_characters", "field": field,
                                            "message": response.json()["error"]["message"]}
    assert not Article.objects.exists()


@pytest.mark.parametrize("bad", BAD_TEXT)
def test_save_and_restore_refuse_unstorable_text(editor, bad):
    number = create(editor).json()["number"]
    url = f"/api/articles/{number}/translations/en/"
    response = _raw(editor, "put", url, {"title": "t", "body": BODY, "keywords": [bad], "base_revision": 1})
    assert response.status_code == 400 and response.json()["error"]["field"] == "keywords[0]"
    response = _raw(editor, "post", url + "revisions/1/restore/", {"message": bad})
    assert response.status_code == 400 and response.json()["error"]["field"] == "message"
    assert Revision.objects.count() == 1


def test_a_restore_message_must_be_text(editor):
    number = create(editor).json()["number"]
    response = _raw(editor, "post", f"/api/articles/{number}/translations/en/revisions/1/restore/",
                    {"message": {"nested": "dict"}})
    assert response.status_code == 400 and response.json()["error"]["field"] == "message"


def test_a_nul_escape_in_pasted_front_matter_is_a_field_error(editor):
    body = '---\ntitle: "Ledger \\0 export"\n---\n' + BODY
    response = editor.post("/api/articles/", {"translation": {"language": "en", "body": body}}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == "translation.body"
    assert "U+0000" in response.json()["error"]["message"]


@pytest.mark.parametrize("depth", [40, 5000, 100_000])
def test_deeply_nested_json_is_a_json_error_for_anyone(client, depth):
    payload = ('{"text": ' + "[" * depth + "]" * depth + "}").encode()
    response = client.post("/api/triage", data=payload, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "too_deep"


def test_a_lone_surrogate_in_a_paste_is_refused(client):
    response = _raw(client, "post", "/api/triage", {"text": "ERROR \ud83d broken"})
    assert response.status_code == 400 and response.json()["error"]["field"] == "text"


def test_terminal_colours_in_a_paste_are_kept(client):
    response = _raw(client, "post", "/api/triage", {"text": "\x1b[31mERROR\x1b[0m LDG-40417 ledger"})
    assert response.status_code == 200, response.content


# -- restore follows the rules of save ----------------------------------------------------------
def test_a_revision_cannot_be_restored_into_an_archived_article(editor, publisher):
    number = create(editor).json()["number"]
    editor.put(f"/api/articles/{number}/translations/en/", {"title": "Second", "body": BODY, "base_revision": 1},
               format="json")
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "archived"}, format="json")
    response = editor.post(f"/api/articles/{number}/translations/en/revisions/1/restore/", {}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_transition"
    assert Revision.objects.count() == 2


# -- anonymous readers ---------------------------------------------------------------------------
def test_anonymous_readers_do_not_learn_that_a_draft_exists(editor, publisher, client):
    number = create(editor).json()["number"]
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    editor.put(f"/api/articles/{number}/translations/en/", {"title": "Draft title", "body": BODY,
                                                            "base_revision": 1}, format="json")
    for url in (f"/api/articles/{number}/", f"/api/articles/{number}/translations/en/"):
        body = json.dumps(client.get(url).json())
        assert "Draft title" not in body
        assert '"revision": 2' not in body and '"shown_revision"' not in body
    staff_view = editor.get(f"/api/articles/{number}/").json()["translations"][0]
    assert staff_view["revision"] == 2 and staff_view["published_revision"] == 1
    translation = Translation.objects.get()
    assert translation.latest_revision == 2


def test_an_imported_file_with_a_nul_escape_fails_naming_the_field(tmp_path):
    from articles.importing import import_paths

    (tmp_path / "bad.md").write_text('---\ntitle: Ledger\nkeywords: ["ok", "bad \\0 one"]\n---\nBody text.\n')
    (tmp_path / "good.md").write_text("---\ntitle: Ledger export\n---\nThe ledger export stops.\n")
    report = import_paths([tmp_path], language="en")
    assert report.counts["failed"] == 1 and report.counts["imported"] == 1
    failure = report.failures[0]
    assert failure.path.endswith("bad.md") and "keywords[1]" in failure.reason and "U+0000" in failure.reason
    assert Translation.objects.count() == 1


# -- saves from an older revision merge ----------------------------------------------------------
LONG_BODY = "".join(f"Line {i} of the ledger procedure.\n" for i in range(1, 21))


def _put(client, number, base, **fields):
    return client.put(f"/api/articles/{number}/translations/en/", {"base_revision": base, **fields}, format="json")


def _fields(number, revision):
    row = Revision.objects.get(translation__article__number=number, number=revision)
    return {"title": row.title, "description": row.description, "keywords": row.keywords, "body": row.body,
            "based_on": row.based_on}


def test_changes_to_different_fields_merge(editor, publisher):
    number = create(editor, title="Ledger export stops").json()["number"]
    assert _put(editor, number, 1, title="Ledger export halts", body=BODY, description="",
                keywords=["ledger", "export"]).status_code == 200
    # The second editor opened revision 1 and changed only the description.
    response = _put(publisher, number, 1, title="Ledger export stops", body=BODY, description="Seen after upgrades.",
                    keywords=["ledger", "export"])
    assert response.status_code == 200, response.content
    merged = _fields(number, 3)
    assert merged["title"] == "Ledger export halts" and merged["description"] == "Seen after upgrades."
    assert merged["based_on"] == 1


def test_changes_to_different_lines_of_the_body_merge_three_way(editor, publisher):
    number = create(editor).json()["number"]
    _put(editor, number, 1, title="t", body=LONG_BODY)
    first = LONG_BODY.replace("Line 2 of", "Line two of")
    second = LONG_BODY.replace("Line 18 of", "Line eighteen of")
    assert _put(editor, number, 2, title="t", body=first).status_code == 200
    response = _put(publisher, number, 2, title="t", body=second, keywords=["ledger", "export", "upgrade"])
    assert response.status_code == 200, response.content
    body = _fields(number, 4)["body"]
    assert "Line two of" in body and "Line eighteen of" in body and body.count("\n") == 20


def test_keywords_added_and_removed_on_both_sides_are_kept(editor, publisher):
    number = create(editor).json()["number"]  # keywords: ledger, export
    assert _put(editor, number, 1, title="Ledger export stops", body=BODY, keywords=["ledger", "export", "quota"]).status_code == 200
    assert _put(publisher, number, 1, title="Ledger export stops", body=BODY, keywords=["export", "timeout"]).status_code == 200
    assert _fields(number, 3)["keywords"] == ["export", "quota", "timeout"]


def test_overlapping_changes_are_a_conflict_with_both_versions_and_nothing_is_saved(editor, publisher):
    number = create(editor).json()["number"]
    _put(editor, number, 1, title="t", body=LONG_BODY)
    assert _put(editor, number, 2, title="Theirs", body=LONG_BODY.replace("Line 5 of", "Their line 5 of")).status_code == 200
    response = _put(publisher, number, 2, title="Mine", body=LONG_BODY.replace("Line 5 of", "My line 5 of"),
                    description="Also mine")
    assert response.status_code == 409
    body = response.json()
    assert body["error"]["code"] == "conflict" and body["current_revision"] == 3
    assert set(body["conflicts"]) == {"title", "body"}
    assert body["conflicts"]["title"] == {"base": "t", "theirs": "Theirs", "yours": "Mine"}
    assert "Their line 5" in body["conflicts"]["body"]["theirs"] and "My line 5" in body["conflicts"]["body"]["yours"]
    assert body["merged"]["description"] == "Also mine"  # what did not conflict is merged already
    assert Revision.objects.filter(translation__article__number=number).count() == 3


def test_both_sides_making_the_same_change_is_no_conflict(editor, publisher):
    number = create(editor).json()["number"]
    assert _put(editor, number, 1, title="Same new title", body=BODY).status_code == 200
    assert _put(publisher, number, 1, title="Same new title", body=BODY).status_code == 200


# -- outdated means the source's content changed ---------------------------------------------------
def _translations(client, number):
    return {t["language"]: t for t in client.get(f"/api/articles/{number}/").json()["translations"]}


def test_a_source_restored_to_the_same_text_leaves_its_translations_up_to_date(editor, publisher, client):
    number = create(editor).json()["number"]
    assert editor.put(f"/api/articles/{number}/translations/fr/", {"title": "L’export s’arrête", "body": BODY,
                                                                    "base_revision": None}, format="json").status_code == 200
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    # A change to the source, published: French readers are told.
    editor.put(f"/api/articles/{number}/translations/en/", {"title": "Ledger export stops", "body": BODY + "More.\n",
                                                             "keywords": ["ledger", "export"], "base_revision": 1},
               format="json")
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    assert _translations(client, number)["fr"]["outdated"] is True
    # The source restored to the text the translation was made from: nothing to tell any more.
    assert editor.post(f"/api/articles/{number}/translations/en/revisions/1/restore/", {}, format="json").status_code == 200
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    assert _translations(client, number)["fr"]["outdated"] is False
    assert 'class="notice outdated"' not in client.get(f"/fr/articles/{number}/").content.decode()
    # Keywords alone are not the text a translator follows.
    editor.put(f"/api/articles/{number}/translations/en/", {"title": "Ledger export stops", "body": BODY,
                                                             "keywords": ["other"], "base_revision": 3}, format="json")
    publisher.post(f"/api/articles/{number}/transitions/", {"to": "validated"}, format="json")
    assert _translations(client, number)["fr"]["outdated"] is False
    from articles.editor.lists import translation_gaps

    assert translation_gaps()["fr"]["outdated"] == []
