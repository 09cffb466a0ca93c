"""Budgets per client address, counted together by every worker and server.

    within_budget(purpose, client_address, limit, seconds) -> True while this client's count in
                                                              the current window is at most ``limit``
    may_log_search()                                       -> True while the current request's client
                                                              is within SEARCHES_LOGGED_PER_HOUR
    keyed_hash(purpose, value)                             -> 64 hex digits (HMAC-SHA256 with SECRET_KEY)
    ClientAddressMiddleware                                -> makes the request's address known to
                                                              ``may_log_search`` for its duration

Counts live in the ``shared`` cache (``settings.CACHES``: Redis with ``KB_CACHE_URL``, else this
process's memory) under ``limit:<purpose>:<hash of the address>:<window>`` (in Redis
``kb:1:limit:…``, the cache's prefix and version): the address itself is never stored, only its
keyed hash. Each count is ``add`` (creates the window's key at 0 if
absent) then ``incr``, each atomic in Redis, so two workers never read the same count.

When the shared cache fails (Redis down, refused, timed out) the count is taken in this process's
memory instead, for ``FALLBACK_SECONDS`` before Redis is tried again, and the failure is logged:
a limit then holds per process, and nothing the reader asked for fails.
"""
from contextvars import ContextVar
import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

SHARED = "shared"
LOCAL = "default"
FALLBACK_SECONDS = 30
SEARCHES_LOGGED_PER_HOUR = 300

_client_address = ContextVar("kb_client_address", default=None)
_shared_down_until = 0.0


def keyed_hash(purpose, value):
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def within_budget(purpose, client_address, limit, seconds):
    """Counts one more for this client in the current ``seconds``-long window; False once past ``limit``."""
    window = int(time.time() // seconds)
    key = f"limit:{purpose}:{keyed_hash('client', client_address)[:32]}:{window}"
    return _count(key, seconds) <= limit


def _count(key, seconds):
    global _shared_down_until
    if time.monotonic() >= _shared_down_until:
        try:
            return _add_and_incr(caches[SHARED], key, seconds)
        except Exception as error:  # redis.exceptions.ConnectionError, TimeoutError, …
            _shared_down_until = time.monotonic() + FALLBACK_SECONDS
            logger.warning("shared cache unavailable, limits counted per process for %d s: %s",
                           FALLBACK_SECONDS, error)
    return _add_and_incr(caches[LOCAL], key, seconds)


def _add_and_incr(cache, key, seconds):
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # the window's key expired between add and incr: this is its first count
        cache.add(key, 1, seconds)
        return 1


def may_log_search():
    """Whether a search of the current request may be logged: within SEARCHES_LOGGED_PER_HOUR for
    its address (each search counts). Outside a request (a shell, a command) always True."""
    address = _client_address.get()
    return address is None or within_budget("search-log", address, SEARCHES_LOGGED_PER_HOUR, 3600)


class ClientAddressMiddleware:
    """Makes ``REMOTE_ADDR`` known to ``may_log_search`` while the request is answered (the
    search views call the recorder with the query alone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_address.set(request.META.get("REMOTE_ADDR", ""))
        try:
            return self.get_response(request)
        finally:
            _client_address.reset(token)
