"""Search: the index of every translation, kept in step with the database, and searching it.

``get_backend()`` is the process's backend over this server's index folder
(``settings.KB_INDEX_DIR``): an instance of the class ``settings.KB_SEARCH_BACKEND`` names (a
dotted path; ``articles.search.whoosh.backend.WhooshBackend`` by default), whose interface is
``articles.search.backend.SearchBackend``. ``sync`` keeps the index current.
``IndexUnavailable`` and ``IndexBusy`` are what callers catch, whatever the engine.
"""
from functools import lru_cache

DEFAULT_BACKEND = "articles.search.whoosh.backend.WhooshBackend"


class IndexUnavailable(RuntimeError):
    """The index cannot be searched now (missing, being rebuilt, unreadable); the message says
    why. Requests answer "search is catching up" (503); the indexer repairs it."""


class IndexBusy(RuntimeError):
    """Another process holds the index's writer (its indexer, most likely) and the caller chose
    not to wait."""


@lru_cache(maxsize=4)
def _backend(path, root):
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.module_loading import import_string

    try:
        backend_class = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"KB_SEARCH_BACKEND names no class that can be imported: {error}") from None
    return backend_class(root)


def get_backend():
    from django.conf import settings

    return _backend(getattr(settings, "KB_SEARCH_BACKEND", DEFAULT_BACKEND), str(settings.KB_INDEX_DIR))
