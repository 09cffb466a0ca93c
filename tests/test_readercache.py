"""HTTP caching of readers' pages: validators, 304s, the rendered-page cache, and nothing
personal or unpublished ever stored or served to someone else."""
from django.test import Client
import pytest

from articles.editing import actions
from tests.test_analytics import imported, user_with  # noqa: F401 — a fixture

pytestmark = pytest.mark.django_db
PAGE = "/en/articles/CMP-1/"


def test_a_readers_page_carries_a_validator_and_answers_a_revalidation_with_304(imported, django_assert_num_queries):
    reader = Client()
    first = reader.get(PAGE)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    controls = {part.strip() for part in first["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=60", "stale-while-revalidate=300"} == controls
    assert "Cookie" not in first.get("Vary", "") and not first.cookies
    with django_assert_num_queries(1):  # the content state: nothing is rendered
        again = reader.get(PAGE, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    stored = Client().get(PAGE)
    assert stored["X-KB-Page-Cache"] == "hit" and stored.content == first.content
    assert stored["Content-Type"] == first["Content-Type"] and stored["Content-Language"] == "en"


def test_a_change_readers_can_see_changes_the_validator_and_the_page(imported):
    reader = Client()
    before = reader.get(PAGE)
    publisher = user_with("publisher")
    actions.set_hidden(publisher, "CMP-1", "en", True)
    after = reader.get(PAGE, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code != 304 and after.get("ETag") != before["ETag"]
    assert "Delivery ledger import fails" not in after.content.decode()


def test_the_page_differs_by_language_and_query_not_by_browser_language(imported):
    reader = Client()
    english = reader.get(PAGE, HTTP_ACCEPT_LANGUAGE="fr")
    assert english["ETag"] == reader.get(PAGE, HTTP_ACCEPT_LANGUAGE="ja")["ETag"]
    assert english["ETag"] != reader.get("/ja/articles/CMP-1/")["ETag"]
    assert reader.get("/en/articles/?sort=title")["ETag"] != reader.get("/en/articles/?sort=date")["ETag"]


def test_staff_pages_are_never_stored_nor_served_from_the_store(imported):
    Client().get(PAGE)  # a reader's copy is stored
    staff = Client()
    staff.force_login(user_with("editor"))
    page = staff.get(PAGE)
    assert "editor-bar" in page.content.decode() and "X-KB-Page-Cache" not in page
    assert "ETag" not in page and {"private", "no-store"} <= {p.strip() for p in page["Cache-Control"].split(",")}
    reader = Client().get(PAGE)
    assert "editor-bar" not in reader.content.decode() and reader["X-KB-Page-Cache"] == "hit"
    # A reader with a message waiting (a session or messages cookie) is not served a stored page.
    cookie = Client()
    cookie.cookies["messages"] = "x"
    assert "X-KB-Page-Cache" not in cookie.get(PAGE) and "no-store" in cookie.get(PAGE)["Cache-Control"]


def test_the_vote_form_carries_no_token_and_a_vote_from_another_site_is_refused(imported):
    page = Client().get(PAGE).content.decode()
    assert "Did this solve your problem?" in page and "csrfmiddlewaretoken" not in page
    reader = Client(enforce_csrf_checks=True)
    vote = {"helpful": "yes", "language": "en"}
    assert reader.post(PAGE + "feedback", vote, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert reader.post(PAGE + "feedback", vote, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert reader.post(PAGE + "feedback", vote, HTTP_ORIGIN="http://testserver").status_code == 302
    assert reader.post(PAGE + "feedback", vote, HTTP_SEC_FETCH_SITE="same-origin").status_code == 302


def test_answers_to_credentials_are_private_and_the_api_varies_with_them(imported):
    from tests.test_analytics import token_client

    staff = token_client(user_with("editor"))
    for path in ("/api/search?q=ledger", "/api/articles/CMP-1/", "/api/stats"):
        response = staff.get(path)
        assert response.status_code == 200, path
        assert {"private", "no-store"} <= {p.strip() for p in response["Cache-Control"].split(",")}, path
        assert "Authorization" in response["Vary"], path
    anonymous = Client().get("/api/search?q=ledger")
    assert "private" not in anonymous.get("Cache-Control", "") and "Authorization" in anonymous["Vary"]
