"""HTTP caching of readers' pages: validators, 304s, the rendered-page cache, and nothing
personal or unpublished ever stored or served to someone else."""
import time

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


# Search pages: cached and revalidated, every search logged ------------------------------------

SEARCH = "/en/search?q=Ledger"


@pytest.fixture
def searches_logged():
    from articles.analytics.recorder import recorder

    recorder.discard()

    def written():
        from articles.analytics.models import SearchEvent

        recorder.flush()
        return list(SearchEvent.objects.order_by("pk").values_list("query", "language", "results", "source"))

    yield written
    recorder.discard()


def test_a_readers_search_page_answers_a_revalidation_with_304_and_logs_the_search(
        imported, searches_logged, django_assert_num_queries):
    reader = Client()
    first = reader.get(SEARCH)
    assert first.status_code == 200 and first["ETag"].startswith('"') and not first.cookies
    # Kept by a browser or an edge, but asked for each time: the server sees every search.
    assert {part.strip() for part in first["Cache-Control"].split(",")} == {"public", "no-cache"}
    with django_assert_num_queries(1):  # the content state: neither searched nor rendered
        again = reader.get(SEARCH, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    assert "no-cache" in again["Cache-Control"]
    stored = Client().get(SEARCH)  # another reader: the stored page, not rendered again
    assert stored["X-KB-Page-Cache"] == "hit" and stored.content == first.content
    logged = searches_logged()
    assert len(logged) == 3 and len(set(logged)) == 1
    query, language, results, source = logged[0]
    assert (query, language, source) == ("Ledger", "en", "page") and results >= 1


def test_a_search_answered_from_another_process_cache_is_searched_again_for_its_count(
        imported, searches_logged):
    from django.core.cache import caches

    reader = Client()
    first = reader.get(SEARCH)
    caches["shared"].clear()  # as another worker, whose memory holds neither the page nor its count
    again = reader.get(SEARCH, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    logged = searches_logged()
    assert len(logged) == 2 and logged[0] == logged[1]


def test_only_the_first_page_of_a_cached_search_is_logged(imported, searches_logged):
    reader = Client()
    second = reader.get("/en/search?q=northwind&page=2")
    assert reader.get("/en/search?q=northwind&page=2", HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304
    assert Client().get("/en/search?q=northwind&page=2")["X-KB-Page-Cache"] == "hit"
    assert "data-query" not in second.content.decode()
    assert searches_logged() == []


def test_a_click_on_a_search_page_from_the_cache_marks_a_logged_search(imported, searches_logged):
    from articles.analytics.models import SearchEvent

    Client().get(SEARCH)
    page = Client().get(SEARCH)
    assert page["X-KB-Page-Cache"] == "hit" and 'data-query="Ledger"' in page.content.decode()
    beacon = Client(enforce_csrf_checks=True)
    assert beacon.post("/en/search/open?q=Ledger&r=2&to=%2Fen%2Farticles%2FCMP-1%2F").status_code == 204
    assert beacon.post("/en/search/open?q=ledger&r=1&to=%2Fen%2Farticles%2FCMP-1%2F").status_code == 204
    # Another language's search of the same words is not this one's.
    assert beacon.post("/fr/search/open?q=Ledger&r=1&to=%2Fen%2Farticles%2FCMP-1%2F").status_code == 204
    searches_logged()
    opened = list(SearchEvent.objects.order_by("pk").values_list("opened_rank", "opened_article"))
    assert opened == [(1, "CMP-1"), (2, "CMP-1")]  # two readers' searches, two clicks: each marked once


def test_a_change_readers_can_see_changes_the_search_pages_validator(imported, searches_logged):
    reader = Client()
    before = reader.get(SEARCH)
    actions.set_hidden(user_with("publisher"), "CMP-1", "en", True)
    after = reader.get(SEARCH, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert before["ETag"] != reader.get("/en/search?q=Ledger&product=campaign")["ETag"]
    assert before["ETag"] != reader.get("/ja/search?q=Ledger")["ETag"]
    assert len(searches_logged()) == 4


def test_a_signed_in_search_is_private_and_never_served_from_the_store(imported, searches_logged):
    Client().get(SEARCH)  # a reader's copy is stored
    staff = Client()
    staff.force_login(user_with("editor"))
    page = staff.get(SEARCH)
    assert "X-KB-Page-Cache" not in page and "ETag" not in page
    assert {"private", "no-store"} <= {p.strip() for p in page["Cache-Control"].split(",")}
    assert len(searches_logged()) == 2


def _save(number, title):
    """A change readers see, as the admin makes it (its signal journals it)."""
    from articles.models import Translation

    translation = Translation.objects.get(article__number=number, language="en")
    translation.title = title
    translation.save()


def test_a_save_to_another_article_keeps_this_pages_validator_and_stored_copy(imported):
    reader = Client()
    before = reader.get(PAGE)
    _save("CMP-2", "Audience refresh takes minutes now")
    again = reader.get(PAGE, HTTP_IF_NONE_MATCH=before["ETag"])
    assert again.status_code == 304 and again["ETag"] == before["ETag"]
    assert Client().get(PAGE)["X-KB-Page-Cache"] == "hit"
    # The saved article's own page is made again at once, with what was saved.
    saved = reader.get("/en/articles/CMP-2/")
    assert "takes minutes now" in saved.content.decode() and "X-KB-Page-Cache" not in saved


def test_a_save_to_the_article_changes_its_validator_at_once(imported):
    reader = Client()
    before = reader.get(PAGE)
    _save("CMP-1", "Delivery ledger import stops")
    after = reader.get(PAGE, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "Delivery ledger import stops" in after.content.decode() and "X-KB-Page-Cache" not in after


def test_another_article_made_internal_changes_every_article_pages_validator_at_once(imported):
    reader = Client()
    before = reader.get(PAGE)
    actions.set_audience(user_with("publisher"), "CMP-2", "internal")
    after = reader.get(PAGE, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]


def test_what_other_articles_lend_a_page_is_shown_within_the_settling_window(imported, monkeypatch):
    from types import SimpleNamespace

    from articles import readercache

    reader = Client()
    before = reader.get(PAGE)
    _save("CMP-2", "Audience refresh is slower")
    assert reader.get(PAGE, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    later = time.time() + readercache.SETTLE_SECONDS  # the real clock: past the save
    monkeypatch.setattr(readercache, "time", SimpleNamespace(time=lambda: later))
    after = reader.get(PAGE, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]


def test_a_listing_shows_a_save_within_the_window_and_an_article_gone_at_once(imported, monkeypatch):
    from types import SimpleNamespace

    from articles import readercache

    reader, listing = Client(), "/en/articles/?sort=date"
    before = reader.get(listing)
    assert "Workflow heatmap is empty" in before.content.decode()
    _save("CMP-2", "Audience refresh is slower")
    assert reader.get(listing, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    later = time.time() + readercache.SETTLE_SECONDS  # the real clock: past the save
    monkeypatch.setattr(readercache, "time", SimpleNamespace(time=lambda: later))
    settled = reader.get(listing, HTTP_IF_NONE_MATCH=before["ETag"])
    assert settled.status_code == 200 and "Audience refresh is slower" in settled.content.decode()
    actions.set_hidden(user_with("publisher"), "CMP-3", "en", True)
    gone = reader.get(listing, HTTP_IF_NONE_MATCH=settled["ETag"])
    assert gone.status_code == 200 and "Workflow heatmap is empty" not in gone.content.decode()
