"""What searching needs to know of every document, in compact arrays: one per searcher.

``Summaries(reader)`` gives, for the documents of ``reader`` (a searcher's, top-level
document numbers):

- ``describe(docnums)`` → ``[(article, language, products)]``, ``products`` a tuple of names;
- ``translation(article, language)`` → ``(docnum, public)`` of that translation, or
  ``(None, False)``;
- ``private``: the document numbers anonymous readers may not see (a numpy array);
- ``lengths``: the field lengths the speed-ups' scoring reads (``speedups.scoring.FieldLengths``,
  read lazily), or ``None`` while the speed-ups are off.

Grouping hundreds of hits into articles reads no stored fields, and a document costs a few
bytes in every web worker: articles, languages and product sets are numbered, and each
document holds numbers. They are read from the postings of the ``article``, ``lang``,
``public`` and ``products`` fields, not from the stored fields, so no title or snippet is
unpickled to build them.
"""
import bisect

import numpy as np

from . import speedups
from .schema import ARTICLE, LANG, PRODUCTS, PUBLIC

NONE = -1


class Summaries:
    def __init__(self, reader, cache=None):
        """``cache``: a dict kept across searchers (one per thread) where each segment's arrays
        are kept by segment id. A refresh after a commit then reads only the new, small
        segments; the large ones are reused, their deletions applied here."""
        self.lengths = _field_lengths()
        cache = {} if cache is None else cache
        parts = []
        for leaf, offset in _leaves(reader):
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            key = segment.segment_id() if segment is not None else None
            part = cache.get(key) if key is not None else None
            if part is None:
                part = _Segment(leaf)
                if key is not None:
                    cache[key] = part
            parts.append((part, offset, leaf))
        live = {key for key in (p.key for p, _, _ in parts)}
        for key in list(cache):
            if key not in live:
                del cache[key]  # segments merged away
        self._combine(parts, reader.doc_count_all())

    def _combine(self, parts, count):
        # Lexicons come sorted (UTF-8 bytes sort as code points): an article's number is its
        # index in ``articles``, found by bisection.
        self.articles = sorted(set().union(*(p.articles for p, _, _ in parts)))
        self.languages = sorted(set().union(*(p.languages for p, _, _ in parts)))
        self._article_of = np.full(count, NONE, dtype=np.int32)
        self._language_of = np.full(count, NONE, dtype=np.int8)
        self._products_of = np.zeros(count, dtype=np.int32)
        public = np.zeros(count, dtype=bool)
        sets, numbers = [()], {(): 0}
        article_index = {name: i for i, name in enumerate(self.articles)}
        language_index = {name: i for i, name in enumerate(self.languages)}
        for part, offset, leaf in parts:
            end = offset + part.count
            self._article_of[offset:end] = _remap(part.article_of, [article_index[a] for a in part.articles])
            self._language_of[offset:end] = _remap(part.language_of, [language_index[x] for x in part.languages])
            set_map = []
            for found in part.product_sets:
                if found not in numbers:
                    numbers[found] = len(sets)
                    sets.append(found)
                set_map.append(numbers[found])
            self._products_of[offset:end] = np.asarray(set_map, dtype=np.int32)[part.products_of]
            public[offset:end] = part.public
            if leaf.has_deletions():  # deleted since the segment was read: gone here too
                deleted = np.fromiter(leaf.segment().deleted_docs(), dtype=np.int64) + offset
                self._article_of[deleted] = NONE
        self._product_sets = sets
        present = self._article_of != NONE  # a deleted document has no article here
        self.private = np.flatnonzero(present & ~public)
        self._public = public & present
        # The documents of each article, next to each other: ``_by_article[_starts[a]:_starts[a + 1]]``.
        self._by_article = np.argsort(self._article_of, kind="stable").astype(np.int32)
        self._starts = np.searchsorted(self._article_of[self._by_article], np.arange(len(self.articles) + 1))

    def describe(self, docnums):
        """``[(article, language, products)]`` for each of ``docnums``."""
        docnums = np.asarray(docnums, dtype=np.int64)
        articles, languages, sets = self.articles, self.languages, self._product_sets
        return [(articles[a], languages[lang], sets[p]) for a, lang, p in zip(
            self._article_of[docnums].tolist(), self._language_of[docnums].tolist(),
            self._products_of[docnums].tolist())]

    def product_names(self):
        """Every product name some document has, sorted."""
        return sorted({name for found in self._product_sets for name in found})

    def translation(self, article, language):
        """``(docnum, public)`` of ``article`` in ``language``, or ``(None, False)``."""
        a = bisect.bisect_left(self.articles, article)
        if a == len(self.articles) or self.articles[a] != article or language not in self.languages:
            return None, False
        wanted = self.languages.index(language)
        for docnum in self._by_article[self._starts[a]:self._starts[a + 1]].tolist():
            if self._language_of[docnum] == wanted:
                return docnum, bool(self._public[docnum])
        return None, False


class _Segment:
    """One segment's arrays, local document numbers, its own vocabularies (sorted)."""

    def __init__(self, leaf):
        self.key = leaf.segment().segment_id() if hasattr(leaf, "segment") and leaf.segment() else None
        self.count = leaf.doc_count_all()
        self.articles, self.article_of = _numbered(leaf, ARTICLE, self.count, np.int32)
        self.languages, self.language_of = _numbered(leaf, LANG, self.count, np.int32)
        self.public = np.zeros(self.count, dtype=bool)
        self.public[_docnums(leaf, PUBLIC, "1")] = True
        self.product_sets, self.products_of = _product_sets(leaf, self.count)


def _field_lengths():
    if not speedups.enabled():
        return None
    from .speedups.scoring import FieldLengths

    return FieldLengths()


def _leaves(reader):
    leaves = list(reader.leaf_readers()) if hasattr(reader, "leaf_readers") else []
    return leaves or [(reader, 0)]


def _remap(local, mapping):
    """Local numbers (``NONE`` kept) → global ones."""
    table = np.asarray(mapping + [NONE], dtype=np.int64)  # index -1 (NONE) maps to NONE
    return table[local]


def _postings(reader, field, text):
    """The live document numbers holding ``text`` in ``field`` (a numpy array)."""
    matcher = reader.postings(field, text)
    return np.fromiter(matcher.all_ids(), dtype=np.int64)


def _docnums(reader, field, value):
    if (field, value) not in reader:
        return np.zeros(0, dtype=np.int64)
    return _postings(reader, field, value)


def _numbered(reader, field, count, dtype):
    """``(values, number_of)``: the field's values, sorted, and for each document the index of
    its value (``NONE`` for a document without one)."""
    values, number_of = [], np.full(count, NONE, dtype=dtype)
    for text in reader.lexicon(field):
        docnums = _postings(reader, field, text)
        if len(docnums):
            number_of[docnums] = len(values)
            values.append(text.decode("utf-8"))
    return values, number_of


def _product_sets(reader, count):
    """``(sets, set_of)``: the distinct tuples of product names documents have (``()`` first),
    and for each document the index of its tuple."""
    names, holders = [], []
    for text in reader.lexicon(PRODUCTS):
        names.append(text.decode("utf-8"))
        holders.append(_postings(reader, PRODUCTS, text))
    per_doc = {}
    for name, docnums in zip(names, holders):
        for docnum in docnums.tolist():
            per_doc.setdefault(docnum, []).append(name)
    sets, numbers = [()], {(): 0}
    set_of = np.zeros(count, dtype=np.int32)
    for docnum, found in per_doc.items():
        key = tuple(found)
        number = numbers.get(key)
        if number is None:
            number = numbers[key] = len(sets)
            sets.append(key)
        set_of[docnum] = number
    return sets, set_of
