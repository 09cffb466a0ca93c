"""Scoring a query: the documents it matches, best first, with Whoosh's own scores.

``top_documents(searcher, query, limit, lengths, exclude=())`` returns ``[(docnum, score)]``,
ranked exactly as ``searcher.search(query, limit=limit, mask=exclude)`` ranks them (ties go to
the lower document number), about three times faster on this corpus.

Why: a support query is a sum of many plain terms (up to twelve words, and codes), and Whoosh
scores a sum through a tree of union matchers: five or six Python calls per posting before
any arithmetic. Here the terms of a sum (``Or`` at any depth, boosts multiplied
down) are read a posting block at a time, and each term's postings are scored with BM25F at
once (numpy, into one array of scores for the whole index; the same arithmetic in the same
order as a loop, so the same bits). Phrases are
matched here too, rarest word first, reading positions only for the documents that hold
every word, and scored as Whoosh scores them (the sum of their words' BM25F). Every other
clause (constant-score codes) is scored by its own Whoosh matcher, then added in. ``AndNot``
excludes the documents of its second query.

Document field lengths come from a ``FieldLengths`` cache per searcher (``summaries``), since a
posting's score needs its document's length and Whoosh looks it up one call at a time.
"""
import numpy as np
from whoosh import query as Q
from whoosh.matching.wrappers import FilterMatcher
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader, _lenfield
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length, length_to_byte

LENGTHS = np.array([byte_to_length(code) for code in range(256)], dtype=np.float64)


class FieldLengths:
    """The length of one field in every document of one segment, read once and kept as the
    byte Whoosh stores for it (``LENGTHS[code]`` is the length): ``lengths.of(subsearcher,
    "text_fr")[docnum]``. One per searcher (and so per thread). A byte a document, where
    lists of Python ints took 7.8 MB per worker for the seven languages at 99,936 translations
    (0.7 MB now)."""

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
    from Whoosh's lengths column at once (``W3PerDocReader``; Whoosh 2.7.4 is pinned); any
    other reader is asked one document at a time."""
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


def top_documents(searcher, query, limit, lengths, exclude=()):
    """The ``limit`` best ``(docnum, score)`` pairs for ``query``, leaving out ``exclude`` (an
    iterable or a numpy array of document numbers)."""
    terms, phrases, others = [], [], []
    if isinstance(query, Q.AndNot):
        excluded = np.fromiter(searcher.docs_for_query(query.b), dtype=np.int64)
        query = query.a
    else:
        excluded = None
    _flatten(query, 1.0, searcher, terms, phrases, others)
    scores = np.zeros(searcher.doc_count_all())
    matched = np.zeros(len(scores), dtype=bool)
    reads = _Reads()
    for subsearcher, offset in searcher.leaf_searchers():
        for field, text, boost in terms:
            _add_term(scores, matched, searcher, subsearcher, offset, field, text, boost, lengths, reads)
        for field, words, boost in phrases:
            _add_phrase(scores, matched, searcher, subsearcher, offset, field, words, boost, lengths, reads)
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
    """Splits a sum into plain terms and exact phrases, scored here, and other clauses, scored
    by Whoosh."""
    if isinstance(query, Q.Term) and _bm25_parameters(searcher, query.fieldname):
        terms.append((query.fieldname, query.text, query.boost * boost))
    elif (type(query) is Q.Phrase and query.slop == 1 and query.words and query.char_ranges is None
          and _bm25_parameters(searcher, query.fieldname)
          and searcher.schema[query.fieldname].format.supports("positions")):
        phrases.append((query.fieldname, query.words, query.boost * boost))
    elif isinstance(query, Q.Or) and query.scale is None:  # a plain sum (no coordination bonus)
        for clause in query.subqueries:
            _flatten(clause, boost * query.boost, searcher, terms, phrases, others)
    else:
        others.append((query, boost))


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


class _Reads:
    """The posting lists one query read whole, kept for its other clauses: a query's words are
    its terms and the words of its phrases too, and a list was decoded up to three times."""

    def __init__(self):
        self._whole = {}

    def whole(self, reader, field, text):
        """``(ids, weights, values)`` of every posting: numpy arrays of document numbers and
        weights, and a list of the encoded values."""
        key = (id(reader), field, text)
        found = self._whole.get(key)
        if found is None:
            ids, weights, values = [], [], []
            for block_ids, block_weights, block_values in _posting_blocks(reader.postings(field, text), values=True):
                ids.extend(block_ids)
                weights.extend(block_weights)
                values.extend(block_values)
            found = self._whole[key] = (np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64), values)
        return found

    def has_whole(self, reader, field, text):
        return (id(reader), field, text) in self._whole


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
    ids, weights, _ = reads.whole(reader, field, text)
    length = LENGTHS[lengths.of(subsearcher, field)[ids]]
    ids = ids + offset  # the top-level numbers of this segment's documents
    scores[ids] += scale * weights / (weights + constant + slope * length)
    matched[ids] = True


def _add_phrase(scores, matched, searcher, subsearcher, offset, field, words, boost, lengths, reads):
    """The documents where ``words`` follow each other, scored as Whoosh scores a phrase:
    ``boost`` times the sum of each word's BM25F in the document (a repeated word counts each
    time)."""
    reader = subsearcher.reader()
    try:
        texts = [searcher.schema[field].to_bytes(word) for word in words]
    except ValueError:
        return
    distinct = list(dict.fromkeys(texts))
    candidates, positions, weights = _phrase_candidates(searcher, reader, field, distinct, reads)
    if not candidates:
        return
    saturation, constant, slope = _bm25(searcher, field)
    scale = {text: searcher.idf(field, text) * saturation for text in distinct}
    codes = lengths.of(subsearcher, field)
    first, rest = texts[0], list(enumerate(texts[1:], 1))
    found, totals = [], []
    for docnum in candidates:
        if not any(all(start + i in positions[text][docnum] for i, text in rest)
                   for start in positions[first][docnum]):
            continue
        total = 0.0
        length = float(LENGTHS[codes[docnum]])
        for text in texts:
            weight = weights[text][docnum]
            total += scale[text] * weight / (weight + constant + slope * length)
        found.append(docnum + offset)
        totals.append(boost * total)
    scores[found] += totals
    matched[found] = True


def _phrase_candidates(searcher, reader, field, texts, reads):
    """The documents that hold every one of ``texts``, with each text's positions and weight
    in each: ``(docnums, {text: {docnum: positions}}, {text: {docnum: weight}})``. Read
    rarest text first: each next text only looks for the documents still in the running."""
    if any((field, text) not in reader for text in texts):
        return [], {}, {}
    postings, candidates = {}, None
    for text in sorted(texts, key=lambda text: reader.doc_frequency(field, text)):
        found = postings[text] = _postings_among(reads, reader, field, text, candidates)
        candidates = sorted(found)
        if not candidates:
            return [], {}, {}
    decode = searcher.schema[field].format.decoder("positions")
    positions = {text: {docnum: set(decode(found[docnum][1])) for docnum in candidates}
                 for text, found in postings.items()}
    weights = {text: {docnum: found[docnum][0] for docnum in candidates} for text, found in postings.items()}
    return candidates, positions, weights


def _postings_among(reads, reader, field, text, wanted):
    """``{docnum: (weight, encoded value)}`` of the postings whose document is in ``wanted``
    (a sorted list; every posting when ``None``). A list this query read whole is looked up;
    otherwise only the blocks that can hold a wanted document are read (and not kept)."""
    if wanted is None or reads.has_whole(reader, field, text):
        ids, weights, values = reads.whole(reader, field, text)
        picked = range(len(ids)) if wanted is None else np.flatnonzero(np.isin(ids, wanted)).tolist()
        ids, weights = ids.tolist(), weights.tolist()
        return {ids[i]: (weights[i], values[i]) for i in picked}
    wanted_set = set(wanted)
    found = {}
    for ids, weights, values in _posting_blocks(reader.postings(field, text), values=True, wanted=wanted):
        for docnum, weight, value in zip(ids, weights, values):
            if docnum in wanted_set:
                found[docnum] = (weight, value)
    return found


def _posting_blocks(matcher, values=False, wanted=None):
    """``(ids, weights, values)`` a block at a time (``values`` is ``None`` unless asked for).
    With ``wanted``, a sorted list of document numbers, blocks that cannot hold one of them are
    skipped unread. Whoosh's on-disk matcher holds a block's ids and weights as arrays (read
    through its own ``_read_ids``/``_read_weights``/``_read_values``; Whoosh 2.7.4 is pinned);
    any other matcher is read posting by posting, as one block. A segment with deletions wraps
    its postings in a ``FilterMatcher`` that tests every posting in Python (three quarters of
    the scoring time on an index whose large segments hold the old copies of saved documents):
    its blocks are read here and the deleted documents dropped from the few that hold one."""
    deleted = None
    if type(matcher) is FilterMatcher and matcher._exclude and type(matcher.child) is W3LeafMatcher:
        matcher, deleted = matcher.child, matcher._ids
    if type(matcher) is not W3LeafMatcher:
        ids, weights, found = [], [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if values:
                found.append(matcher.value())
            matcher.next()
        yield ids, weights, found if values else None
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
        if values:
            matcher._read_values()
        ids, weights, found = matcher._ids, matcher._weights, matcher._values if values else None
        if deleted and not deleted.isdisjoint(ids):
            kept = [i for i, docnum in enumerate(ids) if docnum not in deleted]
            ids, weights = [ids[i] for i in kept], [weights[i] for i in kept]
            found = [found[i] for i in kept] if values else None
        yield ids, weights, found
        while wanted is not None and k < len(wanted) and wanted[k] <= last:
            k += 1
        matcher._next_block()


def _add_matcher(scores, matched, matcher, offset, boost):
    found, values = [], []
    while matcher.is_active():
        found.append(matcher.id() + offset)
        values.append(matcher.score() * boost)
        matcher.next()
    scores[found] += values
    matched[found] = True
