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
"""
import threading

import numpy as np

from ...models import Translation
from . import vectors
from .model import embedder
from .text import embedding_key

MIN_LANGUAGE_ROWS = 50


class ArticleVectors:
    def __init__(self, ids, numbers, matrix, languages, means, overall):
        self.ids, self.numbers, self.matrix, self.languages = ids, numbers, matrix, languages
        self._means, self._overall = means, overall
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
            _kept.update(vectors=held, articles=build(held))
        return _kept["articles"]


_lock = threading.Lock()
_kept = {}  # the VectorSet last built from, and its ArticleVectors


def build(held):
    """The ``ArticleVectors`` of a ``vectors.VectorSet``."""
    of = {pk: (article, number, language) for pk, article, number, language in
          Translation.objects.values_list("pk", "article_id", "article__number", "language").iterator(5000)}
    known = [(row, *of[tid]) for row, tid in enumerate(held.ids.tolist()) if tid in of]  # deleted meanwhile
    if not known:
        return ArticleVectors(np.zeros(0, np.int64), [], np.zeros((0, 0), np.float32), [], {}, 0.0)
    rows = np.array([row for row, *_ in known], dtype=np.int64)
    tongues = sorted({language for *_, language in known})
    tongue_of = np.array([tongues.index(language) for *_, language in known], dtype=np.int64)
    articles = sorted({(article, number) for _, article, number, _ in known})
    article_row = {article: row for row, (article, _) in enumerate(articles)}
    article_of = np.array([article_row[article] for _, article, _, _ in known], dtype=np.int64)
    means, overall = _means(held, rows, tongue_of, tongues)
    centres = np.stack([means.get(language, overall) for language in tongues])
    sums = np.zeros((len(articles), held.matrix.shape[1]), np.float32)
    for start in range(0, len(rows), vectors.BLOCK_ROWS):
        part = slice(start, start + vectors.BLOCK_ROWS)
        block = _floats(held, rows[part]) - centres[tongue_of[part]]
        block /= np.maximum(np.linalg.norm(block, axis=1, keepdims=True), 1e-6)
        np.add.at(sums, article_of[part], block)
    sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-6)
    languages = [set() for _ in articles]
    for _, article, _, language in known:
        languages[article_row[article]].add(language)
    return ArticleVectors(np.array([article for article, _ in articles], dtype=np.int64),
                          [number for _, number in articles], sums, [frozenset(found) for found in languages],
                          means, overall)


def _means(held, rows, tongue_of, tongues):
    """``({language: mean vector}, mean of all)``; only languages of ``MIN_LANGUAGE_ROWS`` or more."""
    sums = np.zeros((len(tongues), held.matrix.shape[1]), np.float64)
    counts = np.bincount(tongue_of, minlength=len(tongues))
    for start in range(0, len(rows), vectors.BLOCK_ROWS):
        part = slice(start, start + vectors.BLOCK_ROWS)
        np.add.at(sums, tongue_of[part], _floats(held, rows[part]))
    overall = (sums.sum(axis=0) / max(1, counts.sum())).astype(np.float32)
    means = {language: (sums[index] / counts[index]).astype(np.float32)
             for index, language in enumerate(tongues) if counts[index] >= MIN_LANGUAGE_ROWS}
    return means, overall


def _floats(held, rows):
    return held.matrix[rows].astype(np.float32) * held.scales[rows, None]


def forget():
    """Build again at next use (tests)."""
    with _lock:
        _kept.clear()
