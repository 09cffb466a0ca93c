"""Search: the index of every translation, kept in step with the database, and searching it.

``get_backend()`` is the process's backend (settings decide where its index lives); the engine
behind it is Whoosh (``articles.search.whoosh``). ``IndexUnavailable`` and ``IndexBusy`` are
what callers catch, whatever the engine.
"""
from functools import lru_cache


class IndexUnavailable(RuntimeError):
    """The index cannot be searched now (missing, being rebuilt, unreadable); the message says
    why. Requests answer "search is catching up" (503); the indexer repairs it."""


class IndexBusy(RuntimeError):
    """Another process holds the index's writer (its indexer, most likely) and the caller chose
    not to wait."""


@lru_cache(maxsize=4)
def _backend(root):
    from .whoosh.backend import WhooshBackend

    return WhooshBackend(root)


def get_backend():
    from django.conf import settings

    return _backend(str(settings.KB_INDEX_DIR))
