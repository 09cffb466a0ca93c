"""Keeping each server's index in step with the database, whatever saved the rows.

``changed(translation_ids, reason)`` writes index-journal entries (``search.journal``) in the
current transaction — call it last there — and, once the transaction commits, brings this
server's index up to them (``backend.catch_up``): an edit is searchable when the request or
command that made it returns, here and, through their indexers and searches, on every other
server. ``articles.signals`` calls it for every save and deletion of a translation, and for an
article's status or audience (they decide who may find its translations).

Bulk writers — the importer — wrap their work in ``deferred()``: signals then record nothing,
the writer records each file's entry itself in that file's transaction, and catches up once at
the end with ``bring_up_to_date()``. If the process dies first, the entries are in the
database: the indexer, or the next run, applies them.
"""
from contextlib import contextmanager
import logging
import threading

from django.db import transaction

from . import get_backend, journal

logger = logging.getLogger(__name__)
_state = threading.local()


@contextmanager
def deferred():
    """Saves inside this block record no journal entries through the signals: the caller
    records them itself."""
    depth = getattr(_state, "deferred", 0)
    _state.deferred = depth + 1
    try:
        yield
    finally:
        _state.deferred = depth


def is_deferred():
    return getattr(_state, "deferred", 0) > 0


def changed(translation_ids, reason):
    """Record that these translations changed; this server's index follows on commit."""
    if is_deferred():
        return  # before reading the ids: an article's are a query, wasted during an import
    last = journal.record(translation_ids, reason)
    if last is not None:
        transaction.on_commit(lambda: _catch_up(last))


def record(translation_ids, reason, catch_up=True):
    """Record entries whatever ``deferred()`` says: for the editing service, which suppresses
    the signals and records once, last in its transaction. The index follows on commit."""
    last = journal.record(translation_ids, reason)
    if last is not None and catch_up:
        transaction.on_commit(lambda: _catch_up(last))
    return last


def _catch_up(last):
    if not get_backend().catch_up(until=last):
        logger.info("search index not yet at journal entry %d; the indexer will apply it", last)


def bring_up_to_date():
    """Apply every pending journal entry to this server's index, building it when there is
    none (for commands, never requests). Returns the error, already logged, or None."""
    from . import IndexBusy, IndexUnavailable

    backend = get_backend()
    try:
        if backend.position() is None:
            backend.rebuild()
        while backend.apply_pending():
            pass
    except (IndexBusy, IndexUnavailable, OSError) as error:
        logger.error("search index not brought up to date (%s); the indexer will catch up", error)
        return error
    return None
