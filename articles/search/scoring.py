"""Scoring a query: the documents it matches, best first, with Whoosh's own scores.

``top_documents(searcher, query, limit, lengths, exclude=())`` returns ``[(docnum, score)]``,
ranked exactly as ``searcher.search(query, limit=limit, mask=exclude)`` ranks them (ties go to
the lower document number), about three times faster on this corpus.

Why: a support query is a sum of many plain terms (up to twelve words, and codes), and Whoosh
scores a sum through a tree of union matchers: five or six Python calls per posting before
any arithmetic. Here the terms of a sum (``Or`` at any depth, boosts multiplied
down) are read a posting block at a time and scored with BM25F in one loop. Phrases are
matched here too, rarest word first, reading positions only for the documents that hold
every word, and scored as Whoosh scores them (the sum of their words' BM25F). Every other
clause (constant-score codes) is scored by its own Whoosh matcher, then added in. ``AndNot``
excludes the documents of its second query.

Document field lengths come from a ``FieldLengths`` cache per searcher (``backend``), since a
posting's score needs its document's length and Whoosh looks it up one call at a time.
"""
import heapq

from whoosh import query as Q
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25F


class FieldLengths:
    """The length of one field in every document of one segment, read once and kept:
    ``lengths.of(subsearcher, "text_fr")[docnum]``. One per searcher (and so per thread)."""

    def __init__(self):
        self._by_reader = {}

    def of(self, subsearcher, field):
        reader = subsearcher.reader()
        key = (id(reader), field)
        found = self._by_reader.get(key)
        if found is None:
            length = reader.doc_field_length
            # Whoosh's scorer reads a missing length as 1, so this does too.
            found = self._by_reader[key] = [length(docnum, field, 1) for docnum in range(reader.doc_count_all())]
        return found


def top_documents(searcher, query, limit, lengths, exclude=()):
    """The ``limit`` best ``(docnum, score)`` pairs for ``query``, leaving out ``exclude``."""
    excluded = set(exclude)
    if isinstance(query, Q.AndNot):
        excluded.update(searcher.docs_for_query(query.b))
        query = query.a
    terms, phrases, others = [], [], []
    _flatten(query, 1.0, searcher, terms, phrases, others)
    scores = {}
    for subsearcher, offset in searcher.leaf_searchers():
        for field, text, boost in terms:
            _add_term(scores, searcher, subsearcher, offset, field, text, boost, lengths)
        for field, words, boost in phrases:
            _add_phrase(scores, searcher, subsearcher, offset, field, words, boost, lengths)
        context = searcher.context()
        for clause, boost in others:
            _add_matcher(scores, clause.matcher(subsearcher, context), offset, boost)
    for docnum in excluded:
        scores.pop(docnum, None)
    best = heapq.nsmallest(limit, ((-score, docnum) for docnum, score in scores.items()))
    return [(docnum, -negative) for negative, docnum in best]


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


def _add_term(scores, searcher, subsearcher, offset, field, text, boost, lengths):
    reader = subsearcher.reader()
    try:
        text = searcher.schema[field].to_bytes(text)
    except ValueError:
        return
    if (field, text) not in reader:
        return
    saturation, constant, slope = _bm25(searcher, field)
    scale = searcher.idf(field, text) * saturation * boost
    length = lengths.of(subsearcher, field)
    get = scores.get
    for ids, weights, _ in _posting_blocks(reader.postings(field, text)):
        for docnum, weight in zip(ids, weights):
            docnum += offset  # noqa: PLW2901 - the top-level number of this segment's document
            scores[docnum] = get(docnum, 0.0) + scale * weight / (weight + constant + slope * length[docnum - offset])


def _add_phrase(scores, searcher, subsearcher, offset, field, words, boost, lengths):
    """The documents where ``words`` follow each other, scored as Whoosh scores a phrase:
    ``boost`` times the sum of each word's BM25F in the document (a repeated word counts each
    time)."""
    reader = subsearcher.reader()
    try:
        texts = [searcher.schema[field].to_bytes(word) for word in words]
    except ValueError:
        return
    distinct = list(dict.fromkeys(texts))
    candidates, positions, weights = _phrase_candidates(searcher, reader, field, distinct)
    if not candidates:
        return
    saturation, constant, slope = _bm25(searcher, field)
    scale = {text: searcher.idf(field, text) * saturation for text in distinct}
    length = lengths.of(subsearcher, field)
    first, rest = texts[0], list(enumerate(texts[1:], 1))
    get = scores.get
    for docnum in candidates:
        if not any(all(start + i in positions[text][docnum] for i, text in rest)
                   for start in positions[first][docnum]):
            continue
        total = 0.0
        for text in texts:
            weight = weights[text][docnum]
            total += scale[text] * weight / (weight + constant + slope * length[docnum])
        scores[docnum + offset] = get(docnum + offset, 0.0) + boost * total


def _phrase_candidates(searcher, reader, field, texts):
    """The documents that hold every one of ``texts``, with each text's positions and weight
    in each: ``(docnums, {text: {docnum: positions}}, {text: {docnum: weight}})``. Read
    rarest text first: each next text only looks for the documents still in the running."""
    if any((field, text) not in reader for text in texts):
        return [], {}, {}
    postings, candidates = {}, None
    for text in sorted(texts, key=lambda text: reader.doc_frequency(field, text)):
        found = postings[text] = _postings_among(reader.postings(field, text), candidates)
        candidates = sorted(found)
        if not candidates:
            return [], {}, {}
    decode = searcher.schema[field].format.decoder("positions")
    positions = {text: {docnum: set(decode(found[docnum][1])) for docnum in candidates}
                 for text, found in postings.items()}
    weights = {text: {docnum: found[docnum][0] for docnum in candidates} for text, found in postings.items()}
    return candidates, positions, weights


def _postings_among(matcher, wanted):
    """``{docnum: (weight, encoded value)}`` of the postings whose document is in ``wanted``
    (a sorted list; every posting when ``None``)."""
    wanted_set = None if wanted is None else set(wanted)
    found = {}
    for ids, weights, values in _posting_blocks(matcher, values=True, wanted=wanted):
        for docnum, weight, value in zip(ids, weights, values):
            if wanted_set is None or docnum in wanted_set:
                found[docnum] = (weight, value)
    return found


def _posting_blocks(matcher, values=False, wanted=None):
    """``(ids, weights, values)`` a block at a time (``values`` is ``None`` unless asked for).
    With ``wanted``, a sorted list of document numbers, blocks that cannot hold one of them are
    skipped unread. Whoosh's on-disk matcher holds a block's ids and weights as arrays (read
    through its own ``_read_ids``/``_read_weights``/``_read_values``; Whoosh 2.7.4 is pinned);
    any other matcher is read posting by posting, as one block."""
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
        yield matcher._ids, matcher._weights, matcher._values if values else None
        while wanted is not None and k < len(wanted) and wanted[k] <= last:
            k += 1
        matcher._next_block()


def _add_matcher(scores, matcher, offset, boost):
    get = scores.get
    while matcher.is_active():
        docnum = matcher.id() + offset
        scores[docnum] = get(docnum, 0.0) + matcher.score() * boost
        matcher.next()
