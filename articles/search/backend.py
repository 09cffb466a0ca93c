"""What every search backend offers (the shape of Wagtail's ``wagtail/search/backends/base.py``):
the one interface that triage, related articles and ``sync`` call. The class is chosen in
settings (``KB_SEARCH_BACKEND``, a dotted path; ``get_backend()`` makes one per index folder);
``articles.search.whoosh.backend.WhooshBackend`` is the one there is.

Reading — every method may raise ``IndexUnavailable`` ("search is catching up"):

- ``suggest(text, language, *, staff)`` → the text with unknown words corrected, or None;
- ``read(function)`` → ``function(view)`` on one ``IndexView``: document numbers mean the same
  for the whole call (the search service, semantic fusion, triage and related articles work on
  them; none of them handles an engine's own objects).

Following the journal (``articles.search.sync``), on this server's index:

- ``position()`` → the last journal id applied to the live index; None without one;
- ``apply(changes, timeout)`` → the ``sync.applier.Changes`` applied: ``changes(position)`` is
  called once the index's writer is held (two processes never apply one range twice), and gives
  what an index at that position must apply; a ``Changes`` asking for a rebuild, or holding
  nothing, is returned unapplied. ``IndexBusy`` when the writer stays locked for ``timeout``
  seconds (0: do not wait);
- ``rebuild(position)`` → documents indexed: a complete index built beside the live one from
  the database as it is now, stamped with ``position`` (the journal's head read before), then
  swapped in; one at a time per folder, across processes;
- upkeep for the indexer: ``verify(deep)`` (raises ``IndexUnavailable`` when the live index
  cannot be read), ``worn()``, ``overdue()``, ``compact()``, ``tidy()``, ``document_count()``.
"""
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Words:
    """A clause per word: each of ``terms`` (analysed, as ``IndexView.analyze`` gives them) in
    the text of ``language``."""

    language: str
    terms: tuple


@dataclass(frozen=True)
class Code:
    """The documents citing the error code ``key`` (normalised), scored by how much of their
    text it is."""

    key: str


@dataclass(frozen=True)
class Phrase:
    """``words`` (analysed) one after the other in the text of ``language``, its score times
    ``boost``."""

    language: str
    words: tuple
    boost: float = 1.0


class IndexView:
    """One consistent view of the index, for ``SearchBackend.read``. A document is a number
    valid for this view only; ``exclude`` and the documents returned are such numbers."""

    def doc_count(self):
        """Live documents (translations) in the index."""
        raise NotImplementedError

    def analyze(self, text, language, joined=False):
        """The terms of ``text`` as a query's words are read in ``language``'s text; with
        ``joined``, in order as the index holds a page's text (for a phrase)."""
        raise NotImplementedError

    max_terms = 12  # the most terms ``rare_terms`` gives, as a search keeps of a query's words

    def rare_terms(self, terms, language):
        """The terms worth searching among ``terms`` (present in the language's documents, not
        in nearly all), rarest first, at most ``max_terms``."""
        raise NotImplementedError

    def citing(self, key):
        """The documents citing the error code ``key`` (normalised), in ascending order."""
        raise NotImplementedError

    def cited(self, key):
        """Whether any document cites the error code ``key`` (normalised)."""
        raise NotImplementedError

    def holding(self, language, term):
        """The documents whose text in ``language`` holds ``term``."""
        raise NotImplementedError

    def quoting(self, phrase):
        """The documents holding ``phrase`` (a ``Phrase``)."""
        raise NotImplementedError

    def key_terms(self, language, text, count):
        """The ``count`` terms of ``text`` that best tell it apart in ``language``'s documents
        ("more like this"); [] for a language the index has no text of."""
        raise NotImplementedError

    def top(self, clauses, limit, exclude=()):
        """The ``limit`` best ``[(document, score)]`` for the sum of ``clauses`` (``Words``,
        ``Phrase`` and ``Code``), best first, ties by document; ``exclude``: documents left out."""
        raise NotImplementedError

    def search(self, text, language, limit, exclude=()):
        """A reader's query: ``(hits, codes)``, the ``limit`` best ``[(document, score)]`` for
        ``text`` typed in ``language`` (its words, codes, identifiers, phrases, article numbers,
        as the engine reads a query), best first, and the error codes recognised in it as
        typed; ``exclude``: documents left out."""
        raise NotImplementedError

    def suggestion(self, text, language, exclude=()):
        """``text`` with its unknown words corrected from the words of documents not in
        ``exclude`` ("did you mean"), or None."""
        raise NotImplementedError

    def exact(self, text, language, limit, exclude=()):
        """The documents (a set, at most ``limit``) that ``text`` names exactly: citing one of
        its codes or having its article number, holding an identifier it types whole, a quoted
        phrase of it or its words in the order typed, or a title or UI label that is its whole
        text. Empty when it names nothing exactly."""
        raise NotImplementedError

    def exact_elsewhere(self, text, language, limit, exclude=()):
        """The documents (a set, at most ``limit``) in languages other than ``language`` that hold
        an identifier ``text`` types whole or a phrase it quotes: an article not yet translated
        into the reader's language names ``operationMgt`` or ``"Save as template"`` in its English
        text as exactly as a French page does. Empty when ``text`` types or quotes none, and
        from a backend that cannot tell (this default): such articles are then left to the
        semantic side."""
        return set()

    def translation(self, article, language):
        """``(document, public)`` of ``article``'s translation in ``language``, or ``(None, False)``."""
        raise NotImplementedError

    def hidden(self):
        """The documents readers who are not staff may not see (a frozenset)."""
        raise NotImplementedError

    def product_names(self):
        """Every product name some document has, sorted."""
        raise NotImplementedError

    def describe(self, documents):
        """``[(article number, language, product names)]`` for each of ``documents``."""
        raise NotImplementedError

    def result(self, group, language, staff=False):
        """The search service's ``Result`` showing the article of ``group`` (``{"article", "score", "hits":
        [(language, document)], "products"}``) in ``language`` when it has that translation and
        the reader may see it, else in the language of its best hit (``languages.pick_by_language``)."""
        raise NotImplementedError


class SearchBackend:
    """See the module docstring. ``root``: this server's index folder (``KB_INDEX_DIR``), where
    ``sync.coordination`` keeps its marker files too."""

    def __init__(self, root):
        self.root = Path(root)

    def suggest(self, text, language, *, staff=False):
        raise NotImplementedError

    def read(self, function):
        raise NotImplementedError

    def position(self):
        raise NotImplementedError

    def apply(self, changes, timeout):
        raise NotImplementedError

    def rebuild(self, position):
        raise NotImplementedError

    def verify(self, deep=False):
        raise NotImplementedError

    def worn(self):
        return False

    def overdue(self):
        return False

    def compact(self):
        return False

    def tidy(self):
        pass

    def document_count(self):
        raise NotImplementedError
