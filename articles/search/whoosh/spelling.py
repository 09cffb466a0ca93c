"""“Did you mean”: a corrected query when a word of the query is in no document.

A word is unknown when none of its analysed terms occurs in the searcher's language (the
stemmed ``text_<lang>`` field). Corrections come from the ``spelling`` field — the unstemmed
words of titles, keywords, descriptions and symptoms, so suggestions are words people can
read — nearest edit distance first, then most frequent, and must themselves occur in the
searcher's language. Codes, numbers, short words, the stop words of the searcher's language
and CJK text are left alone.

Candidates are the list Whoosh's ``ReaderCorrector`` gives (``_suggestions``), found with less
work: the words of each segment under a two-letter prefix are read once per segment (a
segment's words never change), only those that two cheap lower bounds of the edit distance
leave within reach are measured, and the near words found for a misspelling are kept per
segment too (``_kept``, by segment id, so they outlive a searcher's refresh).
"""
import heapq
import re

import numpy as np
from whoosh import query as Q
from whoosh.support.levenshtein import distance

from .analysis import SPELLABLE_WORD, analyze
from ..codes import extract_error_codes
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
    corrected, changed = text, False
    for word in words:
        if word.lower() in code_parts:
            continue
        if not analyze(word, language):
            continue  # a stop word of the reader's language ("dans", "nicht"): typed right, never searched
        if _known(word, language, searcher, hidden):
            continue
        replacement = _correction(word.lower(), language, searcher, hidden, _neighbours(text, word))
        if replacement:
            corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", _same_case(word, replacement), corrected)
            changed = True
    return corrected if changed else None


def _correction(word, language, searcher, hidden, neighbours=("", "")):
    """The nearest known word: one edit away first, then two for longer words. Whoosh ranks
    the suggestions within a distance by frequency only, hence one call per distance. Among
    those of one distance, the first that a visible document holds beside the word typed
    before or after it wins over a more frequent one: "mot de pase" is "mot de passe", not
    "mot de page"."""
    for maxdist in (1, 2) if len(word) >= 7 else (1,):
        known = []
        for candidate in _suggestions(searcher, word, maxdist):
            if _known(candidate, language, searcher, hidden):
                if _beside(candidate, neighbours, language, searcher, hidden):
                    return candidate
                known.append(candidate)
                if len(known) == CONTEXT_CANDIDATES:
                    break
        if known:
            return known[0]
    return None


CONTEXT_CANDIDATES = 4  # corrections of one distance tried against the words around


def _neighbours(text, word):
    """The words typed just before and just after ``word`` in ``text`` (``""`` when none)."""
    tokens = re.findall(r"\w+", text)
    at = next((i for i, token in enumerate(tokens) if token == word), None)
    if at is None:
        return "", ""
    return " ".join(tokens[max(0, at - 3):at]), " ".join(tokens[at + 1:at + 4])


def _beside(candidate, neighbours, language, searcher, hidden):
    """Whether a document the reader may see holds ``candidate`` right after the last searched
    word before it or right before the first one after it (stop words between them do not
    count, as the index leaves them out)."""
    field = text_field(language)
    terms = analyze(candidate, language)[:1]
    if not terms:
        return False
    before, after = analyze(neighbours[0], language)[-1:], analyze(neighbours[1], language)[:1]
    for pair in ((before + terms) if before else None, (terms + after) if after else None):
        if pair and all(searcher.doc_frequency(field, term) for term in pair):
            matcher = Q.Phrase(field, pair).matcher(searcher)
            while matcher.is_active():
                if matcher.id() not in hidden:
                    return True
                matcher.next()
    return False


def _suggestions(searcher, word, maxdist, limit=CANDIDATES):
    """``searcher.corrector(SPELLING).suggest(word, limit, maxdist, PREFIX)``, the same list:
    the words of the ``spelling`` field within ``maxdist`` edits of ``word`` (Whoosh's own
    distance) that share its first ``PREFIX`` letters, the ``limit`` most frequent kept as
    Whoosh keeps them (ties: the greater word), listed most frequent first (ties: A to Z)."""
    reader = searcher.reader()
    leaves = [leaf for leaf, _ in reader.leaf_readers()]
    _forget_other_segments(leaves)
    near = set()
    for leaf in leaves:
        near.update(_near_in(leaf, word, maxdist))
    scored = [(-(maxdist + 0.5 / (reader.frequency(SPELLING, candidate) or 1)), candidate) for candidate in near]
    return [candidate for _, candidate in sorted(heapq.nlargest(limit, scored), key=lambda item: (-item[0], item[1]))]


PREFIXES_KEPT = 20_000  # prefixes remembered per segment before it starts again
NEAR_KEPT = 5_000  # misspellings whose near words a segment keeps (at most about 1.5 MB) before it starts again
SEGMENTS_KEPT = 64  # segments whose words are kept beyond those of the searcher asking
_kept = {}  # segment id -> (words under each prefix, near words of each misspelling)


def _segment_id(leaf):
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    return None if segment is None else segment.segment_id()


def _kept_for(leaf):
    """``(prefixes, near)``: what is kept for the leaf's segment (fresh dicts, not kept, for a
    reader of no segment)."""
    key = _segment_id(leaf)
    if key is None:
        return {}, {}
    found = _kept.get(key)
    if found is None:
        found = _kept[key] = ({}, {})
    return found


def _forget_other_segments(leaves):
    """Past ``SEGMENTS_KEPT`` more segments than ``leaves``, forget those not among them
    (segments folded away, indexes replaced)."""
    if len(_kept) > len(leaves) + SEGMENTS_KEPT:
        current = {_segment_id(leaf) for leaf in leaves}
        for key in list(_kept):
            if key not in current:
                _kept.pop(key, None)


def _near_in(leaf, word, maxdist):
    """The words of a segment's ``spelling`` field within ``maxdist`` edits of ``word``, worked
    out once per segment: the same misspellings come back, and a commit only adds segments."""
    kept = _kept_for(leaf)[1]
    found = kept.get((word, maxdist))
    if found is None:
        size, letters = len(word), _letters(word)
        # Lower bounds of the edit distance, so no word within reach is passed over: the
        # difference in length, and the letters one word has and the other lacks (each needs an
        # edit of its own). Only the words both leave within reach are measured.
        found = tuple(candidate for candidate, candidate_size, candidate_letters in _words_under(leaf, word[:PREFIX])
                      if abs(candidate_size - size) <= maxdist
                      and (candidate_letters & ~letters).bit_count() <= maxdist
                      and (letters & ~candidate_letters).bit_count() <= maxdist
                      and distance(candidate, word, limit=maxdist) <= maxdist)
        if len(kept) >= NEAR_KEPT:
            kept.clear()
        kept[(word, maxdist)] = found
    return found


def _letters(word):
    """The letters of a word as the bits of an int, one of 64 bits per letter (two letters may
    share a bit: the count of letters missing from the other word can only come out lower)."""
    bits = 0
    for letter in word:
        bits |= 1 << (ord(letter) & 63)
    return bits


def _words_under(leaf, prefix):
    """``(word, length, _letters(word))`` of the words of a segment's ``spelling`` field
    starting with ``prefix``, read once per segment."""
    kept = _kept_for(leaf)[0]
    words = kept.get(prefix)
    if words is None:
        if SPELLING in leaf.schema:
            words = tuple((word, len(word), _letters(word))
                          for word in (term.decode("utf-8") for term in leaf.expand_prefix(SPELLING, prefix)))
        else:
            words = ()
        if len(kept) >= PREFIXES_KEPT:
            kept.clear()
        kept[prefix] = words
    return words


def _known(word, language, searcher, hidden=()):
    """A term of the word is in a live document of the language that the reader may see.
    Frequencies also count deleted and hidden documents, so a match is confirmed in the
    postings, stopping at the first visible document."""
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
