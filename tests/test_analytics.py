"""Search analytics and reader feedback (issue 13): searches logged without personal data and
never at a search's expense, clicks and ranks, the editors' figures and their JSON, retention,
"write an article for this", votes (one per reader, updated, rate-limited) and helpfulness."""
from datetime import timedelta
import re
import time
import uuid

from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.analytics import recorder as recorder_module
from articles.analytics.feedback import VOTES_PER_MINUTE, helpfulness, low_rated
from articles.analytics.models import Feedback, SearchEvent
from articles.analytics.recorder import recorder
from articles.editing.permissions import role_group
from articles.importing import import_paths
from articles.models import Article, Translation
from articles.search import sync
from tests.test_translations import in_language, looked_up  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db
READER_ADDRESS = "203.0.113.7"


@pytest.fixture(autouse=True)
def empty_queue():
    recorder.discard()
    yield
    recorder.discard()


@pytest.fixture
def imported(browse_dir):
    import_paths([browse_dir])
    sync.bring_up_to_date()


def user_with(role=None, name=None, **flags):
    user = User.objects.create_user(name or role or "someone", password="pw-not-used-here", **flags)
    if role:
        user.groups.add(role_group(role))
    return user


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def logged(**extra):
    defaults = {"query": "q", "query_key": "q", "language": "en", "results": 1, "source": "api",
                "searched_at": timezone.now()}
    defaults.update(extra)
    defaults.setdefault("key", uuid.uuid4())
    return SearchEvent.objects.create(**defaults)


# Logging -------------------------------------------------------------------------------------

def test_a_page_search_is_logged_without_personal_data(client, imported):
    client.cookies["sessionid"] = "a-session-cookie-value"
    response = client.get("/en/search?q=Ledger  import", REMOTE_ADDR=READER_ADDRESS)
    assert response.status_code == 200
    assert recorder.flush() == 1
    event = SearchEvent.objects.get()
    assert (event.query, event.query_key, event.language, event.source) == ("Ledger  import", "ledger import", "en",
                                                                            "page")
    assert event.results >= 1 and event.opened_rank is None
    columns = {f.name for f in SearchEvent._meta.get_fields()}
    assert not columns & {"user", "ip", "address", "session", "cookie", "user_agent"}
    stored = " ".join(str(getattr(event, name)) for name in columns)
    assert READER_ADDRESS not in stored and "a-session-cookie-value" not in stored


def test_an_api_search_is_logged_with_its_language_and_result_count(imported):
    response = APIClient().get("/api/search", {"q": "zzzqqq nothing", "lang": "fr-FR"})
    assert response.status_code == 200
    recorder.flush()
    event = SearchEvent.objects.get()
    assert (event.query, event.language, event.results, event.source) == ("zzzqqq nothing", "fr", 0, "api")


def test_only_the_first_page_of_a_search_is_logged(client, imported):
    client.get("/en/search?q=northwind&page=2")
    APIClient().get("/api/search", {"q": "northwind", "page": 2})
    assert recorder.flush() == 0


def test_a_failing_logger_never_fails_a_search(client, imported, monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("queue is broken")

    monkeypatch.setattr(recorder, "_add", broken)
    assert client.get("/en/search?q=ledger").status_code == 200
    assert APIClient().get("/api/search", {"q": "ledger"}).status_code == 200
    assert "could not record a search" in caplog.text


def test_a_database_error_while_writing_keeps_the_events_and_raises_nothing(imported, monkeypatch):
    assert APIClient().get("/api/search", {"q": "ledger"}).status_code == 200

    def unavailable(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(SearchEvent.objects, "bulk_create", unavailable)
    assert recorder.flush() == 0 and recorder.pending() == 1
    monkeypatch.undo()
    assert recorder.flush() == 1 and SearchEvent.objects.count() == 1


def test_a_full_queue_drops_new_events_instead_of_growing(monkeypatch):
    monkeypatch.setattr(recorder_module, "MAX_PENDING", 3)
    keys = [recorder.record_search("q", "en", 1, "api") for _ in range(5)]
    assert all(keys) and recorder.pending() == 3 and recorder.dropped == 2


@pytest.mark.django_db(transaction=True)
def test_the_background_thread_writes_the_queue_in_batches(settings):
    settings.KB_ANALYTICS_BACKGROUND = True
    try:
        keys = [recorder.record_search(f"query {n}", "en", n, "api") for n in range(3)]
        deadline = time.monotonic() + 10
        while SearchEvent.objects.count() < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sorted(SearchEvent.objects.values_list("key", flat=True)) == sorted(uuid.UUID(k) for k in keys)
    finally:
        recorder.stop()
    assert recorder.pending() == 0


# Clicks --------------------------------------------------------------------------------------

def test_the_beacon_of_a_click_records_the_opened_article_and_its_rank(imported):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)  # a beacon carries no CSRF token
    page = client.get("/en/search?q=Ledger").content.decode()
    query = re.search(r'<ol class="results" data-query="([^"]+)" data-open="/en/search/open">', page).group(1)
    assert query == "Ledger"  # the page names its query, the same for every reader: no per-page id
    assert re.search(r'class="result-title" href="/en/articles/CMP-1/"', page)  # links stay plain
    response = client.post(f"/en/search/open?q={query}&r=1&to=%2Fen%2Farticles%2FCMP-1%2F")
    assert response.status_code == 204
    recorder.flush()
    event = SearchEvent.objects.get()
    assert (event.opened_article, event.opened_rank) == ("CMP-1", 1) and event.opened_at is not None


def test_the_click_redirect_records_the_click_and_opens_the_article(client):
    key = recorder.record_search("ledger", "en", 3, "api")
    response = client.get("/en/search/open", {"s": key, "r": 3, "to": "/en/articles/CMP-2/"})
    assert response.status_code == 302 and response["Location"] == "/en/articles/CMP-2/"
    client.get("/en/search/open", {"s": key, "r": 1, "to": "/en/articles/CMP-1/"})  # the first click counts
    recorder.flush()
    assert SearchEvent.objects.values_list("opened_article", "opened_rank").get() == ("CMP-2", 3)


def test_a_click_on_a_documentation_page_is_recorded_like_one_on_an_article(client, tmp_path):
    """A documentation page found by a search is an article at its readable address: the
    beacon records it (it answered 400, and the click was lost), and the redirect opens it."""
    from tests.helpers import write

    root = tmp_path / "docs"
    write(root / "guide.en" / "help" / "TOC.md", "---\ntitle: Guide\n---\n# Guide\n\n+ [Preview](send/preview.md)\n")
    write(root / "guide.en" / "help" / "send" / "preview.md",
          "---\ntitle: Preview a message\nexl-id: 5e1d-preview\n---\n# Preview a message\n\nSteps to follow.\n")
    assert import_paths([root]).ok
    sync.bring_up_to_date()
    number = Article.objects.get(translations__title="Preview a message").number
    key = recorder.record_search("preview", "en", 1, "page")
    response = client.post(f"/en/search/open?s={key}&r=1&to=%2Fen%2Fdocs%2Fguide%2Fsend%2Fpreview%2F")
    assert response.status_code == 204
    recorder.flush()
    assert SearchEvent.objects.values_list("opened_article", "opened_rank").get() == (number, 1)
    response = client.get("/en/search/open", {"r": 1, "to": "/en/docs/guide/send/preview/"})
    assert response.status_code == 302 and response["Location"] == "/en/docs/guide/send/preview/"
    # A documentation address no page has is refused, as any other.
    assert client.get("/en/search/open", {"r": 1, "to": "/en/docs/guide/send/preview-gone/"}).status_code == 400
    # An internal page: staff open it from their results and their click counts; nobody else's.
    Article.objects.filter(number=number).update(audience=Article.Audience.INTERNAL)  # as the admin does:
    sync.record_change(Translation.objects.filter(article__number=number).values_list("pk", flat=True),
                       sync.VISIBILITY)  # journalled
    target = {"r": 1, "to": "/en/docs/guide/send/preview/"}
    assert client.get("/en/search/open", target).status_code == 400
    client.force_login(user_with(name="staff", is_staff=True))
    assert client.get("/en/search/open", target).status_code == 302


def test_a_click_that_arrives_before_its_search_is_written_is_applied_later():
    key = recorder.record_search("ledger", "en", 3, "page")
    events = list(recorder._pending)
    recorder.discard()
    recorder.record_click(key, 2, "CMP-2")  # this worker has the click, another one the search
    recorder.flush()
    assert recorder.pending() == 1
    recorder._pending.extend(events)
    recorder.flush()
    event = SearchEvent.objects.get()
    assert (event.opened_article, event.opened_rank) == ("CMP-2", 2) and recorder.pending() == 0


@pytest.mark.parametrize("target", [
    "https://evil.example/en/articles/CMP-1/", "//evil.example/en/articles/CMP-1/", "/\\evil.example/",
    "javascript:alert(1)", "/en/articles/CMP-1/\r\nSet-Cookie: a=b", "/admin/", "/en/search?q=x",
    "/en/no-such-page/", "",
])
def test_the_click_redirect_refuses_anything_but_an_article_of_this_site(client, target):
    key = recorder.record_search("ledger", "en", 3, "page")
    response = client.get("/en/search/open", {"s": key, "r": 1, "to": target})
    assert response.status_code == 400
    assert recorder.pending() == 1  # the search only; no click queued


# Figures -------------------------------------------------------------------------------------

@pytest.fixture
def searches():
    now = timezone.now()
    for query, results, opened in [("Ledger Export", 4, 1), (" ledger   EXPORT", 4, None), ("ledger export", 4, None),
                                   ("timeout", 2, None), ("timeout", 2, None), ("XQZ-1", 0, None),
                                   ("xqz-1 ", 0, None), ("heatmap", 1, 2)]:
        logged(query=query, query_key=recorder_module.normalize_query(query), language="fr", results=results,
               opened_rank=opened, opened_article="CMP-1" if opened else "", searched_at=now - timedelta(days=1))
    logged(query="vieille-requete", query_key="vieille-requete", language="fr", results=0,
           searched_at=now - timedelta(days=10))
    logged(query="kein-ergebnis", query_key="kein-ergebnis", language="de", results=0,
           searched_at=now - timedelta(days=1))


def test_the_json_figures_group_queries_case_and_space_insensitively(searches):
    body = token_client(user_with(name="staff", is_staff=True)).get(
        "/api/analytics/searches/", {"days": 7, "lang": "fr"}).json()
    assert body["searches"] == 8 and body["click_rate"] == 0.25
    assert body["top"][:3] == [{"query": "ledger EXPORT", "count": 3}, {"query": "timeout", "count": 2},
                               {"query": "XQZ-1", "count": 2}]
    assert body["no_results"] == [{"query": "XQZ-1", "count": 2}]
    assert body["no_clicks"] == [{"query": "timeout", "count": 2}]


def test_the_json_figures_follow_the_period_and_language(searches):
    staff = token_client(user_with(name="staff", is_staff=True))
    month = staff.get("/api/analytics/searches/", {"days": 30, "lang": "fr"}).json()
    assert month["searches"] == 9 and {"query": "vieille-requete", "count": 1} in month["no_results"]
    everywhere = staff.get("/api/analytics/searches/", {"days": 7}).json()
    assert everywhere["searches"] == 9 and {"query": "kein-ergebnis", "count": 1} in everywhere["no_results"]
    assert staff.get("/api/analytics/searches/", {"days": 0}).json()["error"]["code"] == "invalid_parameter"
    assert staff.get("/api/analytics/searches/", {"lang": "xx"}).json()["error"]["code"] == "unknown_language"


def test_only_staff_may_read_the_json_figures(searches):
    assert APIClient().get("/api/analytics/searches/").status_code == 401
    assert token_client(user_with("editor")).get("/api/analytics/searches/").status_code == 403


def test_the_editors_page_shows_the_figures_per_language_and_period(client, searches):
    client.force_login(user_with("editor"))
    page = client.get("/en/analytics/searches/", {"days": 7, "language": "fr"}).content.decode()
    assert "timeout" in page and "XQZ-1" in page and "kein-ergebnis" not in page and "vieille-requete" not in page
    assert ">25 %<" in page and page.count("Write an article for this") == 6


def test_the_editors_pages_are_refused_to_readers(client):
    assert client.get("/en/analytics/searches/").status_code == 403
    assert client.get("/en/analytics/feedback/").status_code == 403
    client.force_login(user_with(name="reader"))
    assert client.get("/en/analytics/searches/").status_code == 403


def test_prune_removes_searches_older_than_the_retention(settings):
    now = timezone.now()
    logged(query="ancient", searched_at=now - timedelta(days=100))
    logged(query="recent", searched_at=now - timedelta(days=10))
    call_command("prune_analytics")
    assert list(SearchEvent.objects.values_list("query", flat=True)) == ["recent"]
    settings.KB_ANALYTICS_RETENTION_DAYS = 5
    call_command("prune_analytics")
    assert not SearchEvent.objects.exists()


# Write an article for this ---------------------------------------------------------------------

def test_write_an_article_for_this_creates_a_work_in_progress_article_with_the_query(client):
    client.force_login(user_with("editor"))
    response = client.post("/en/analytics/searches/write", {"query": " erreur   LDG-404 ", "language": "fr"})
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/editor/articles/{article.number}/fr/edit/"
    translation = article.translations.get()
    assert article.status == "wip" and translation.language == "fr" and translation.title == "erreur LDG-404"
    assert "erreur LDG-404" in translation.body and "Décrivez" in translation.body
    assert client.get(response["Location"]).status_code == 200


def test_write_an_article_is_refused_to_readers(client):
    assert client.post("/en/analytics/searches/write", {"query": "x"}).status_code == 403
    assert not Article.objects.exists()


# Feedback ------------------------------------------------------------------------------------

def vote(client, helpful, comment="", number="CMP-1", address=READER_ADDRESS):
    return client.post(f"/en/articles/{number}/feedback", {"helpful": helpful, "comment": comment, "language": "en"},
                       REMOTE_ADDR=address)


def test_the_article_page_asks_and_thanks(client, imported):
    page = client.get("/en/articles/CMP-1/").content.decode()
    assert "Did this solve your problem?" in page and "csrfmiddlewaretoken" not in page  # a stored page: checked by origin
    assert 'action="/en/articles/CMP-1/feedback"' in page
    assert "Thank you" in client.get("/en/articles/CMP-1/?feedback=thanks").content.decode()


def test_one_vote_per_reader_and_a_new_vote_replaces_it(client, imported):
    response = vote(client, "yes")
    assert response.status_code == 302 and response["Location"] == "/en/articles/CMP-1/?feedback=thanks#feedback"
    cookie = response.cookies["kb_reader"].value
    vote(client, "no", "Still fails after the restart.")
    only = Feedback.objects.get()
    assert (only.helpful, only.comment, only.language) == (False, "Still fails after the restart.", "en")
    assert only.reader != cookie and cookie not in only.reader and len(only.reader) == 64
    vote(client.__class__(), "yes")  # another reader, no cookie
    assert Feedback.objects.count() == 2


def test_votes_are_rate_limited_per_client(client, imported):
    for _ in range(VOTES_PER_MINUTE):
        assert vote(client.__class__(), "yes").status_code == 302
    refused = vote(client.__class__(), "yes")
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert vote(client.__class__(), "yes", address="198.51.100.1").status_code == 302
    assert Feedback.objects.count() == VOTES_PER_MINUTE + 1


def test_a_vote_needs_yes_or_no_and_an_article_the_reader_may_see(client, imported):
    assert vote(client, "maybe").status_code == 400
    assert vote(client, "yes", number="NO-SUCH").status_code == 404
    assert not Feedback.objects.exists()


@pytest.fixture
def votes(imported):
    articles = {a.number: a for a in Article.objects.all()}
    table = [("CMP-1", "en", [True, False, False]), ("CMP-2", "en", [False, False]),
             ("CMP-1", "de", [True, True, False, False]), ("CMP-3", "en", [True, True, True, False])]
    for number, language, answers in table:
        for n, helpful in enumerate(answers):
            Feedback.objects.create(article=articles[number], language=language, reader=f"{number}{language}{n}",
                                    helpful=helpful, comment="Too vague" if not helpful and n == 1 else "")


def test_helpfulness_per_article_and_language_and_the_low_rated_list(votes):
    rows = {(r.number, r.language): (r.votes, r.helpful) for r in helpfulness()}
    assert rows == {("CMP-1", "en"): (3, 1), ("CMP-2", "en"): (2, 0), ("CMP-1", "de"): (4, 2), ("CMP-3", "en"): (4, 3)}
    # CMP-2 has too few votes, CMP-1 in German is exactly half helpful
    assert [(r.number, r.language) for r in low_rated(helpfulness())] == [("CMP-1", "en")]
    assert [(r.number, r.language) for r in helpfulness("de")] == [("CMP-1", "de")]


def test_the_feedback_page_lists_the_low_rated_articles_for_editors(client, votes):
    client.force_login(user_with("editor"))
    page = client.get("/en/analytics/feedback/").content.decode()
    review = page.split('id="low-rated"')[1].split('id="all-feedback"')[0]
    assert "CMP-1" in review and "CMP-2" not in review and "33 %" in review
    assert "Too vague" in page


@pytest.mark.parametrize("lang", ["fr", "de", "es", "ja", "ko", "zh-hans"])
def test_the_new_pages_are_in_the_readers_language(client, votes, searches, looked_up, lang):  # noqa: F811
    client.force_login(user_with("editor"))
    pages = [("/{lang}/analytics/searches/?days=7", 200, "Searches that end in a click"),
             ("/{lang}/analytics/feedback/", 200, "To review: rated unhelpful"),
             ("/{lang}/articles/CMP-1/", 200, "Did this solve your problem?"),
             ("/{lang}/articles/CMP-1/?feedback=thanks", 200, "Thank you: your answer helps us improve this article."),
             ("/{lang}/search/open?to=/x", 400, "This link does not lead to an article.")]
    for url, status, message in pages:
        response = client.get(url.format(lang=lang))
        assert response.status_code == status and in_language(message, lang) in response.content.decode(), url
    client.post(f"/{lang}/analytics/searches/write", {"query": "x", "language": lang})
    client.logout()
    assert client.get(f"/{lang}/analytics/searches/").status_code == 403
    assert client.post(f"/{lang}/articles/CMP-1/feedback", {"helpful": "maybe", "language": "en"}).status_code == 400
    assert looked_up == []
