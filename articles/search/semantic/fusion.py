"""Two rankings, one by words and one by meaning, made one (pure functions).

Both functions return ``[(key, score)]`` best first, each key of either list once, with
``score`` in (0, 1]; ties keep the lexical order, then the semantic one. Both take:

- ``unseen``: the keys the lexical search could not have found, whatever their words: articles
  without a translation the reader may see in the languages it read (the reader's, and English
  when the reader's held nothing), whose text alone it reads. Its silence on them says nothing, so the semantic side
  speaks for both. Without this, an article that exists only in English would rank below every
  French page sharing a word with a French question, however close in meaning;
- ``exact``: the keys the lexical search matched exactly (an error code, an article number, an
  identifier typed whole, a quoted phrase, a whole title), and those of ``unseen`` the caller
  found naming the query as exactly in another language (``hybrid``). They come first, in fused
  order among themselves: a semantic neighbour never passes an article that cites the code asked
  for.

``combine(lexical, semantic, exact=(), unseen=(), lexical_share=0.5, unseen_lift=1.3, span=None)``,
what search uses, takes two lists of ``(key, score)``, best first, a key at most once in each
(the lexical engine's scores, positive; the model's cosines, or None for a key the model did not
place), and combines the scores, each made comparable first: a lexical score divided by the
list's best (so the best is 1), a cosine placed between ``span`` (lowest, highest: those of
every neighbour the model found, before the caller kept some; by default the list's own) at 0
and 1. A key gains ``lexical_share`` of the first and the rest of the second (nothing from a
list it is missing from, nor from a cosine at the span's lowest, nor from None); an ``unseen``
key gains its semantic score times ``unseen_lift``, so one far closer in meaning than the rest
passes even a page first in both. The scores are divided by the best one's (at least
``LEAST``). Unlike ranks, the scores say how far ahead a key is: a page the model finds far
closer in meaning than the others passes one the words barely favour, and a close race in
meaning leaves the words' order alone. Both parameters were chosen on bench/semantic.py's sets
(questions in readers' words, two sets; titles and symptoms of articles held out of a language;
the development set), on the KCS corpus and with the documentation too: each set's success@1
the same as with ``fuse`` or better. ``unseen_lift`` is a trade: with the documentation (pages
no Japanese or Chinese reader can read in their language), 1.0 found one more question in
readers' words and lost one held-out title and two symptoms.

``fuse(lexical, semantic, exact=(), unseen=(), lexical_weight=2.0, semantic_weight=1.0, k=60)``,
reciprocal rank fusion, takes two lists of keys, best first (what ``similar`` and ``related``
fuse has no comparable scores): a key at rank ``r`` (from 1) of a list gains ``weight / (k + r)``,
a key in both lists both; an ``unseen`` key gains ``(lexical_weight + semantic_weight) / (k + r)``
at its semantic rank ``r``; the scores are divided by the most a key can gain (first in both).
"""


def fuse(lexical, semantic, exact=(), unseen=(), lexical_weight=2.0, semantic_weight=1.0, k=60):
    scores, order = {}, {}
    unseen = set(unseen) - set(lexical)
    for weight, ranking, speaks_for_both in ((lexical_weight, lexical, ()), (semantic_weight, semantic, unseen)):
        for rank, key in enumerate(ranking, start=1):
            gain = lexical_weight + semantic_weight if key in speaks_for_both else weight
            scores[key] = scores.get(key, 0.0) + gain / (k + rank)
            order.setdefault(key, len(order))
    exact = set(exact) & (set(lexical) | unseen)
    most = (lexical_weight + semantic_weight) / (k + 1)
    ranked = sorted(scores, key=lambda key: (key not in exact, -scores[key], order[key]))
    return [(key, scores[key] / most) for key in ranked]


def combine(lexical, semantic, exact=(), unseen=(), lexical_share=0.5, unseen_lift=1.3, span=None):
    lexical, semantic = list(lexical), list(semantic)
    best = max((score for _, score in lexical), default=0.0)
    placed = [score for _, score in semantic if score is not None]
    low, high = span or (min(placed, default=0.0), max(placed, default=0.0))
    by_words = {key: score / best if best > 0 else 1.0 for key, score in lexical}
    by_meaning = {key: 0.0 if score is None else (score - low) / (high - low) if high > low else 1.0
                  for key, score in semantic}
    unseen = set(unseen) - set(by_words)
    keys = [key for key, _ in lexical] + [key for key, _ in semantic]
    order = {key: at for at, key in enumerate(dict.fromkeys(keys))}
    scores = {key: unseen_lift * by_meaning[key] if key in unseen
              else lexical_share * by_words.get(key, 0.0) + (1 - lexical_share) * by_meaning.get(key, 0.0)
              for key in order}
    exact = set(exact) & (set(by_words) | unseen)
    most = max(scores.values(), default=0.0)
    ranked = sorted(scores, key=lambda key: (key not in exact, -scores[key], order[key]))
    return [(key, max(scores[key] / most, LEAST) if most > 0 else 1.0) for key in ranked]


LEAST = 0.001  # the score of a key last in meaning and absent from the lexical list: still in (0, 1] when rounded
