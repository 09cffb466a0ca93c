"""How each server's index stays current with the database, whatever changed it.

- ``record_change(translation_ids, reason)`` — the one way into the index journal — writes
  journal rows (``models``, ``journal``) in the caller's transaction; once it commits, this
  server's index catches up to them (``applier.catch_up``), and every other server's indexer
  applies them within its poll interval (its searches too, when it runs no indexer).
- ``deferred()``: inside it the code that makes a change records it (``articles/editing/``:
  the model signals then stand down), and a commit inside it leaves the index to the block's
  owner, which brings it up to date once at its end (``bring_up_to_date()``): the importer's
  thousands of files are applied in a few commits, not one each. If the process dies first,
  the entries are in the database: the indexer, or the next run, applies them.
- ``applier``: the entries past an index's position applied through the backend
  (``apply_pending``), rebuilds (``rebuild``), a saving request's wait (``catch_up``);
  ``indexer``: each server's loop (``run_indexer``); ``merging``: the merge policy;
  ``coordination``: the marker files a server's processes share; ``processes``: build
  processes die with their parent.
"""
from contextlib import contextmanager
import logging
import threading

from django.db import transaction

from . import journal
from .applier import (apply_pending, bring_up_to_date, catch_up, catch_up_cheaply, ensure_usable, rebuild,
                      rebuild_due)
from .journal import DELETE, IMPORT, REBUILD, SAVE, VISIBILITY

__all__ = ["record_change", "deferred", "is_deferred", "apply_pending", "bring_up_to_date", "catch_up",
           "catch_up_cheaply", "ensure_usable", "rebuild", "rebuild_due",
           "SAVE", "DELETE", "VISIBILITY", "IMPORT", "REBUILD"]

logger = logging.getLogger(__name__)
_state = threading.local()


def record_change(translation_ids, reason):
    """Record that these translations changed (``reason``: ``SAVE``, ``DELETE``, ``VISIBILITY``,
    ``IMPORT``; ``[None]`` with ``REBUILD``: the whole index), in the current transaction. Call
    it last there: it holds the journal's row lock until the commit. Returns the last journal id
    written, or None when there was nothing to record."""
    last = journal.append(translation_ids, reason)
    if last is not None:
        transaction.on_commit(lambda: _catch_up(last))
    return last


def _catch_up(last):
    if is_deferred():
        return  # committed inside a bulk writer's block: it brings the index up to date at its end
    if not catch_up(until=last):
        logger.info("search index not yet at journal entry %d; the indexer will apply it", last)


@contextmanager
def deferred():
    """See the module docstring. Nests; per thread."""
    depth = getattr(_state, "deferred", 0)
    _state.deferred = depth + 1
    try:
        yield
    finally:
        _state.deferred = depth


def is_deferred():
    """True inside ``deferred()``: the model signals record nothing (the caller does)."""
    return getattr(_state, "deferred", 0) > 0
