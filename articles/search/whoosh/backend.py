"""The Whoosh backend, made of three parts:

- ``store.IndexStore``: the index folders, build-and-swap, the live index opened once;
- ``writing``: journal changes applied with Whoosh's writer, and folding small segments;
- ``searchers.SearcherPool``: a searcher per thread, refreshed after commits, replaced when
  the index fails under it (the indexer is then asked to check the index).

Requests never build and never wait for the writer's lock: a search answers from the live
index or raises ``IndexUnavailable``; ``articles.search.sync`` decides when to apply, rebuild
and tidy.
"""
from pathlib import Path

from ..sync import coordination, merging
from . import writing
from .searchers import SearcherPool
from .store import IndexStore


class WhooshBackend:
    def __init__(self, root):
        self.root = Path(root)
        self.store = IndexStore(self.root)
        self.searchers = SearcherPool(self.store, on_failure=lambda: coordination.request_check(self.root))

    # -- reading ------------------------------------------------------------------------
    def searcher(self):
        """This thread's Whoosh searcher on the live index (a context manager)."""
        return self.searchers.searcher()

    def search_with(self, function):
        """``function(searcher)``, retried once on a fresh searcher (``SearcherPool.search_with``)."""
        return self.searchers.search_with(function)

    def summaries(self, searcher):
        """The searcher's ``Summaries``, read once per searcher."""
        return self.searchers.summaries(searcher)

    # -- following the journal (``sync.applier``) ---------------------------------------
    def position(self):
        """The last journal id applied to the live index; None without one."""
        return self.store.position()

    def apply(self, changes, timeout):
        """``changes(position)`` (a ``sync.applier.Changes``) applied once the writer is held;
        returns it. ``IndexBusy`` when the writer stays locked for ``timeout`` seconds."""
        return writing.apply(self.store, changes, timeout)

    def rebuild(self, position):
        """A complete index built beside the live one, stamped with ``position``, swapped in;
        returns the documents indexed."""
        return self.store.build(position)

    # -- upkeep -------------------------------------------------------------------------
    def verify(self, deep=False):
        self.store.verify(deep=deep)

    def segments(self):
        """The segments of the live index's latest commit (Whoosh ``Segment`` objects)."""
        return writing.segments(self.store)

    def worn(self):
        """True when the live index is due for a fresh build (``merging.worn``)."""
        return merging.worn(self.segments())

    def overdue(self):
        """True when that build should not wait for a quiet moment (``merging.overdue``)."""
        return merging.overdue(self.segments())

    def compact(self):
        """Fold the small segments saves left (``merging.small``) when the writer is free; for
        idle moments. Returns True when it folded."""
        return writing.compact(self.store)

    def tidy(self):
        self.store.tidy()

    def document_count(self):
        with self.searcher() as searcher:
            return searcher.doc_count()
