"""Scoring a query over whole posting blocks: the documents it matches, best first, with
Whoosh's own scores.

``top_documents(searcher, query, limit, lengths, exclude=(), reads=None)`` returns ``[(docnum,
score)]``, ranked exactly as ``searcher.search(query, limit=limit, mask=exclude)`` ranks them
(ties go to the lower document number): the same documents, the same order, the same score bits.
``reads``: a ``Reads`` shared by the queries of one search over one searcher (what it names
exactly, then its ranking: the same words, phrases and codes), so that each posting list and
each phrase's matches are decoded once for all of them; one of its own by default.

A support query is a sum of many plain terms (up to twelve words, and codes), which Whoosh
scores through a tree of union matchers, several Python calls per posting. Here the terms of
a sum (``Or`` at any depth, boosts multiplied down) are read a posting block at a time, and
each term's postings are scored with BM25F at once (numpy, into one array of scores for the
whole index; the same arithmetic in the same order as a loop, so the same bits). Phrases are
matched here too, rarest word first, reading positions only for the documents that hold
every word, and scored as Whoosh scores them (the sum of their words' BM25F), or, wrapped in
a ``ConstantScoreQuery``, with its constant score. Every other clause (constant-score codes)
is scored by its own Whoosh matcher, then added in. ``AndNot``
excludes the documents of its second query.

Document field lengths come from a ``FieldLengths`` cache per searcher (``summaries``), read
from each segment's lengths column at once.
"""
import numpy as np
from whoosh import query as Q
from whoosh.matching.wrappers import FilterMatcher
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader, _lenfield
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length, length_to_byte

from ..schema import RawPositions
from .postings import joined_values

LENGTHS = np.array([byte_to_length(code) for code in range(256)], dtype=np.float64)


class FieldLengths:
    """The length of one field in every document of one segment, read once and kept as the
    byte Whoosh stores for it (``LENGTHS[code]`` is the length): ``lengths.of(subsearcher,
    "text_fr")[docnum]``. One per searcher (and so per thread); a byte a document."""

    def __init__(self):
        self._by_reader = {}

    def of(self, subsearcher, field):
        reader = subsearcher.reader()
        key = (id(reader), field)
        found = self._by_reader.get(key)
        if found is None:
            found = self._by_reader[key] = _length_codes(reader, field)
        return found


def _length_codes(reader, field):
    """The field's length bytes for every document of a segment reader (a numpy array), read
    from Whoosh's lengths column at once (``W3PerDocReader``); any other reader is asked one
    document at a time."""
    count = reader.doc_count_all()
    codes = np.zeros(count, dtype=np.uint8)
    perdoc = getattr(reader, "_perdoc", None)
    if isinstance(perdoc, W3PerDocReader):
        column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        if column is None:  # no document of the segment has the field: Whoosh reads 1
            codes[:] = length_to_byte(1)
        else:
            stored = min(column._count, count)  # trailing documents without the field are left out
            codes[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
        return codes
    for docnum in range(count):
        codes[docnum] = length_to_byte(reader.doc_field_length(docnum, field, 1))
    return codes


def top_documents(searcher, query, limit, lengths, exclude=(), reads=None):
    """The ``limit`` best ``(docnum, score)`` pairs for ``query``, leaving out ``exclude`` (an
    iterable or a numpy array of document numbers); ``reads``: see the module docstring."""
    terms, phrases, others = [], [], []
    if isinstance(query, Q.AndNot):
        excluded = np.fromiter(searcher.docs_for_query(query.b), dtype=np.int64)
        query = query.a
    else:
        excluded = None
    _flatten(query, 1.0, searcher, terms, phrases, others)
    # A phrase both scored and lifted (a query's words in a row) is matched once.
    matches = {}
    for field, words, boost, lift in phrases:
        boosts, lifts = matches.setdefault((field, tuple(words)), ([], []))
        (boosts if lift is None else lifts).append(boost if lift is None else lift)
    scores = np.zeros(searcher.doc_count_all())
    matched = np.zeros(len(scores), dtype=bool)
    reads = Reads() if reads is None else reads
    for subsearcher, offset in searcher.leaf_searchers():
        for field, text, boost in terms:
            _add_term(scores, matched, searcher, subsearcher, offset, field, text, boost, lengths, reads)
        for (field, words), (boosts, lifts) in matches.items():
            _add_phrase(scores, matched, searcher, subsearcher, offset, field, words, boosts, lifts, lengths, reads)
        context = searcher.context()
        for clause, boost in others:
            _add_matcher(scores, matched, clause.matcher(subsearcher, context), offset, boost)
    if excluded is not None:
        matched[excluded] = False
    matched[exclude if isinstance(exclude, np.ndarray) else np.fromiter(exclude, dtype=np.int64)] = False
    return _best(scores, matched, limit)


def _best(scores, matched, limit):
    """The ``limit`` matched documents of highest score, ties to the lower document number."""
    if limit <= 0:
        return []
    candidates = np.flatnonzero(matched)
    found = scores[candidates]
    if len(candidates) > limit:
        floor = -np.partition(-found, limit - 1)[limit - 1]
        kept = found >= floor  # every document tied with the last one kept competes on its number
        candidates, found = candidates[kept], found[kept]
    order = np.lexsort((candidates, -found))[:limit]
    return list(zip(candidates[order].tolist(), found[order].tolist()))


def _flatten(query, boost, searcher, terms, phrases, others):
    """Splits a sum into plain terms and exact phrases (``(field, words, boost, lift)``,
    ``lift`` None unless the phrase is wrapped in a ``ConstantScoreQuery``), scored here,
    and other clauses, scored by Whoosh."""
    if isinstance(query, Q.Term) and _bm25_parameters(searcher, query.fieldname):
        terms.append((query.fieldname, query.text, query.boost * boost))
    elif _phrase_scored_here(query, searcher):
        phrases.append((query.fieldname, query.words, query.boost * boost, None))
    elif type(query) is Q.ConstantScoreQuery and _phrase_scored_here(query.child, searcher):
        # Whoosh gives each matching document the score (its matcher's weight), times the boosts above.
        phrases.append((query.child.fieldname, query.child.words, boost, query.score * boost))
    elif isinstance(query, Q.Or) and query.scale is None:  # a plain sum (no coordination bonus)
        for clause in query.subqueries:
            _flatten(clause, boost * query.boost, searcher, terms, phrases, others)
    else:
        others.append((query, boost))


def _phrase_scored_here(query, searcher):
    return (type(query) is Q.Phrase and query.slop == 1 and query.words and query.char_ranges is None
            and _bm25_parameters(searcher, query.fieldname)
            and isinstance(searcher.schema[query.fieldname].format, RawPositions))


def _bm25_parameters(searcher, field):
    """``(B, K1)`` when the field is scored by plain BM25F, else ``None`` (Whoosh scores it)."""
    weighting = searcher.weighting
    schema = searcher.schema
    if type(weighting) is not BM25F or field not in schema or not schema[field].scorable:
        return None
    return weighting._field_B.get(field, weighting.B), weighting.K1


def _bm25(searcher, field):
    """``(K1 + 1, constant, slope)`` for ``field``: a posting scores
    ``idf * (K1 + 1) * tf / (tf + constant + slope * length)``, i.e.
    ``idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))`` as in whoosh.scoring.
    Whoosh takes idf and the average length from the top searcher: so does this."""
    B, K1 = _bm25_parameters(searcher, field)
    return K1 + 1, K1 * (1 - B), K1 * B / (searcher.avg_field_length(field) or 1)


class _Postings:
    """Postings of one term: numpy arrays of document numbers (ascending) and weights, and
    their encoded values in ``blob``: each posting's value is the ``lengths[i]`` bytes from
    ``starts[i]`` (one after another, unless ``among`` left some out).
    For a field of ``schema.RawPositions``, ``keys()`` gives every position."""

    def __init__(self, ids, weights, blob=b"", lengths=None, starts=None):
        self.ids, self.weights, self.blob = ids, weights, blob
        self.lengths = np.zeros(len(ids), dtype=np.int64) if lengths is None else np.asarray(lengths, dtype=np.int64)
        self.starts = starts  # None: the values lie one after another from the blob's start

    @classmethod
    def of_blocks(cls, blocks):
        """Joins ``_posting_blocks``' blocks."""
        ids, weights, blobs, lengths = [], [], [], []
        for block_ids, block_weights, blob, block_lengths in blocks:
            ids.append(block_ids)
            weights.append(block_weights)
            if blob is not None:
                blobs.append(blob)
                lengths.append(block_lengths)
        if len(ids) == 1:  # most lists of a small segment: no copy
            return cls(ids[0], weights[0], blobs[0] if blobs else b"", lengths[0] if lengths else None)
        if not ids:
            return cls(np.zeros(0, dtype=np.int64), np.zeros(0))
        return cls(np.concatenate(ids), np.concatenate(weights), b"".join(blobs),
                   np.concatenate(lengths) if lengths else None)

    def among(self, wanted):
        """These postings of the documents in ``wanted`` (a sorted numpy array of distinct
        numbers), found by binary search: a rare phrase word's few documents in a long list.
        The values stay in this blob (none is copied until ``keys()``)."""
        if len(wanted) == len(self.ids) and np.array_equal(wanted, self.ids):
            return self
        at = np.searchsorted(self.ids, wanted)
        inside = at < len(self.ids)
        at = at[inside]
        keep = at[self.ids[at] == wanted[inside]]
        if len(keep) == len(self.ids):
            return self
        return _Postings(self.ids[keep], self.weights[keep], self.blob, self.lengths[keep], self._starts()[keep])

    def _starts(self):
        if self.starts is None:
            return np.cumsum(self.lengths) - self.lengths
        return self.starts

    def keys(self):
        """``docnum << 32 | position`` of every position of every posting, ascending."""
        counts = self.lengths // 4
        if self.starts is None:
            positions = np.frombuffer(self.blob, dtype="<u4", count=int(counts.sum()))
        else:
            positions = np.frombuffer(self.blob, dtype="<u4")[_spans(self.starts // 4, counts)]
        return (np.repeat(self.ids, counts) << 32) | positions.astype(np.int64)


def _spans(starts, counts):
    """The indexes ``starts[j] .. starts[j] + counts[j] - 1`` of every ``j``, one after another."""
    ends = np.cumsum(counts)  # where each span ends in the result
    return np.repeat(starts - (ends - counts), counts) + np.arange(int(ends[-1]) if len(ends) else 0)


class Reads:
    """The posting lists read whole, each phrase's postings in the documents that hold all its
    words and the documents where they follow each other, kept for the other clauses and
    queries of one search over one searcher: a query's words are its terms and the words of its
    phrases too, and a search's queries share them.
    At most ``MAX_KEPT`` of each are kept (a pasted log is many terms, read once each).
    ``whole``: a phrase's words are read whole too, not only in the documents holding its rarer
    words, for a later query that holds them as terms (a search's ranking after what it names
    exactly: about a tenth less CPU for the two on the corpus, words or dev queries)."""

    MAX_KEPT = 256

    def __init__(self, whole=False):
        self.read_whole = whole
        self._whole = {}
        self._phrases = {}
        self._matches = {}
        self._readers = {}  # the readers keyed by id(), held: no other reader takes their id meanwhile

    def phrase(self, reader, field, texts):
        """``_phrase_postings`` of ``texts``, worked out once."""
        return self._remembered(self._phrases, (self._held(reader), field, tuple(texts)),
                                lambda: _phrase_postings(reader, field, texts, self))

    def matches(self, reader, field, texts):
        """``_phrase_matches`` of ``texts``, worked out once: what a search names exactly and
        its ranking match the same phrases."""
        return self._remembered(self._matches, (self._held(reader), field, tuple(texts)),
                                lambda: _phrase_matches(reader, field, texts, self))

    def whole(self, reader, field, text):
        """``_Postings`` of every posting of the term."""
        return self._remembered(self._whole, (self._held(reader), field, text), lambda: _Postings.of_blocks(
            _posting_blocks(reader.postings(field, text), values=True)))

    def _remembered(self, kept, key, work):
        """``kept[key]``, worked out by ``work()`` and kept while ``kept`` holds fewer than ``MAX_KEPT``."""
        found = kept.get(key)
        if found is None:
            found = work()
            if len(kept) < self.MAX_KEPT:
                kept[key] = found
        return found

    def has_whole(self, reader, field, text):
        return (id(reader), field, text) in self._whole

    def _held(self, reader):
        self._readers.setdefault(id(reader), reader)
        return id(reader)


def _add_term(scores, matched, searcher, subsearcher, offset, field, text, boost, lengths, reads):
    """Adds the term's BM25F to the scores of its documents, all postings at once: the same
    arithmetic in the same order as one posting at a time, so the same bits."""
    reader = subsearcher.reader()
    try:
        text = searcher.schema[field].to_bytes(text)
    except ValueError:
        return
    if (field, text) not in reader:
        return
    saturation, constant, slope = _bm25(searcher, field)
    scale = searcher.idf(field, text) * saturation * boost
    found = reads.whole(reader, field, text)
    ids, weights = found.ids, found.weights
    length = LENGTHS[lengths.of(subsearcher, field)[ids]]
    ids = ids + offset  # the top-level numbers of this segment's documents
    scores[ids] += scale * weights / (weights + constant + slope * length)
    matched[ids] = True


def _add_phrase(scores, matched, searcher, subsearcher, offset, field, words, boosts, lifts, lengths, reads):
    """The documents where ``words`` follow each other, scored as Whoosh scores a phrase: for
    each of ``boosts``, that boost times the sum of each word's BM25F in the document (a
    repeated word counts each time); and each of ``lifts`` (a phrase in a
    ``ConstantScoreQuery``), that constant. Positions are compared
    over whole arrays: a word's positions in every candidate become one sorted array of
    ``docnum << 32 | position``, shifted back by the word's place in the phrase, and the phrase
    starts where all of them meet."""
    reader = subsearcher.reader()
    try:
        texts = [searcher.schema[field].to_bytes(word) for word in words]
    except ValueError:
        return
    found, postings = reads.matches(reader, field, texts)
    if not len(found):
        return
    at = found + offset
    matched[at] = True
    for lift in lifts:
        scores[at] += lift
    if not boosts:
        return
    saturation, constant, slope = _bm25(searcher, field)
    length = LENGTHS[lengths.of(subsearcher, field)[found]]
    total = np.zeros(len(found))
    for text in texts:  # Whoosh's arithmetic per document, in its order: the same bits
        scale = searcher.idf(field, text) * saturation
        weight = postings[text].weights[np.searchsorted(postings[text].ids, found)]
        total += scale * weight / (weight + constant + slope * length)
    for boost in boosts:
        scores[at] += boost * total


def _phrase_matches(reader, field, texts, reads):
    """``(documents, postings)``: the segment's documents where ``texts`` follow each other
    (a sorted numpy array), and ``_phrase_postings`` of its distinct texts."""
    postings = reads.phrase(reader, field, list(dict.fromkeys(texts)))
    if not postings:
        return NOTHING, postings
    keys = {text: found.keys() for text, found in postings.items()}
    starts = keys[texts[0]]
    for place, text in enumerate(texts[1:], 1):
        starts = np.intersect1d(starts, keys[text] - place, assume_unique=True)
        if not len(starts):
            return NOTHING, postings
    return np.unique(starts >> 32), postings


NOTHING = np.zeros(0, dtype=np.int64)
NOTHING.setflags(write=False)


def _phrase_postings(reader, field, texts, reads):
    """``{text: _Postings}`` in the documents that hold every one of ``texts`` (``{}`` when
    none does). Read rarest text first: each next text only looks for the documents still in
    the running."""
    if any((field, text) not in reader for text in texts):
        return {}
    postings, candidates = {}, None
    for text in sorted(texts, key=lambda text: reader.doc_frequency(field, text)):
        found = postings[text] = _postings_among(reads, reader, field, text, candidates)
        candidates = found.ids
        if not len(candidates):
            return {}
    return {text: found.among(candidates) for text, found in postings.items()}


def _postings_among(reads, reader, field, text, wanted):
    """``_Postings`` of the term in the documents ``wanted`` (a sorted numpy array; every
    posting when ``None``). A list this query read whole is looked up; otherwise only the
    blocks that can hold a wanted document are read (and not kept), unless ``reads.read_whole``."""
    if wanted is None or reads.read_whole or reads.has_whole(reader, field, text):
        found = reads.whole(reader, field, text)
    else:
        found = _Postings.of_blocks(_posting_blocks(reader.postings(field, text), values=True,
                                                    wanted=wanted.tolist()))
    return found if wanted is None else found.among(wanted)


def _posting_blocks(matcher, values=False, wanted=None):
    """``(ids, weights, blob, lengths)`` a block at a time: numpy arrays of document numbers and
    weights, and with ``values``, the block's encoded values one after another and each one's
    length (else ``None, None``). With ``wanted``, a sorted list of document numbers, blocks
    that cannot hold one of them are skipped unread. Whoosh's on-disk matcher holds a block's
    ids and weights as arrays (read through its own ``_read_ids``/``_read_weights``/
    ``_read_values``, and ``postings.RawBlockMatcher``'s values at once); any other matcher is
    read posting by posting, as one block. A segment with deletions wraps its postings in a
    ``FilterMatcher`` that tests every posting in Python: its blocks are read here and the
    deleted documents dropped from the few that hold one."""
    deleted = dropped = None
    if type(matcher) is FilterMatcher and matcher._exclude and isinstance(matcher.child, W3LeafMatcher):
        matcher, deleted = matcher.child, matcher._ids
    if not isinstance(matcher, W3LeafMatcher):
        ids, weights, found = [], [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if values:
                found.append(matcher.value())
            matcher.next()
        yield (np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64),
               *(joined_values(found) if values else (None, None)))
        return
    k = 0  # the first wanted document in no block read or skipped yet
    while matcher.is_active():
        last = matcher.block_max_id()
        if wanted is not None:
            if k == len(wanted):
                return
            if wanted[k] > last:
                matcher._next_block()
                continue
        matcher._read_ids()
        matcher._read_weights()
        ids = np.asarray(matcher._ids, dtype=np.int64)  # an array of the block is read at once
        weights = np.asarray(matcher._weights, dtype=np.float64)
        blob = found = None
        if values:
            read_values = getattr(matcher, "read_value_bytes", None)
            if read_values is not None:
                blob, found = read_values()
            else:
                matcher._read_values()
                blob, found = joined_values(matcher._values)
        if deleted and not deleted.isdisjoint(matcher._ids):
            if dropped is None:  # the segment's deleted documents, as an array once per list
                dropped = np.fromiter(deleted, dtype=np.int64, count=len(deleted))
            keep = np.flatnonzero(np.isin(ids, dropped, invert=True))
            if values:
                blob, found = _kept_values(blob, found, keep)
            ids, weights = ids[keep], weights[keep]
        yield ids, weights, blob, found
        while wanted is not None and k < len(wanted) and wanted[k] <= last:
            k += 1
        matcher._next_block()


def _kept_values(blob, lengths, keep):
    """``(blob, lengths)`` of the values at the indexes ``keep`` (ascending) of ``blob``, whose
    values have ``lengths`` (in bytes), gathered with one index array."""
    lengths = np.asarray(lengths, dtype=np.int64)
    kept = lengths[keep]
    if not kept.sum():
        return b"", kept
    at = _spans((np.cumsum(lengths) - lengths)[keep], kept)
    return np.frombuffer(blob, dtype=np.uint8)[at].tobytes(), kept


def _add_matcher(scores, matched, matcher, offset, boost):
    found, values = [], []
    while matcher.is_active():
        found.append(matcher.id() + offset)
        values.append(matcher.score() * boost)
        matcher.next()
    scores[found] += values
    matched[found] = True
