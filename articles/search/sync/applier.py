"""Bringing this server's index to the journal: what the indexer, commands and requests call.

- ``apply_pending(backend=None, timeout=WRITER_TIMEOUT, limit=BATCH)`` applies the entries
  past the index's position (at most ``limit``) through ``backend.apply``, which reads them once
  it holds the index's writer; it rebuilds instead (``rebuild``) when the journal no longer
  holds them all, one asks for it, or they name more than ``BULK_UPDATE`` translations. Returns
  how many entries it took. ``IndexBusy`` when the writer stays locked for ``timeout``
  seconds, ``IndexUnavailable`` without a live index.
- ``rebuild(catch_up=True, backend=None)`` builds a complete index beside the live one from the
  database and swaps it in (``backend.rebuild``, stamped with the journal's head read before
  the rows), then applies what was written meanwhile (``catch_up=False``: leave that to the
  running indexer, whose writer it would otherwise contend for). Returns the documents indexed.
- ``catch_up(until=None, budget=CATCH_UP_SECONDS)``: for a request that has just saved, so its
  change is searchable when its response returns (``record_change`` calls it on commit).
- ``catch_up_cheaply()``: before a search on a server without a running indexer.
- ``ensure_usable(backend=None, deep=False)`` and ``rebuild_due(backend=None)``: for the indexer.
- ``bring_up_to_date()``: for commands and the upload page, never a search.
"""
from dataclasses import dataclass
import logging
import time

from .. import IndexBusy, IndexUnavailable, get_backend
from . import coordination, journal

logger = logging.getLogger(__name__)
WRITER_TIMEOUT = 10.0  # seconds the indexer or an import waits for the writer's lock
BATCH = 5000  # journal entries applied per commit
IN_REQUEST_ENTRIES = 20  # a search applies pending entries itself up to this many (when the writer is free)
CATCH_UP_SECONDS = 2.0  # how long a request that saved waits for its change to be searchable
# Above this many translations one writer updating in place is slower than a parallel rebuild,
# and a rebuild leaves a tidier index.
BULK_UPDATE = 1000


@dataclass(frozen=True)
class Changes:
    """What an index must apply to follow the journal from its position."""

    translation_ids: list  # to re-index from their rows as they are now (absent rows: deleted)
    through: int  # the journal id the index is at once they are applied
    entries: int  # how many journal entries they come from
    rebuild: bool = False  # rebuild instead (the journal no longer holds them all, or they are many)


def apply_pending(backend=None, timeout=WRITER_TIMEOUT, limit=BATCH):
    """See the module docstring."""
    backend = backend or get_backend()
    applied = backend.apply(lambda position: pending_changes(position, limit), timeout=timeout)
    if applied.rebuild:
        logger.info("search index: rebuilding instead of applying %d journal entries", applied.entries)
        rebuild(backend=backend)
    return applied.entries


def pending_changes(position, limit):
    """The ``Changes`` an index at journal id ``position`` must apply next (at most ``limit``
    entries), as the journal holds them now."""
    last, pruned = journal.head()
    entries = journal.entries_after(position, limit) if last > position else []
    ids = list(dict.fromkeys(pk for _, pk in entries))
    return Changes(translation_ids=ids, through=entries[-1][0] if entries else position, entries=len(entries),
                   rebuild=_rebuilds_instead(position, pruned, len(ids), None in ids))


def _rebuilds_instead(position, pruned, translations, asked):
    """Whether to rebuild rather than apply the entries past ``position``: the journal no longer
    holds them all, one asks for it, or they name more than ``BULK_UPDATE`` translations."""
    return position < pruned or asked or translations > BULK_UPDATE


def rebuild(catch_up=True, backend=None):
    """See the module docstring. Waits for a rebuild another process is running."""
    backend = backend or get_backend()
    count = backend.rebuild(journal.head()[0])  # every change up to the head is in the rows it reads
    coordination.clear_check_request(backend.root)
    if catch_up:
        apply_pending(backend, timeout=WRITER_TIMEOUT)
    return count


def rebuild_due(backend=None):
    """True when this server's next turn rebuilds rather than applies the journal (no index,
    a rebuild asked for, or what ``apply_pending`` would rebuild for)."""
    backend = backend or get_backend()
    position = backend.position()
    if position is None or coordination.check_requested(backend.root):
        return True
    last, pruned = journal.head()
    return _rebuilds_instead(position, pruned, last - position, journal.rebuild_requested_after(position))


def ensure_usable(backend=None, deep=False):
    """For the indexer: rebuild a missing, unreadable, outdated or pruned-past index, or one a
    request reported broken (then every stored document is read: ``deep``). Returns True when
    it rebuilt."""
    backend = backend or get_backend()
    reason = None
    try:
        backend.verify(deep=deep or coordination.check_requested(backend.root))
        if backend.position() < journal.head()[1]:
            reason = "its journal position is older than the journal keeps"
    except IndexUnavailable as error:
        reason = str(error)
    if reason is None:
        coordination.clear_check_request(backend.root)
        return False
    logger.warning("search index under %s: %s; rebuilding it from the database", backend.root, reason)
    rebuild(backend=backend)
    return True


def catch_up(until=None, budget=CATCH_UP_SECONDS, backend=None):
    """Bring the live index to journal id ``until`` (default: the head now) within ``budget``
    seconds. While this server's indexer runs, it waits for the indexer (the one writer, whose
    commits merge segments) and tells it a request is waiting; without one it applies the
    entries itself when the writer is free. Returns True when the index got there; never raises
    for an index that is busy, missing or broken (the indexer's job)."""
    backend = backend or get_backend()
    deadline = time.monotonic() + budget
    until = journal.head()[0] if until is None else until
    prompted = False
    while True:
        try:
            position = backend.position()
            if position is None:
                return False
            if position >= until:
                return True
            if not coordination.indexer_alive(backend.root):
                apply_pending(backend, timeout=0)
                continue
            if not prompted:
                coordination.await_indexer(backend.root)
                prompted = True
        except IndexBusy:
            pass
        except IndexUnavailable:
            return False
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)


def catch_up_cheaply(backend=None):
    """Before a search on a server without a running indexer: apply what is pending when it is
    a few entries and the writer is free, so a change saved through another process is found at
    once. Never waits. (With an indexer, it applies within its poll interval.)"""
    backend = backend or get_backend()
    position = backend.position()
    if position is None or coordination.indexer_alive(backend.root):
        return
    last, _ = journal.head()
    if position < last <= position + IN_REQUEST_ENTRIES:
        try:
            apply_pending(backend, timeout=0, limit=IN_REQUEST_ENTRIES)
        except (IndexBusy, IndexUnavailable):
            pass


def bring_up_to_date():
    """Apply every pending journal entry to this server's index, building it when there is
    none (for commands, never requests). Returns the error, already logged, or None."""
    backend = get_backend()
    try:
        if backend.position() is None:
            rebuild(backend=backend)
        while apply_pending(backend):
            pass
    except (IndexBusy, IndexUnavailable, OSError) as error:
        logger.error("search index not brought up to date (%s); the indexer will catch up", error)
        return error
    return None
