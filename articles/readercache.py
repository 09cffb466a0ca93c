"""HTTP caching of what anonymous readers see: validators, ``Cache-Control`` and a rendered-page
cache, so that an edge (nginx's ``proxy_cache``, a CDN) and the browser can help, and a miss
at the edge is still cheap.

    reader_page(view)            a reader's page view, in the URL patterns (``articles.urls``)
    reader_page(served=hook)     a page every request of which must reach the server (the search
                                 page: each search is logged), as a decorator (``views.search_page``)

A request is a **reader's** when it is a GET or HEAD without a session or messages cookie
(``READER_COOKIES`` may be present: they change nothing the page shows). For it:

- the ``ETag`` is a hash of what the page is made from: the code and template version, the
  language, the full path with its query string, and the content state: for an article's page
  (``reader_page(view, article=…)``), that article's own state and what other articles lend
  it as of a ``SETTLE_SECONDS`` window (``article_state``), so a save elsewhere leaves it
  valid; for a listing (``settles=True``), that window's state (``settled_state``); for the
  search page, the database's whole state (the index journal's head, which every change
  readers can see moves; the documentation navigation; the related-article lists) and this
  server's index position, since a save must be found at once;
- ``If-None-Match`` naming it answers 304 without rendering;
- otherwise a page rendered under the same ETag is taken from the ``shared`` cache (Redis
  with ``KB_CACHE_URL``, else this process's memory), or rendered and stored there
  (200 answers up to ``MAX_STORED_BYTES``);
- ``Cache-Control: public, max-age=0, s-maxage=…, stale-while-revalidate=…``: a shared cache
  keeps the page ``EDGE_SECONDS``; a browser revalidates each time (a 304 costs one query), so
  a reader who signs in sees the staff's page at once.

With a ``served`` hook the page is answered ``Cache-Control: public, no-cache`` instead: a browser
or an edge may keep it but asks the server each time (nginx passes every such request on), so
the server sees every request, and ``served(request, note, **kwargs)`` is called before a reader
is answered without the view (a 304 or a stored page): the search page logs the search there.
``note`` is what the view's response carried in ``reader_note`` (a small dict, such as the
number of results) when the page was rendered under the same ETag, stored beside the page; None
when no longer stored (another process's memory, evicted).

A form on a reader's page carries no CSRF token (it would be another reader's): its view checks
``posted_from_this_site`` instead. Every other request (signed in, POST, a message waiting) is rendered as usual and answered
``Cache-Control: private, no-store``. The view runs for readers with ``request.user`` an
``AnonymousUser`` and never touches the session, so nothing personal can enter a stored page,
and the answer does not vary with cookies (the edge's configuration bypasses its cache when a
session cookie is present: ``deploy/nginx.conf``).
"""
from datetime import datetime, timezone
from functools import lru_cache, wraps
import hashlib
from pathlib import Path
import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags

from . import sharedcache

EDGE_SECONDS = 60
SETTLE_SECONDS = 30
STALE_SECONDS = 300
STORED_SECONDS = 600
MAX_STORED_BYTES = 1024 * 1024
READER_COOKIES = {"csrftoken", "kb_reader", "django_language"}
_STORED_HEADERS = ("Content-Type", "Content-Language", "Link")


def reader_page(view=None, *, served=None, article=None, settles=False):
    """See the module docstring; ``@reader_page(served=hook)`` as a decorator. ``article``:
    ``article(**kwargs)`` → the number of the article the page shows (None: not known), which
    keys the page by that article's own state (``article_state``); ``settles``: a page made
    from many articles, keyed by ``settled_state()``; else by the whole ``content_state()``."""
    if view is None:
        return lambda function: reader_page(function, served=served, article=article, settles=settles)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_reader_request(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_store=True)
            return response
        request.user = AnonymousUser()  # never the session's: it is not read
        etag = page_etag(request, kwargs.get("lang", ""), article(**kwargs) if article else None, settles)
        revalidate = served is not None
        key = f"page:{etag}"
        if f"\"{etag}\"" in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
            if served:
                served(request, sharedcache.get(f"note:{etag}"), *args, **kwargs)
            return _with_validators(HttpResponseNotModified(), etag, revalidate)
        stored = sharedcache.get(key)
        if stored is not None:
            if served:
                served(request, stored.get("note"), *args, **kwargs)
            response = HttpResponse(stored["content"], status=stored["status"])
            for name, value in stored["headers"].items():
                response[name] = value
            response["X-KB-Page-Cache"] = "hit"
            return _with_validators(response, etag, revalidate)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if response.status_code in (200, 404) and not response.streaming and not response.cookies:
            if response.status_code == 200:
                _store(etag, response)
            return _with_validators(response, etag, revalidate)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper


def _store(etag, response):
    """The rendered page (up to ``MAX_STORED_BYTES``) and its ``reader_note`` under ``etag``."""
    note = getattr(response, "reader_note", None)
    if note is not None:
        sharedcache.set(f"note:{etag}", note, STORED_SECONDS)
    if len(response.content) <= MAX_STORED_BYTES:
        sharedcache.set(f"page:{etag}", {
            "content": response.content, "status": response.status_code, "note": note,
            "headers": {n: response[n] for n in _STORED_HEADERS if n in response}}, STORED_SECONDS)


def posted_from_this_site(request):
    """Whether a form posted from a stored page (which can hold no CSRF token: every reader gets
    the same bytes) came from this site: by the browser's ``Sec-Fetch-Site``, else its ``Origin``,
    else its ``Referer``. A request with none of them comes from no browser, so from no page a
    forger could have made a reader's browser submit."""
    site = request.headers.get("Sec-Fetch-Site")
    if site:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True
    own = f"{request.scheme}://{request.get_host()}"
    trusted = [own, *getattr(settings, "CSRF_TRUSTED_ORIGINS", [])]
    return any(origin == base or origin.startswith(base + "/") for base in trusted)


def is_reader_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    return not (set(request.COOKIES) - READER_COOKIES - {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME})


def page_etag(request, lang, number=None, settles=False):
    if number is not None:
        state = ["article", *article_state(number)]
    elif settles:
        state = ["settled", *settled_state()]
    else:
        state = [*content_state(), _index_position()]
    parts = [code_version(), *state, lang, request.get_full_path()]
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def content_state():
    """What every reader's page is made from, as stored: one query of five indexed reads. The
    first migration's time tells one database from another (a site set up again from nothing
    starts its journal again)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT last_id FROM search_journal_head), "
            "(SELECT MAX(computed_at) FROM search_related_articles), " + _site_columns())
        return cursor.fetchone()


def _site_columns():
    """The state every kind of key holds: the documentation tree, and the first migration's
    time, which tells one database from another."""
    from .models import DocTree

    doc_tree = DocTree._meta.db_table
    return (f"(SELECT MAX(updated_at) FROM {doc_tree}), (SELECT COUNT(*) FROM {doc_tree}), "
            "(SELECT MIN(applied) FROM django_migrations)")


def article_state(number):
    """What the page of article ``number`` is made from, as stored: ``settled_state()`` and the
    article's own state, exactly (its row, its translations, each one's latest journal entry,
    which every change to one of them writes, and their related-article lists), in one query."""
    return _state(_article_columns(), [str(number)] * 5)


@lru_cache(maxsize=None)
def _article_columns():
    from .models import Article, Translation
    from .search.models import RelatedArticles

    article, translation = Article._meta.db_table, Translation._meta.db_table
    related = RelatedArticles._meta.db_table
    mine = f"SELECT id FROM {translation} WHERE article_id = (SELECT id FROM {article} WHERE number = %s)"
    return (f"(SELECT updated_at FROM {article} WHERE number = %s), "
            f"(SELECT COUNT(*) FROM ({mine}) mine), (SELECT SUM(id) FROM ({mine}) mine), "
            f"(SELECT MAX(id) FROM search_journal_entry WHERE translation_id IN ({mine})), "
            f"(SELECT MAX(computed_at) FROM {related} WHERE translation_id IN ({mine}))")


def settled_state():
    """What a page made from many articles is made from, as stored, read so that an editor
    saving every few seconds does not make every such page again (nor fail every revalidation)
    at each save: the journal as of the start of the current ``SETTLE_SECONDS`` window, so a
    save shows there within ``SETTLE_SECONDS`` (as it would after an edge's ``s-maxage``); and
    at once what must show at once, the last change that made a page appear or go
    (``JournalHead.shared_last_id``: a visibility change, a deletion, an import), the
    documentation tree, and the first migration's time (``content_state``)."""
    return _state()


def _state(own="", params=()):
    window = datetime.fromtimestamp(time.time() // SETTLE_SECONDS * SETTLE_SECONDS, tz=timezone.utc)
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(own), [connection.ops.adapt_datetimefield_value(window), *params])
        return cursor.fetchone()


@lru_cache(maxsize=None)
def _state_sql(own):
    return ("SELECT (SELECT shared_last_id FROM search_journal_head), "
            "(SELECT pruned_through FROM search_journal_head), "
            "(SELECT MAX(id) FROM search_journal_entry WHERE created_at = "
            " (SELECT MAX(created_at) FROM search_journal_entry WHERE created_at <= %s)), "
            + _site_columns() + (", " + own if own else ""))


def _index_position():
    from .search import get_backend

    try:
        return get_backend().position()
    except Exception:  # noqa: BLE001 — no index yet: the page says so, and is keyed so
        return None


_code_version = None


def code_version():
    """The templates, the compiled translations, the static files' manifest and the renderer's
    version, hashed once per process: a deploy changes every ETag."""
    global _code_version
    if _code_version is None:
        from .rendering import RENDERER_VERSION

        digest = hashlib.sha256(str(RENDERER_VERSION).encode())
        base = Path(settings.BASE_DIR)
        for folder, pattern in (("templates", "**/*.html"), ("locale", "**/*.mo"), ("static", "**/*.css"),
                                ("static", "**/*.js")):
            for path in sorted((base / folder).glob(pattern)):
                stat = path.stat()
                digest.update(f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        _code_version = digest.hexdigest()[:16]
    return _code_version


_REVALIDATED = {"public": True, "no_cache": True}
_SHARED = {"public": True, "max_age": 0, "s_maxage": EDGE_SECONDS, "stale_while_revalidate": STALE_SECONDS}


def _with_validators(response, etag, revalidate=False):
    response["ETag"] = f'"{etag}"'
    directives = _REVALIDATED if revalidate else _SHARED
    if response.has_header("Cache-Control"):  # the view's own directives, merged
        patch_cache_control(response, **directives)
    else:  # a 304 or a stored page: the header as ``patch_cache_control`` writes it, made once
        response["Cache-Control"] = _header(revalidate)
    return response


@lru_cache(maxsize=2)
def _header(revalidate):
    response = HttpResponse()
    patch_cache_control(response, **(_REVALIDATED if revalidate else _SHARED))
    return response["Cache-Control"]


class PrivateAnswersMiddleware:
    """An answer to a request carrying credentials (an ``Authorization`` header, a session
    cookie) that says nothing of caching is ``private, no-store``: with a token, the API shows
    drafts and internal articles. Every API answer varies with ``Authorization``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        credentials = "HTTP_AUTHORIZATION" in request.META or settings.SESSION_COOKIE_NAME in request.COOKIES
        if credentials and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        if request.path.startswith("/api/"):
            patch_vary_headers(response, ["Authorization"])
        return response
