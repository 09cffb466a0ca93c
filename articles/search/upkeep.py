"""Keeping the index in step with the database, whatever saved the rows.

Saving or deleting a ``Translation`` (or changing an ``Article``'s status or audience, which
decides whether its translations are public) re-indexes those translations when the
transaction commits, so an edit is searchable when the request or command that made it
returns. Bulk writers — the importer — wrap their work in ``deferred()`` and index once at the
end with ``index_now(ids)``: one writer for thousands of rows instead of one each.

A failure to index never undoes the save: the database is the source of truth, the error is
logged, and ``rebuild_index`` (or the next save) catches up.
"""
from contextlib import contextmanager
import logging
import threading

from django.db import transaction

from . import get_backend

logger = logging.getLogger(__name__)
_state = threading.local()


@contextmanager
def deferred():
    """Saves inside this block do not index themselves; the caller indexes afterwards."""
    depth = getattr(_state, "deferred", 0)
    _state.deferred = depth + 1
    try:
        yield
    finally:
        _state.deferred = depth


def is_deferred():
    return getattr(_state, "deferred", 0) > 0


def index_on_commit(translation_ids):
    """Index these translations once the current transaction commits (now, outside one)."""
    if is_deferred():
        return  # before reading the ids: an article's are a query, wasted during an import
    ids = list(translation_ids)
    if ids:
        transaction.on_commit(lambda: index_now(ids))


def index_now(translation_ids):
    """Index these translations; returns the error (already logged) or ``None``."""
    from .backend import IndexUnavailable

    try:
        get_backend().update(translation_ids)
    except (IndexUnavailable, OSError) as error:
        logger.error("search index not updated for translations %s (%s): run rebuild_index",
                     list(translation_ids)[:10], error)
        return error
    return None
