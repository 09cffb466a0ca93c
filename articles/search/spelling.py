"""“Did you mean”: a corrected query when a word of the query is in no document.

A word is unknown when none of its analysed terms occurs in the searcher's language (the
stemmed ``text_<lang>`` field). Corrections come from the ``spelling`` field — the unstemmed
words of titles, keywords, descriptions and symptoms, so suggestions are words people can
read — nearest edit distance first, then most frequent, and must themselves occur in the
searcher's language. Codes, numbers, short words and CJK text are left alone.
"""
import re

import numpy as np

from .analysis import SPELLABLE_WORD, analyze
from .codes import extract_error_codes
from .schema import SPELLING, text_field

WORD_RE = re.compile(SPELLABLE_WORD)  # letters only: codes, ids, numbers and CJK are not spelled
CANDIDATES = 8
PREFIX = 2  # misspellings rarely touch the first letters, and the search is far cheaper
MAX_WORDS = 8  # a longer text is a pasted log or message, not something typed and misspelt


def suggest(text, language, searcher, hidden=()):
    """The text with its unknown words corrected, or ``None`` when nothing needs correcting
    or no correction is known. ``hidden`` are the documents the reader may not see: a word
    only they hold is unknown to this reader, and never offered as a correction (the
    ``spelling`` field holds the words of public translations only)."""
    text = text or ""
    words = list(dict.fromkeys(WORD_RE.findall(text)))
    if len(words) > MAX_WORDS or len(text) > 200:
        return None
    hidden = _HiddenDocs(hidden)
    code_parts = {part.lower() for display, _ in extract_error_codes(text, query=True)
                  for part in re.findall(r"\w+", display)}
    corrector = searcher.corrector(SPELLING)
    corrected, changed = text, False
    for word in words:
        if word.lower() in code_parts:
            continue
        if _known(word, language, searcher, hidden):
            continue
        replacement = _correction(word.lower(), language, searcher, corrector, hidden)
        if replacement:
            corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", _same_case(word, replacement), corrected)
            changed = True
    return corrected if changed else None


def _correction(word, language, searcher, corrector, hidden):
    """The nearest known word: one edit away first, then two for longer words. Whoosh ranks
    the suggestions within a distance by frequency only, hence one call per distance."""
    for maxdist in (1, 2) if len(word) >= 7 else (1,):
        for candidate in corrector.suggest(word, limit=CANDIDATES, maxdist=maxdist, prefix=PREFIX):
            if _known(candidate, language, searcher, hidden):
                return candidate
    return None


def _known(word, language, searcher, hidden=()):
    """A term of the word is in a live document of the language that the reader may see.
    Frequencies also count deleted and hidden documents, so a match is confirmed in the
    postings, stopping at the first visible document. (A ``search(limit=1)`` collected every
    match first: at 99,936 translations that was 8.8 of 20 s of a pass over the dev queries.)"""
    field = text_field(language)
    if not isinstance(hidden, _HiddenDocs):
        hidden = _HiddenDocs(hidden)
    for term in analyze(word, language):
        if searcher.doc_frequency(field, term) and _in_visible_document(searcher, field, term, hidden):
            return True
    return False


def _in_visible_document(searcher, field, term, hidden):
    for leaf, offset in searcher.reader().leaf_readers():
        if (field, term) not in leaf:
            continue
        postings = leaf.postings(field, term)  # deleted documents are skipped
        while postings.is_active():
            if postings.id() + offset not in hidden:
                return True
            postings.next()
    return False


class _HiddenDocs:
    """Membership in a sorted array of document numbers, without making a set of it at every
    query (it holds every hidden and internal document)."""

    def __init__(self, docnums):
        self._docnums = np.asarray(sorted(docnums) if isinstance(docnums, (set, frozenset)) else docnums,
                                   dtype=np.int64)

    def __contains__(self, docnum):
        i = int(np.searchsorted(self._docnums, docnum))
        return i < len(self._docnums) and int(self._docnums[i]) == docnum


def _same_case(typed, candidate):
    if typed.isupper():
        return candidate.upper()
    if typed[:1].isupper():
        return candidate[:1].upper() + candidate[1:]
    return candidate
