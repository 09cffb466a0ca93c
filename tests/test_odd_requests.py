"""Odd requests on every route of the site, as a stranger, a publisher and a publisher on the staff send them: HEAD
and OPTIONS, numbers past any integer type, odd languages, huge query strings, paths with bytes
that are not UTF-8 and paths of great length. The answer is never a 5xx.

The routes come from the URL patterns themselves, so a new page is tried as soon as it exists."""
import re

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
import pytest

from articles.editing import actions
from articles.search import sync
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
    sync.bring_up_to_date()  # a server runs its indexer: search answers, not 503
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
# than Python converts (4,300). A whole-number parameter is ASCII digits of a bounded length
# (``switching.whole_number``); anything else is a 400 naming the parameter, never a 500.
NOT_INTS = ["%C2%B2", "9" * 5000]
WHOLE_NUMBER_PARAMETERS = [
    # (who, url, the parameter named)
    ("anonymous", "/en/search/open?s=" + "0" * 32 + "&to=/en/articles/{number}/&r={value}", "r"),
    ("staff", "/api/analytics/searches/?days={value}", "days"),
    ("publisher", "/en/analytics/searches/?days={value}", "days"),
    ("publisher", "/en/analytics/feedback/?days={value}", "days"),
    ("publisher", "/en/editor/articles/{number}/en/diff/?from={value}", "from"),
    ("publisher", "/api/articles/{number}/translations/en/diff/?from=1&to={value}", "to"),
]


@pytest.mark.parametrize("value", NOT_INTS, ids=["superscript", "5000 digits"])
@pytest.mark.parametrize("who, url, name", WHOLE_NUMBER_PARAMETERS,
                         ids=[url.split("?")[0] for _, url, _ in WHOLE_NUMBER_PARAMETERS])
def test_a_digit_that_is_not_a_number_is_a_400_naming_the_parameter(people, who, url, name, value):
    clients, _, number = people
    response = clients[who].get(url.format(number=number, value=value))
    assert response.status_code == 400
    if url.startswith("/api/"):
        error = response.json()["error"]
        assert error["code"] == "invalid_parameter" and error["field"] == name and f"'{name}'" in error["message"]
    else:
        html = response.content.decode()
        assert "<h1>Bad request</h1>" in html and f"Parameter &#39;{name}&#39;" in html, html[-800:]


def test_a_whole_number_is_ascii_digits_of_a_bounded_length():
    from articles.switching import MAX_NUMBER_DIGITS, whole_number

    assert whole_number("42") == 42 and whole_number("007") == 7 and whole_number("9" * MAX_NUMBER_DIGITS)
    for raw in (None, "", "\u00b2", "\u0663", "\uff11", "9" * (MAX_NUMBER_DIGITS + 1), "-1", "+1", " 1", "1_0", "1.0"):
        assert whole_number(raw) is None, raw
    assert 10 ** MAX_NUMBER_DIGITS - 1 < 2 ** 63  # fits any database's integer lookup


@pytest.mark.parametrize("who, url, status", [
    ("publisher", "/en/analytics/searches/?days=0", 400), ("publisher", f"/en/analytics/searches/?days={HUGE}", 400),
    ("publisher", "/en/analytics/searches/?days=", 200), ("publisher", "/en/analytics/searches/?days=3650", 200),
    ("anonymous", "/en/search/open?s=" + "0" * 32 + "&to=/en/articles/{number}/&r=0", 400),
    ("anonymous", "/en/search/open?s=" + "0" * 32 + "&to=/en/articles/{number}/&r=10001", 400),
    ("anonymous", "/en/search/open?s=" + "0" * 32 + "&to=/en/articles/{number}/", 302),
    ("publisher", "/en/editor/articles/{number}/en/diff/?from=1&to=", 200),
    ("publisher", "/en/editor/articles/{number}/en/diff/?from=-1", 400),
])
def test_a_number_out_of_range_is_refused_and_an_absent_one_takes_its_default(people, who, url, status):
    clients, _, number = people
    assert clients[who].get(url.format(number=number)).status_code == status
