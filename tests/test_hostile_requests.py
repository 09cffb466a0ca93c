"""Every write endpoint and form, driven with hostile text (hypothesis): NUL, lone surrogates,
non-characters, control characters, huge numbers, deep nesting, wrong types. Whatever arrives,
the answer is never a 5xx, and nothing half-written stays behind.

Bodies travel as bytes, as a hostile client sends them: JSON with ``\\ud800`` escapes, forms
percent-encoded from UTF-8 with lone surrogates passed through (``surrogatepass``)."""
import json
import os
import random
from urllib.parse import quote

from django.test import Client
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
import pytest

from articles.editing import actions
from articles.models import Article
from articles.search import sync
from tests.test_editing import BODY, user_with

pytestmark = pytest.mark.django_db(transaction=False)

HOSTILE_CHARS = st.sampled_from(["\x00", "\ud800", "\udfff", "\uffff", "\ufdd0", "\U0010ffff", "\x1b", "\x7f",
                                 "\u202e", "\ufeff", "\r", "\n", "'", '"', "<", "&", "%", "\\", "é", "漢"])
HOSTILE_TEXT = st.one_of(
    st.text(HOSTILE_CHARS, max_size=12),
    st.text(max_size=30),  # anything Unicode holds, surrogates included
    st.sampled_from(["KA-2147483647", "KA-99999999999999999999", "KA-\u0661\u0662", "-1", "0", "1e309",
                     "x" * 600, "---\ntitle: \"a\\0b\"\n---\nbody", "---\n[\n---\n"]),
)
ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers() | HOSTILE_TEXT,
                        lambda children: st.lists(children, max_size=3) | st.dictionaries(HOSTILE_TEXT, children,
                                                                                           max_size=3),
                        max_leaves=8)
SETTINGS = dict(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def json_bytes(payload):
    return json.dumps(payload).encode()  # lone surrogates become \ud800 escapes


def form_bytes(fields):
    return "&".join(f"{quote(k.encode('utf-8', 'surrogatepass'))}={quote(str(v).encode('utf-8', 'surrogatepass'))}"
                    for k, v in fields.items()).encode()


@pytest.fixture
def clients(db):
    editor, publisher = user_with("editor"), user_with("publisher")
    article = actions.create_article(editor, translation={"language": "en", "title": "Ledger export stops",
                                                          "body": BODY})
    signed_in = {}
    for name, user in (("editor", editor), ("publisher", publisher)):
        client = Client(enforce_csrf_checks=False, raise_request_exception=True)
        client.force_login(user)
        signed_in[name] = client
    signed_in["anonymous"] = Client(raise_request_exception=True)
    sync.bring_up_to_date()  # a server runs its indexer: search answers, not 503
    return signed_in, article.number


def fresh_randomness():
    """Hypothesis seeds ``random`` alike for every example, and Whoosh names index segments with
    it: without a fresh seed two examples' commits would pick the same segment name."""
    random.seed(os.urandom(16))


def assert_no_server_error(response, what):
    assert response.status_code < 500, (what, response.status_code, response.content[:500])


@hypothesis_settings(**SETTINGS)
@given(title=HOSTILE_TEXT, text=HOSTILE_TEXT, items=st.lists(HOSTILE_TEXT, max_size=3), number=HOSTILE_TEXT,
       anything=ANY_JSON)
def test_the_write_api_never_answers_5xx(clients, title, text, items, number, anything):
    fresh_randomness()
    signed_in, existing = clients
    publisher = signed_in["publisher"]
    count = Article.objects.count()
    requests = [
        ("post", "/api/articles/", {"number": number, "translation": {"language": "en", "title": title,
                                                                      "body": text, "keywords": items,
                                                                      "products": items, "description": text}}),
        ("post", "/api/articles/", {"translation": anything}),
        ("post", "/api/articles/", anything),
        ("put", f"/api/articles/{existing}/translations/en/", {"title": title, "body": text, "keywords": items,
                                                               "base_revision": 1, "message": text}),
        ("put", f"/api/articles/{existing}/translations/fr/", anything),
        ("post", f"/api/articles/{existing}/transitions/", {"to": text, "comment": anything}),
        ("post", f"/api/articles/{existing}/translations/en/revisions/1/restore/", {"message": anything}),
        ("post", "/api/preview/", {"language": text, "body": text}),
        ("post", "/api/triage", {"text": text, "lang": anything}),
        ("post", "/api/triage", anything),
    ]
    for method, url, payload in requests:
        for client in (publisher, signed_in["anonymous"]):
            response = getattr(client, method)(url, data=json_bytes(payload), content_type="application/json")
            assert_no_server_error(response, (method, url, payload))
    assert Article.objects.count() >= count


@hypothesis_settings(**SETTINGS)
@given(title=HOSTILE_TEXT, text=HOSTILE_TEXT, query=HOSTILE_TEXT)
def test_pages_forms_and_query_strings_never_answer_5xx(clients, title, text, query):
    fresh_randomness()
    signed_in, existing = clients
    publisher = signed_in["publisher"]
    fields = {"title": title, "description": text, "keywords": text, "products": title, "body": text,
              "message": text, "base_revision": "1", "language": "en", "audience": "external"}
    posts = [
        ("/en/editor/new/", fields),
        (f"/en/editor/articles/{existing}/en/edit/", {**fields, "conflict_fields": "title", "keep_title": text,
                                                    "then": text}),
        ("/en/editor/preview/", {"body": text, "language": text}),
        (f"/en/editor/articles/{existing}/transition/", {"to": text, "comment": text}),
        (f"/en/editor/articles/{existing}/audience/", {"audience": text}),
        (f"/en/editor/articles/{existing}/en/restore/1/", {"message": text}),
        ("/en/triage/", {"text": text, "lang": query}),
        (f"/en/articles/{existing}/feedback", {"helpful": text, "comment": text}),
        ("/en/analytics/searches/write", {"q": query, "language": text}),
        ("/accounts/login/", {"username": title, "password": text}),
    ]
    for url, data in posts:
        for client in (publisher, signed_in["anonymous"]):
            response = client.post(url, data=form_bytes(data), content_type="application/x-www-form-urlencoded")
            assert_no_server_error(response, (url, data))
    encoded = quote(query.encode("utf-8", "surrogatepass"))
    for url in (f"/en/search?q={encoded}", f"/api/search?q={encoded}&lang={encoded}", f"/api/suggest?q={encoded}",
                f"/en/codes/?q={encoded}", f"/en/codes/{encoded}/", f"/en/articles/{encoded}/",
                f"/api/articles/{encoded}/", f"/en/search/open?s={encoded}&r={encoded}&to={encoded}",
                f"/en/articles/?sort={encoded}&page={encoded}", f"/?lang={encoded}&next={encoded}"):
        assert_no_server_error(signed_in["anonymous"].get(url), url)
        assert_no_server_error(publisher.get(url), url)


@hypothesis_settings(**SETTINGS)
@given(query=HOSTILE_TEXT)
def test_a_query_is_refused_naming_it_exactly_when_it_holds_a_refused_character(client, query):
    from articles.middleware import refused_character

    response = client.get(f"/api/suggest?lang=en&q={quote(query.encode('utf-8', 'surrogatepass'))}")
    if refused_character(query) is None:
        assert response.status_code == 200, (query, response.content[:300])
    else:
        assert response.status_code == 400 and response.json()["error"]["field"] == "q", query


@pytest.mark.parametrize("huge", [2**63, 10**27])
def test_a_base_revision_past_any_integer_type_is_refused_naming_the_field(clients, huge):
    """A revision number the database's integer type cannot hold is refused before any lookup
    (SQLite raised OverflowError on it: a 500), by the API and by the editor's form alike."""
    signed_in, existing = clients
    revisions = Article.objects.get(number=existing).translations.get(language="en").revisions.count()
    response = signed_in["publisher"].put(
        f"/api/articles/{existing}/translations/en/", content_type="application/json",
        data=json.dumps({"title": "Ledger export stops at noon", "body": BODY, "base_revision": huge}))
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == "base_revision"
    response = signed_in["publisher"].post(f"/en/editor/articles/{existing}/en/edit/", data={
        "title": "Ledger export stops at noon", "body": BODY, "base_revision": str(huge)})
    assert response.status_code == 200 and b"<form" in response.content  # the form again, nothing saved
    assert Article.objects.get(number=existing).translations.get(language="en").revisions.count() == revisions
