"""The Whoosh backend (``articles.search.backend.SearchBackend``), made of three parts:

- ``store.IndexStore``: the index folders, build-and-swap, the live index opened once;
- ``writing``: journal changes applied with Whoosh's writer, and folding small segments;
- ``searchers.SearcherPool``: a searcher per thread, refreshed after commits, replaced when
  the index fails under it (the indexer is then asked to check the index).

Requests never build and never wait for the writer's lock: a search answers from the live
index or raises ``IndexUnavailable``; ``articles.search.sync`` decides when to apply, rebuild
and tidy. ``searcher()`` (this thread's Whoosh searcher) and ``segments()`` are for code that
knows the engine (tests, benchmarks); everything else, the search service included, goes
through the interface (``read`` gives a ``searching.WhooshView``).
"""
from ..backend import SearchBackend
from ..sync import coordination, merging
from . import searching, writing
from .searchers import SearcherPool
from .store import IndexStore


class WhooshBackend(SearchBackend):
    def __init__(self, root):
        super().__init__(root)
        self.store = IndexStore(self.root)
        self.searchers = SearcherPool(self.store, on_failure=lambda: coordination.request_check(self.root))

    # -- reading ------------------------------------------------------------------------
    def suggest(self, text, language, *, staff=False):
        return self.read(lambda view: view.suggestion(text, language, () if staff else view.hidden()))

    def read(self, function):
        return self.searchers.search_with(
            lambda searcher: function(searching.WhooshView(searcher, self.searchers.summaries(searcher))))

    def searcher(self):
        """This thread's Whoosh searcher on the live index (a context manager)."""
        return self.searchers.searcher()

    # -- following the journal ----------------------------------------------------------
    def position(self):
        return self.store.position()

    def apply(self, changes, timeout):
        return writing.apply(self.store, changes, timeout)

    def rebuild(self, position):
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
