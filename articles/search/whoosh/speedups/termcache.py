"""Term lookups remembered per segment.

A search looks every query term up in every segment several times (document frequencies for
the rare-term and spelling checks, then the postings), each a hash, a ``pread`` of its bucket
and one of its record. Segments never change once written (deletions are kept beside them) and
a searcher refresh keeps the readers of unchanged segments (``refresh``), so
``remember_terms(searcher)`` makes each segment's term reader keep what it found — the term's
``TermInfo``, or that it is absent — in a dict, up to ``REMEMBERED`` terms (then it starts
again): a popular term is read once per segment, not once per search.

The reader's class is switched in place (``RememberingTermsReader`` only adds a dict to
Whoosh 2.7's ``W3TermsReader``), so segments of any age are served, whatever codec their
table of contents records.
"""
from whoosh.codec.whoosh3 import W3TermInfo, W3TermsReader
from whoosh.reading import TermNotFound

REMEMBERED = 50_000
_ABSENT = object()


class RememberingTermsReader(W3TermsReader):
    def _info(self, fieldname, tbytes):
        """The term's ``TermInfo``, or ``_ABSENT``."""
        key = (fieldname, tbytes)
        remembered = self._remembered
        found = remembered.get(key)
        if found is None:
            try:
                found = W3TermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
            except KeyError:
                found = _ABSENT
            if len(remembered) >= REMEMBERED:
                remembered.clear()
            remembered[key] = found
        return found

    def __contains__(self, term):
        return self._info(*term) is not _ABSENT

    def term_info(self, fieldname, tbytes):
        found = self._info(fieldname, tbytes)
        if found is _ABSENT:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        return found

    def frequency(self, fieldname, tbytes):
        found = self._info(fieldname, tbytes)
        if found is _ABSENT:
            raise KeyError(tbytes)
        return found.weight()

    def doc_frequency(self, fieldname, tbytes):
        found = self._info(fieldname, tbytes)
        if found is _ABSENT:
            raise KeyError(tbytes)
        return found.doc_frequency()


def remember_terms(searcher):
    """Make the term readers of ``searcher``'s segments remember their lookups (idempotent; a
    reader of another kind is left as it is)."""
    for reader, _ in searcher.reader().leaf_readers():
        terms = getattr(reader, "_terms", None)
        if type(terms) is W3TermsReader:
            terms._remembered = {}
            terms.__class__ = RememberingTermsReader
    return searcher
