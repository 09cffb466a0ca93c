"""The ``IndexView`` that the search service, semantic fusion, triage and related articles
work on (``articles.search.backend``): one searcher and its ``Summaries``, documents being its
document numbers.
"""
from weakref import WeakKeyDictionary

from whoosh import query as Q

from ... import languages
from ..backend import Code, IndexView, Phrase, Words
from ..results import Result
from . import exact, spelling
from .analysis import analyze
from .query import MAX_TERMS, _rare_terms, build_query
from .schema import CODE_LIST, CODES, LANG, SNIPPET, TITLE_STORED, text_field
from .scoring import shared_reads, top_documents


# Read once per searcher's summaries (a merged lexicon or a set costs milliseconds):
_PRODUCTS = WeakKeyDictionary()  # Summaries -> every product name
_HIDDEN = WeakKeyDictionary()  # Summaries -> frozenset of the documents readers may not see


class WhooshView(IndexView):
    """``IndexView`` over one searcher and its ``Summaries``: documents are its document numbers."""

    max_terms = MAX_TERMS

    def __init__(self, searcher, summaries):
        self.searcher, self.summaries = searcher, summaries
        self._reads = None  # shared by ``search`` and ``exact``: a query's words, phrases and codes are read once

    def _query_reads(self, whole=False):
        """``whole``: for ``exact``, which a search's ranking follows (``scoring.Reads``)."""
        if self._reads is None:
            self._reads = shared_reads(whole)
        return self._reads

    def doc_count(self):
        return self.searcher.doc_count()

    def analyze(self, text, language, joined=False):
        return analyze(text, language, joined=joined)

    def rare_terms(self, terms, language):
        return _rare_terms(terms, language, self.searcher)

    def citing(self, key):
        return list(self.searcher.docs_for_query(Q.Term(CODES, key)))

    def cited(self, key):
        return self.searcher.doc_frequency(CODES, key) > 0

    def holding(self, language, term):
        return self.searcher.docs_for_query(Q.Term(text_field(language), term))

    def quoting(self, phrase):
        return self.searcher.docs_for_query(_phrase_query(phrase))

    def key_terms(self, language, text, count):
        field = text_field(language)
        if field not in self.searcher.schema:
            return []
        return [term for term, _ in self.searcher.key_terms_from_text(field, text, numterms=count)]

    def _excluded(self, exclude):
        """``exclude`` as the engine reads it fastest: ``hidden()`` is the summaries' sorted array."""
        return self.summaries.private if exclude is _HIDDEN.get(self.summaries) else exclude

    def top(self, clauses, limit, exclude=()):
        return top_documents(self.searcher, whoosh_query(clauses), limit, self.summaries.lengths,
                             exclude=self._excluded(exclude))

    def search(self, text, language, limit, exclude=()):
        query, codes = build_query(text, language, self.searcher)
        hits = [] if query is None else top_documents(self.searcher, query, limit, self.summaries.lengths,
                                                      exclude=self._excluded(exclude), reads=self._query_reads())
        return hits, [display for display, _ in codes]

    def suggestion(self, text, language, exclude=()):
        return spelling.suggest(text, language, self.searcher, hidden=self._excluded(exclude))

    def exact(self, text, language, limit, exclude=()):
        return exact.exact_documents(self.searcher, text, language, limit, self.summaries.lengths,
                                    self._excluded(exclude), self._query_reads(whole=True))

    def exact_elsewhere(self, text, language, limit, exclude=()):
        return exact.documents_named_elsewhere(self.searcher, text, language, limit, self.summaries.lengths,
                                              self._excluded(exclude))

    def translation(self, article, language):
        return self.summaries.translation(article, language)

    def hidden(self):
        hidden = _HIDDEN.get(self.summaries)
        if hidden is None:
            hidden = _HIDDEN[self.summaries] = frozenset(self.summaries.private.tolist())
        return hidden

    def product_names(self):
        names = _PRODUCTS.get(self.summaries)
        if names is None:
            names = _PRODUCTS[self.summaries] = self.summaries.product_names()
        return names

    def describe(self, documents):
        return self.summaries.describe(documents)

    def result(self, group, language, staff=False):
        lang, docnum = languages.pick_by_language(group["hits"], language, language_of=lambda pair: pair[0])
        if lang != language:
            # The reader's translation may exist without having matched (e.g. an English log line).
            docnum_in_language, public = self.summaries.translation(group["article"], language)
            if docnum_in_language is not None and (public or staff):
                docnum = docnum_in_language
        shown = self.searcher.stored_fields(docnum)
        return Result(
            article_number=group["article"], language=shown[LANG], title=shown[TITLE_STORED],
            snippet=shown.get(SNIPPET) or "", score=round(group["score"], 3),
            error_codes=list(shown.get(CODE_LIST) or []), products=sorted(group["products"]),
        )


def whoosh_query(clauses):
    """The Whoosh query summing ``clauses`` (``Words``: a ``Term`` per word; ``Phrase``; ``Code``)."""
    subqueries = []
    for clause in clauses:
        if isinstance(clause, Code):
            subqueries.append(Q.Term(CODES, clause.key))
        elif isinstance(clause, Words):
            field = text_field(clause.language)
            subqueries += [Q.Term(field, term) for term in clause.terms]
        elif isinstance(clause, Phrase):
            subqueries.append(_phrase_query(clause))
        else:
            raise TypeError(f"not a search clause: {clause!r}")
    return Q.Or(subqueries)


def _phrase_query(phrase):
    return Q.Phrase(text_field(phrase.language), list(phrase.words), boost=phrase.boost)
