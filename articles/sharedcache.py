"""The ``shared`` cache (``settings.CACHES``: Redis with ``KB_CACHE_URL``, else this process's
memory), for what every worker and server may share and lose: ``get(key, default=None)``,
``set(key, value, seconds)``, and for callers with a fallback of their own ``available()`` and
``failed(error)``.

When it fails (Redis down, refused, timed out: a quarter of a second each), the failure is logged
once and the cache is left alone for ``PAUSE_SECONDS``: ``get`` answers ``default`` and ``set``
does nothing meanwhile, so a request pays the timeout once, not at every read, and the caller
does the work the cache would have saved (renders the page, embeds the query, counts in its own
memory). Nothing a reader asked for fails because of it.
"""
import logging
import time

from django.core.cache import caches

logger = logging.getLogger(__name__)

SHARED = "shared"
PAUSE_SECONDS = 30
_down_until = 0.0


def available():
    """False for ``PAUSE_SECONDS`` after a failure."""
    return time.monotonic() >= _down_until


def failed(error):
    """Record that the shared cache failed: it is left alone for ``PAUSE_SECONDS``."""
    global _down_until
    _down_until = time.monotonic() + PAUSE_SECONDS
    logger.warning("shared cache unavailable for %d s: %s", PAUSE_SECONDS, error)


def get(key, default=None):
    if not available():
        return default
    try:
        return caches[SHARED].get(key, default)
    except Exception as error:  # noqa: BLE001 — redis.exceptions.ConnectionError, TimeoutError, …
        failed(error)
        return default


def set(key, value, seconds):  # noqa: A001 — the cache's own verb
    if available():
        try:
            caches[SHARED].set(key, value, seconds)
        except Exception as error:  # noqa: BLE001 — as above
            failed(error)
