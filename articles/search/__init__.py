"""Search: analyzers, error codes, schema, documents, query building and the Whoosh backend.

``get_backend()`` is the process's backend (settings decide where its index lives).
"""
from functools import lru_cache


@lru_cache(maxsize=4)
def _backend(root):
    from .whoosh.backend import WhooshBackend

    return WhooshBackend(root)


def get_backend():
    from django.conf import settings

    return _backend(str(settings.KB_INDEX_DIR))

