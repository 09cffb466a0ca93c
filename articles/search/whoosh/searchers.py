"""The searchers of one process: one per thread (Whoosh searchers are not safe to share between
threads), refreshed when the live index has changed.

``SearcherPool(store, on_failure)``: ``searcher()`` is a context manager giving this thread's
searcher on the live index; ``search_with(function)`` runs ``function(searcher)`` and, when the
index fails under it (a segment merged away, a truncated file), once more on a fresh searcher; a
second failure is ``IndexUnavailable`` and ``on_failure()`` is called (the indexer is asked to
check the index). When the live folder has vanished, a searcher already open goes on answering
from its open files. ``summaries(searcher)`` is the searcher's ``Summaries``, read once.
Requests never wait for a writer here.

Only Whoosh's public API is used here; ``speedups`` (when ``speedups.enabled()``) adds a
refresh that keeps the readers of unchanged segments and remembers term lookups.
"""
from contextlib import contextmanager
import logging
import os
import threading
import time

from .. import IndexUnavailable
from . import speedups
from .summaries import Summaries

logger = logging.getLogger(__name__)
RACY_NS = 50_000_000  # far above the coarsest clock a folder's mtime is stamped with


class SearcherPool:
    def __init__(self, store, on_failure):
        self.store = store
        self.on_failure = on_failure
        self._local = threading.local()
        self._generation = None  # (index, (inode, mtime) of its folder, latest generation)

    @contextmanager
    def searcher(self):
        """A searcher on the live index, this thread's, refreshed when the index has changed."""
        local = self._local
        current = previous = getattr(local, "searcher", None)
        try:
            live = self.store.open_index()
        except IndexUnavailable:
            if current is None or self.store.live_dir() is not None:
                raise
            yield current  # the folder was deleted under us: its open files still answer
            return
        if current is None or getattr(local, "index", None) is not live:
            self.discard_searcher()
            current = live.searcher()
        elif self._latest_generation(live) != current.reader().generation():
            try:
                current = refreshed(current, live)
            except Exception:  # noqa: BLE001 — a refresh that fails has closed what it reused
                logger.warning("search index refresh failed; opening a fresh searcher", exc_info=True)
                self.discard_searcher()
                current = live.searcher()
        if current is not previous and speedups.enabled():
            from .speedups.termcache import remember_terms

            remember_terms(current)
        local.searcher, local.index = current, live
        yield current

    def search_with(self, function):
        """See the module docstring."""
        for attempt in (1, 2):
            try:
                with self.searcher() as searcher:
                    return function(searcher)
            except IndexUnavailable:
                raise
            except Exception as error:  # noqa: BLE001 — Whoosh raises many kinds on damaged files
                logger.warning("search failed on the index (%s: %s), attempt %d", type(error).__name__, error,
                               attempt, exc_info=attempt == 2)
                self.discard_searcher()
                self.store.forget()
                if attempt == 2:
                    self.on_failure()
                    raise IndexUnavailable(f"the search index failed ({type(error).__name__})") from error
        raise AssertionError("unreachable")

    def discard_searcher(self):
        """Forget this thread's searcher (closing it when that still works)."""
        local = self._local
        current = getattr(local, "searcher", None)
        local.searcher = local.index = None
        local.summaries_for = local.summaries = local.summary_parts = None
        if current is not None:
            try:
                current.close()
            except Exception:  # noqa: BLE001 — already closed or broken: nothing left to free
                pass

    def summaries(self, searcher):
        """The searcher's ``Summaries``, read once per searcher: grouping hundreds of hits into
        articles then reads no stored fields, and the speed-ups' scoring reads field lengths
        from arrays."""
        local = self._local
        if getattr(local, "summaries_for", None) is not searcher:
            if getattr(local, "summary_parts", None) is None:
                local.summary_parts = {}  # per segment, kept across refreshes (summaries.Summaries)
            local.summaries, local.summaries_for = Summaries(searcher.reader(), local.summary_parts), searcher
        return local.summaries

    def _latest_generation(self, live):
        """``live.latest_generation()``, which lists the index folder: under a stream of saves it
        holds a table of contents per commit of the grace period (``storage``). The answer is
        kept until the folder's mtime moves (every file written, renamed or deleted moves it);
        it is not kept when the folder changed within ``RACY_NS`` of now, since a change in the
        same clock tick would leave the mtime as it was. A swapped-in index starts afresh."""
        try:
            status = os.stat(live.storage.folder)
        except (AttributeError, OSError, TypeError):
            return live.latest_generation()
        stamp = (status.st_ino, status.st_mtime_ns)
        known = self._generation
        if known is not None and known[0] is live and known[1] == stamp:
            return known[2]
        generation = live.latest_generation()
        if time.time_ns() - status.st_mtime_ns > RACY_NS:
            self._generation = (live, stamp, generation)
        return generation


def refreshed(searcher, live):
    """A searcher on the latest commit of ``live``, replacing ``searcher`` (closed, or its
    readers handed on): with the speed-ups, one that keeps the readers of unchanged segments
    (``speedups.refresh``); without, a new searcher of every segment. Not ``searcher.refresh()``:
    Whoosh's refresh may hand a reader on to the new searcher by segment id alone, deletions and
    all (whoosh-reloaded 2.7.5 does, and keeps segments merged away), and a deleted copy of a
    document would then still be found: an unpublished or outdated one."""
    if speedups.enabled():
        from .speedups.refresh import refreshed as keeping_readers

        return keeping_readers(searcher, live)
    fresh = live.searcher()
    searcher.close()
    return fresh
