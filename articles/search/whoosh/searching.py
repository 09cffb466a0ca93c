"""The ``IndexView`` that triage and related articles work on (``articles.search.backend``):
one searcher and its ``Summaries``, documents being its document numbers.
"""
from weakref import WeakKeyDictionary

from whoosh import query as Q

from ..backend import IndexView, Phrase, Words
from .analysis import analyze
from .query import MAX_TERMS, _rare_terms
from .schema import CODES, text_field
from .scoring import top_documents


_PRODUCTS = WeakKeyDictionary()  # Summaries -> every product name, read once per searcher's summaries


class WhooshView(IndexView):
    """``IndexView`` over one searcher and its ``Summaries``: documents are its document numbers."""

    max_terms = MAX_TERMS

    def __init__(self, searcher, summaries):
        self.searcher, self.summaries = searcher, summaries

    def doc_count(self):
        return self.searcher.doc_count()

    def analyze(self, text, language):
        return analyze(text, language)

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

    def top(self, clauses, limit, exclude=()):
        return top_documents(self.searcher, whoosh_query(clauses), limit, self.summaries.lengths, exclude=exclude)

    def hidden(self):
        return set(self.summaries.private.tolist())

    def product_names(self):
        names = _PRODUCTS.get(self.summaries)
        if names is None:
            names = _PRODUCTS[self.summaries] = self.summaries.product_names()
        return names

    def describe(self, documents):
        return self.summaries.describe(documents)

    def result(self, group, language, staff=False):
        from ..service import _result

        return _result(group, language, self.searcher, self.summaries, staff)


def whoosh_query(clauses):
    """The Whoosh query summing ``clauses`` (``Words``: a ``Term`` per word; ``Phrase``)."""
    subqueries = []
    for clause in clauses:
        if isinstance(clause, Words):
            field = text_field(clause.language)
            subqueries += [Q.Term(field, term) for term in clause.terms]
        elif isinstance(clause, Phrase):
            subqueries.append(_phrase_query(clause))
        else:
            raise TypeError(f"not a search clause: {clause!r}")
    return Q.Or(subqueries)


def _phrase_query(phrase):
    return Q.Phrase(text_field(phrase.language), list(phrase.words), boost=phrase.boost)
