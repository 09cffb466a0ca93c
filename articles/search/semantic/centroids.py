"""Each article as one vector, whatever its languages: ``article_vectors()`` → ``ArticleVectors``.

The model keeps a text's language in its vector: on the corpus the translations of one article are
at 0.91 cosine from each other (median), while a translation's nearest *other* article is at 0.91
too, so no cosine tells a duplicate written in another language from a neighbour in the same
one. Subtracting from each translation its language's mean vector (centring) takes most of the
language out: the translations of one article are then at 0.67 (median), a translation's nearest
other article in another language at 0.40 (bench/beyond_search.py). An article's vector is the sum
of its translations' centred vectors, normalised: its meaning, the same for every language it is
read in.

``ArticleVectors`` (built from this process's ``vectors.current``, once per set of vectors, in
blocks of ``vectors.BLOCK_ROWS``; it holds ``articles × dim`` float32 besides them):

- ``ids``, ``numbers``: the articles, one per row of ``matrix`` (float32, L2-normalised rows);
- ``languages``: the languages each article has an embedded translation in (a frozenset per row);
- ``centred(vector, language)``: a vector embedded as a passage (``model.PASSAGE``) of that
  language, centred as the translations are and normalised;
- ``row_of(number)``, ``cosines(vector)``: the row of an article, and every article's cosine.

A language with fewer than ``MIN_LANGUAGE_ROWS`` embedded translations is centred by the mean of
every translation: the mean of a handful of texts is their topic, not their language. [] of
articles before any embedding; raises ``model.SemanticUnavailable`` without the model.

Kept up to date: when the vectors were merged from those the kept articles were built from
(``VectorSet.parent``: a save's embedding, seconds later), only the articles of the translations
merged in (``changed_ids``) are worked out again, from their translations as the database holds
them now (one query), with the kept language means; an article seen for the first time is added
(rows stay in the order of the articles' ids), ``languages`` follows. On a site of the corpus's
size that takes 5 ms instead of a full build's 0.3 s (bench/article_vectors.py). The means are
worked out again at each full build: at first use, when rows were deleted (the holder read them
all again: no parent), after more than one merge since the kept articles, or once the
translations merged since the last full build pass ``REBUILD_SHARE`` of the rows (a language's
mean is that of its hundreds of rows: each one changed moves it by a few thousandths at most).
A translation is taken to stay in its article (nothing moves one). Each ``ArticleVectors`` is
immutable: a reader holding one keeps it whole while a newer one is made.
"""
import threading

import numpy as np

from ...models import Translation
from . import vectors
from .model import embedder
from .text import embedding_key

MIN_LANGUAGE_ROWS = 50
# Translations merged since the last full build, over all rows, past which the next change builds
# in full (and works the means out again).
REBUILD_SHARE = 0.05


class ArticleVectors:
    def __init__(self, ids, numbers, matrix, languages, means, overall, merged=frozenset()):
        self.ids, self.numbers, self.matrix, self.languages = ids, numbers, matrix, languages
        self._means, self._overall = means, overall
        self._merged = merged  # the translation ids merged in since the means were worked out
        self._row = {number: row for row, number in enumerate(numbers)}

    def __len__(self):
        return len(self.numbers)

    def centred(self, vector, language):
        vector = np.asarray(vector, dtype=np.float32) - self._means.get(language, self._overall)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def has_mean(self, language):
        """Whether ``language`` has a mean of its own (``MIN_LANGUAGE_ROWS`` translations or more)."""
        return language in self._means

    def row_of(self, number):
        return self._row.get(number)

    def cosines(self, vector):
        """Every article's cosine to ``vector`` (centred, normalised): float32 ``(articles,)``."""
        if not len(self):
            return np.zeros(0, np.float32)
        return self.matrix @ vector


def article_vectors(key=None):
    """``key``: the stored vectors' (``text.embedding_key``; default the loaded model's, loading it)."""
    held = vectors.current(key or embedding_key(embedder()))
    with _lock:
        if _kept.get("vectors") is not held:
            kept = _kept.get("articles")
            articles = None
            if kept is not None and held.parent is not None and held.parent is _kept["vectors"]:
                articles = updated(kept, held)
            _kept.update(vectors=held, articles=build(held) if articles is None else articles)
        return _kept["articles"]


_lock = threading.Lock()
_kept = {}  # the VectorSet last built from, and its ArticleVectors


def build(held, means_of=None):
    """The ``ArticleVectors`` of a ``vectors.VectorSet``, centred by the language means of the
    ``ArticleVectors`` ``means_of`` when given (tests compare an update with it), else by the
    set's own."""
    of = {pk: (article, number, language) for pk, article, number, language in
          Translation.objects.order_by().values_list("pk", "article_id", "article__number", "language")
          .iterator(5000)}
    known = [(row, *of[tid]) for row, tid in enumerate(held.ids.tolist()) if tid in of]  # deleted meanwhile
    if not known:
        return ArticleVectors(np.zeros(0, np.int64), [], np.zeros((0, 0), np.float32), [], {}, 0.0)
    rows = np.array([row for row, *_ in known], dtype=np.int64)
    tongues = sorted({language for *_, language in known})
    tongue_of = np.array([tongues.index(language) for *_, language in known], dtype=np.int64)
    centres_of = (means_of._means, means_of._overall) if means_of is not None else _means(
        held, rows, tongue_of, tongues)
    articles, sums, languages = _articles(held, known, centres_of)
    return ArticleVectors(np.array([article for article, _ in articles], dtype=np.int64),
                          [number for _, number in articles], sums, languages, *centres_of)


def updated(articles, held):
    """``articles`` (built from ``held.parent``) with the articles of ``held.changed_ids`` worked
    out again and those new to it added, by the same means; None when a full build is due
    (``REBUILD_SHARE``; an article left without vectors)."""
    merged = articles._merged | frozenset(held.changed_ids.tolist())
    if not len(articles) or len(merged) > REBUILD_SHARE * len(held):
        return None
    changed = Translation.objects.filter(pk__in=held.changed_ids.tolist()).values("article_id")
    of = {pk: (article, number, language) for pk, article, number, language in Translation.objects.order_by()
          .filter(article_id__in=changed).values_list("pk", "article_id", "article__number", "language")}
    rows = np.flatnonzero(np.isin(held.ids, np.fromiter(of, np.int64, len(of))))
    known = [(row, *of[tid]) for row, tid in zip(rows.tolist(), held.ids[rows].tolist())]
    touched, sums, languages = _articles(held, known, (articles._means, articles._overall))
    ids = np.array([article for article, _ in touched], dtype=np.int64)
    at = np.minimum(np.searchsorted(articles.ids, ids), len(articles.ids) - 1)
    present = articles.ids[at] == ids
    emptied = np.array(sorted({article for article, _, _ in of.values()} - set(ids.tolist())), dtype=np.int64)
    if np.isin(emptied, articles.ids).any():
        return None  # a kept article has no vector left: a full build leaves it out
    return _with(articles, ids, touched, sums, languages, at, present, merged)


def _with(articles, ids, touched, sums, languages, at, present, merged):
    """A new ``ArticleVectors``: ``articles`` with the rows of ``touched`` replaced or added, in
    the order of their ids, as ``build`` orders them."""
    new = ~present
    all_ids = np.concatenate([articles.ids, ids[new]])
    matrix = np.concatenate([articles.matrix, sums[new]])  # a copy: ``articles`` stays as it was
    numbers, all_languages = list(articles.numbers), list(articles.languages)
    for row, index in zip(at[present].tolist(), np.flatnonzero(present).tolist()):
        matrix[row], numbers[row], all_languages[row] = sums[index], touched[index][1], languages[index]
    for index in np.flatnonzero(new).tolist():
        numbers.append(touched[index][1])
        all_languages.append(languages[index])
    if new.any() and not np.all(np.diff(all_ids) > 0):
        order = np.argsort(all_ids, kind="stable")
        all_ids, matrix = all_ids[order], matrix[order]
        numbers, all_languages = [numbers[row] for row in order], [all_languages[row] for row in order]
    return ArticleVectors(all_ids, numbers, matrix, all_languages, articles._means, articles._overall, merged)


def _articles(held, known, centres_of):
    """``known`` (``[(row of held, article id, number, language)]``) as ``([(article id,
    number)]`` in id order, their normalised sums of centred rows (float32), ``[frozenset of
    languages]``), each row centred by ``centres_of`` (``({language: mean}, mean of all)``)."""
    means, overall = centres_of
    tongues = sorted({language for *_, language in known})
    articles = sorted({(article, number) for _, article, number, _ in known})
    article_row = {article: row for row, (article, _) in enumerate(articles)}
    rows = np.array([row for row, *_ in known], dtype=np.int64)
    tongue_of = np.array([tongues.index(language) for *_, language in known], dtype=np.int64)
    article_of = np.array([article_row[article] for _, article, _, _ in known], dtype=np.int64)
    order = np.lexsort((rows, article_of))  # each article's rows together, in the set's order
    rows, tongue_of, article_of = rows[order], tongue_of[order], article_of[order]
    centres = np.stack([means.get(language, overall) for language in tongues]) if tongues else None
    sums = np.zeros((len(articles), held.matrix.shape[1]), np.float32)
    for start in range(0, len(rows), vectors.BLOCK_ROWS):
        part = slice(start, start + vectors.BLOCK_ROWS)
        block = _floats(held, rows[part]) - centres[tongue_of[part]]
        block /= np.maximum(np.linalg.norm(block, axis=1, keepdims=True), 1e-6)
        _add_sorted(sums, article_of[part], block)
    sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-6)
    languages = [set() for _ in articles]
    for _, article, _, language in known:
        languages[article_row[article]].add(language)
    return articles, sums, [frozenset(found) for found in languages]


def _means(held, rows, tongue_of, tongues):
    """``({language: mean vector}, mean of all)``; only languages of ``MIN_LANGUAGE_ROWS`` or more."""
    sums = np.zeros((len(tongues), held.matrix.shape[1]), np.float64)
    counts = np.bincount(tongue_of, minlength=len(tongues))
    for start in range(0, len(rows), vectors.BLOCK_ROWS):
        part = slice(start, start + vectors.BLOCK_ROWS)
        block, of_block = _floats(held, rows[part]), tongue_of[part]
        for index in np.unique(of_block).tolist():
            sums[index] += block[of_block == index].sum(axis=0, dtype=np.float64)
    overall = (sums.sum(axis=0) / max(1, counts.sum())).astype(np.float32)
    means = {language: (sums[index] / counts[index]).astype(np.float32)
             for index, language in enumerate(tongues) if counts[index] >= MIN_LANGUAGE_ROWS}
    return means, overall


def _add_sorted(sums, groups, values):
    """``sums[group] += value`` for each row, ``groups`` ascending: a ``np.add.reduceat`` over each
    run (``np.add.at`` over whole rows, here and for the means, took 0.26 s of a 0.33 s build of
    8,000 rows)."""
    starts = np.flatnonzero(np.concatenate(([True], groups[1:] != groups[:-1])))
    sums[groups[starts]] += np.add.reduceat(values, starts, axis=0)


def _floats(held, rows):
    return held.matrix[rows].astype(np.float32) * held.scales[rows, None]


def forget():
    """Build again at next use (tests)."""
    with _lock:
        _kept.clear()
