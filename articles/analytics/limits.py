"""Budgets per client address, counted together by every worker and server.

    within_budget(purpose, client_address, limit, seconds) -> True while this client's count in
                                                              the current window is at most ``limit``
    granted(purpose, client, wanted, limit, seconds)       -> how many of ``wanted`` more fit in the
                                                              budget of ``client`` (a ``client_key``)
    client_address(request)                                -> the address a budget is counted for
    client_key(client_address)                             -> what is counted: 32 hex digits of a keyed hash
    current_client()                                       -> the ``client_key`` of the request being
                                                              answered, None outside a request
    keyed_hash(purpose, value)                             -> 64 hex digits (HMAC-SHA256 with SECRET_KEY)
    ClientAddressMiddleware                                -> makes the request's address known to
                                                              ``current_client`` for its duration

Counts live in the ``shared`` cache (``settings.CACHES``: Redis with ``KB_CACHE_URL``, else this
process's memory) under ``limit:<purpose>:<client key>:<window>`` (in Redis ``kb:1:limit:…``, the
cache's prefix and version): the address itself is never stored, only its keyed hash. Each count
is ``add`` (creates the window's key at 0 if absent) then ``incr``, each atomic in Redis, so two
workers never read the same count.

When the shared cache fails (Redis down, refused, timed out) the count is taken in this process's
memory instead, while ``sharedcache`` leaves Redis alone (``PAUSE_SECONDS``; the failure is
logged): a limit then holds per process, and nothing the reader asked for fails.
"""
from contextvars import ContextVar
import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import caches

from .. import sharedcache

LOCAL = "default"
SEARCHES_LOGGED_PER_HOUR = 300  # applied by the search log's writer (``recorder``), not here

_client_address = ContextVar("kb_client_address", default=None)
_now = time.time  # the clock of the windows


def keyed_hash(purpose, value):
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def client_address(request):
    """``REMOTE_ADDR``; behind ``KB_PROXY_COUNT`` proxies, each appending the address it was
    reached from to ``X-Forwarded-For`` (nginx's ``$proxy_add_x_forwarded_for``), the entry that
    many places from the right: the one the outermost proxy saw, which no client can forge
    (``"forged, 198.51.100.4"`` with one proxy → ``198.51.100.4``). ``REMOTE_ADDR`` too when
    the header has fewer entries."""
    hops = getattr(settings, "KB_PROXY_COUNT", 0)
    if hops:
        entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        if len(entries) >= hops:
            return entries[-hops]
    return request.META.get("REMOTE_ADDR", "")


def client_key(client_address):
    return keyed_hash("client", client_address)[:32]


def current_client():
    address = _client_address.get()
    return None if address is None else client_key(address)


def within_budget(purpose, client_address, limit, seconds):
    """Counts one more for this client in the current ``seconds``-long window; False once past ``limit``."""
    return granted(purpose, client_key(client_address), 1, limit, seconds) == 1


def granted(purpose, client, wanted, limit, seconds):
    """Counts ``wanted`` more for ``client`` in the current window; returns how many of them
    are within ``limit`` (0 once the window's count had reached it): with 2 left, 5 wanted → 2."""
    key = f"limit:{purpose}:{client}:{int(_now() // seconds)}"
    total = _count(key, wanted, seconds)
    return max(0, min(wanted, limit - (total - wanted)))


def _count(key, n, seconds):
    if sharedcache.available():
        try:
            return _add_and_incr(caches[sharedcache.SHARED], key, n, seconds)
        except Exception as error:  # redis.exceptions.ConnectionError, TimeoutError, …
            sharedcache.failed(error)  # counted in this process's memory meanwhile
    return _add_and_incr(caches[LOCAL], key, n, seconds)


def _add_and_incr(cache, key, n, seconds):
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key, n)
    except ValueError:  # the window's key expired between add and incr: these are its first counts
        cache.add(key, n, seconds)
        return n


class ClientAddressMiddleware:
    """Makes the request's ``client_address`` known to ``current_client`` while it is answered
    (the search views call the recorder with the query alone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_address.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            _client_address.reset(token)
