"""Odd requests on every route of the site, as a stranger, a publisher and a publisher on the staff send them: HEAD
and OPTIONS, numbers past any integer type, odd languages, huge query strings, paths with bytes
that are not UTF-8 and paths of great length. The answer is never a 5xx.

The routes come from the URL patterns themselves, so a new page is tried as soon as it exists."""
import re

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
import pytest

from articles.editing import actions
from articles.search import upkeep
from tests.test_editing import BODY, user_with

pytestmark = pytest.mark.django_db

HUGE = "9" * 20  # past a 64-bit integer
PARAMETERS = {"lang": "en", "language": "fr", "number": None, "revision": "1", "address": "x", "path": "x",
              "section": "articles", "code": "LDG-40417", "product": "ledger"}
ODD_QUERIES = [
    f"page={HUGE}", "page=-1", "page=1e309", "page=%C2%B2", f"p={HUGE}", "p=x", f"limit={HUGE}",
    f"days={HUGE}", f"from={HUGE}&to={HUGE}", f"s={'0' * 32}&r={HUGE}&to=/en/articles/KA-1/",
    "lang=%E2%80%AE", "lang=xx-yyyyyyyy-zzzzzzzz", "lang=" + "a" * 5000, "lang=zh-Hant-TW",
    "lang=en&next=//evil.example/",
    "q=" + "ledger " * 20000, "sort=%C3%A9&product=%C3%A9", "format=yaml", "a=1;b=2",
]


def routes(patterns=None, prefix=""):
    """Every route of the ``articles`` and ``editor`` namespaces as a path with sample values."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace in ("articles", "editor") or entry.namespace is None and not route.startswith("admin"):
                yield from routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and entry.name:
            yield route


@pytest.fixture
def people(db):
    """``(clients by role, every route as a path, the article's number)``."""
    editor, publisher = user_with("editor"), user_with("publisher")
    article = actions.create_article(editor, translation={"language": "en", "title": "Ledger export stops",
                                                          "body": BODY})
    clients = {"anonymous": Client(raise_request_exception=False)}
    for name, user in (("publisher", publisher), ("staff", user_with("publisher", name="staff", is_staff=True))):
        clients[name] = Client(raise_request_exception=False)
        clients[name].force_login(user)
    samples = {**PARAMETERS, "number": article.number}
    paths = ["/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples.get(m.group(1), "x"), route) for route in routes()]
    return clients, sorted(set(paths)), article.number


@pytest.fixture
def sweep(people):
    upkeep.bring_up_to_date()  # a server runs its indexer: search answers, not 503
    return people


def server_errors(client, requests):
    """``(method, path, status)`` of each request answered with a 5xx."""
    found = []
    for method, path in requests:
        response = client.generic(method, path)
        if response.status_code >= 500:
            found.append((method, path[:120], response.status_code))
    return found


def test_the_routes_are_found(sweep):
    clients, paths, _ = sweep
    assert {"/en/", "/en/search", "/api/suggest", "/en/editor/", "/accounts/login/"} <= set(paths)
    assert len(paths) > 40


def test_get_head_and_options_on_every_route_never_answer_5xx(sweep):
    clients, paths, _ = sweep
    for name, client in clients.items():
        requests = [(method, path) for path in paths for method in ("GET", "HEAD", "OPTIONS")]
        assert not server_errors(client, requests), name


def test_odd_query_values_on_every_route_never_answer_5xx(sweep):
    clients, paths, _ = sweep
    for name in ("anonymous", "staff"):
        requests = [("GET", f"{path}?{query}") for path in paths for query in ODD_QUERIES]
        assert not server_errors(clients[name], requests), name


ODD_PATHS = [
    "/en/articles/%FF/", "/en/%ED%A0%80/", "/api/articles/%FF%FE/", "/en/codes/%C3/", "/en/%C0%AF/",
    "/en/articles/%EF%BF%BF/", "/api/articles/%EF%BF%BE/", "/" + "a" * 10000, "/en/articles/" + "K" * 10000 + "/",
    "/api/articles/" + "9" * 10000 + "/", "/en/docs/" + "a/" * 3000, "/_doc/" + "a" * 10000,
    f"/api/articles/KA-1/translations/en/revisions/{HUGE}/", f"/en/editor/articles/KA-1/en/restore/{HUGE}/",
]


def test_odd_paths_never_answer_5xx(sweep):
    clients, _, number = sweep
    requests = [(method, path.replace("KA-1", number)) for path in ODD_PATHS for method in ("GET", "HEAD", "POST")]
    for name, client in clients.items():
        assert not server_errors(client, requests), name


# Digits that ``str.isdigit()`` accepts and ``int()`` refuses: a superscript two, and more digits
# than Python converts (4,300). Each view below checks ``raw.isdigit()`` and then calls
# ``int(raw)``: the ValueError is a 500. The fix belongs in each view (``raw.isascii() and
# raw.isdigit()`` and a length bound, or ``try: int(raw) except ValueError``).
NOT_INTS = ["%C2%B2", "9" * 5000]
ISDIGIT_THEN_INT = [
    # analytics/views.open_result
    ("anonymous", "/en/search/open?s=" + "0" * 32 + "&to=/en/articles/{number}/&r={value}"),
    ("staff", "/api/analytics/searches/?days={value}"),  # analytics/api.search_figures
    ("publisher", "/en/analytics/searches/?days={value}"),  # analytics/views._filters
    ("publisher", "/en/analytics/feedback/?days={value}"),  # analytics/views._filters
    ("publisher", "/en/editor/articles/{number}/en/diff/?from={value}"),  # editor/history._revision_number
    ("publisher", "/api/articles/{number}/translations/en/diff/?from=1&to={value}"),  # api/articles.diff
]


@pytest.mark.xfail(strict=True, reason="isdigit() then int(): fixed in the views named above, not here")
@pytest.mark.parametrize("value", NOT_INTS, ids=["superscript", "5000 digits"])
@pytest.mark.parametrize("who, url", ISDIGIT_THEN_INT, ids=[url.split("?")[0] for _, url in ISDIGIT_THEN_INT])
def test_a_digit_that_is_not_a_number_is_refused_not_a_500(people, who, url, value):
    clients, _, number = people
    response = clients[who].get(url.format(number=number, value=value))
    assert response.status_code < 500
