"""The lexical and semantic rankings made one (a pure function).

``fuse(lexical, semantic, exact=(), unseen=(), lexical_weight=2.0, semantic_weight=1.0, k=60)``
takes two lists of article keys, best first (a key at most once in each), and returns
``[(key, score)]`` best first, each key of either list once:

- reciprocal rank fusion: a key at rank ``r`` (from 1) of a list gains ``weight / (k + r)``; a
  key in both lists gains both. The lexical ranking weighs twice the semantic one: it alone
  knows codes, identifiers and exact words;
- ``unseen``: the keys the lexical search could not have found, whatever their words: articles
  without a translation in the language searched that the reader may see (the lexical search
  reads that language's text only). Its silence on them says nothing, so the semantic ranking
  speaks for both: such a key gains ``(lexical_weight + semantic_weight) / (k + r)`` at its
  semantic rank ``r``. Without this, an article that exists only in English would rank below
  the sixtieth French page sharing a word with a French question, however close in meaning;
- ``exact``: the keys the lexical search matched exactly (an error code, an article number, an
  identifier typed whole, a quoted phrase, a whole title), and those of ``unseen`` the caller
  found naming the query as exactly in another language (``hybrid``). They come first, in fused
  order among themselves: a semantic neighbour never passes an article that cites the code asked for;
- ``score`` is the fused score divided by the most a key can gain (first in both lists), so it
  is in (0, 1]; ties keep the lexical order, then the semantic one.
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
