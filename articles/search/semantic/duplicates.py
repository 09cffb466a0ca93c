"""Duplicate candidates for editors: pairs of distinct articles that mean nearly the same, in the
same language or in two different ones.

``duplicate_candidates(threshold=None)`` → ``[DuplicatePair(first, second, cosine)]``, closest
first, at ``threshold`` (default ``THRESHOLD``) or closer: article ids (``first`` the lower) and
the cosine of their vectors (``centroids``: each article's translations with their language taken
out, summed), so that an article written only in Japanese meets the English one it repeats. Pairs an editor dismissed (``dismiss``,
``models.DismissedDuplicate``) are left out, and so are archived articles; every other article
counts, whatever its status or audience: the page is for editors, who see them all.
``described(pairs, language)`` gives their numbers, titles and languages for a page. Raises
``model.SemanticUnavailable`` without the model; [] before any embedding.

The pairs are worked out from this process's article vectors by ``close_pairs``, by blocks of
``BLOCK_ROWS`` articles (memory stays bounded however large the corpus): for the corpus's 8,176
translations (1,180 articles), building the article vectors and finding their pairs takes 0.5 s of
CPU (bench/beyond_search.py); the answer is kept until the vectors change.

``THRESHOLD`` was chosen on the corpus (README, "Beyond search"): one translation of an article
against the vector of its other languages (a duplicate written in one language of an article that
exists in six) is at 0.70 or more for 73 % of the articles, while 1.7 % of the translations have
another article that close; the corpus then has 70 pairs, the closest of them true duplicates
(the same title twice, test articles).
"""
from collections import namedtuple
import threading

import numpy as np
from django.db import IntegrityError, transaction

from ...languages import pick_by_language
from ...models import Article, Translation
from .centroids import article_vectors
from .models import DismissedDuplicate

THRESHOLD = 0.70
BLOCK_ROWS = 2048
MAX_PAIRS = 5000  # the closest pairs kept; an editor reads the first ones

DuplicatePair = namedtuple("DuplicatePair", "first second cosine")
# One article of a pair as an editor's page shows it: in ``language`` (the editor's when it has it).
Side = namedtuple("Side", "number language title status languages")
DescribedPair = namedtuple("DescribedPair", "first second cosine")

_lock = threading.Lock()
_kept = {}  # the ArticleVectors and threshold last worked out, and its pairs before dismissals


def duplicate_candidates(threshold=None):
    threshold = THRESHOLD if threshold is None else threshold
    articles = article_vectors()
    with _lock:  # two requests at once compute once
        if _kept.get("articles") is not articles or _kept.get("threshold") != threshold:
            _kept.update(articles=articles, threshold=threshold, pairs=_pairs_of(articles, threshold))
        pairs = _kept["pairs"]
    dismissed = set(DismissedDuplicate.objects.values_list("first_id", "second_id"))
    archived = set(Article.objects.filter(status=Article.Status.ARCHIVED).values_list("pk", flat=True))
    return [pair for pair in pairs if (pair.first, pair.second) not in dismissed
            and pair.first not in archived and pair.second not in archived]


def described(pairs, language):
    """``[DescribedPair(first, second, cosine)]`` of ``pairs``: each article a ``Side`` in
    ``language`` when it has that translation, else its best other
    (``languages.pick_by_language``), with every language it has. A pair whose article was
    deleted meanwhile is left out."""
    ids = {pair.first for pair in pairs} | {pair.second for pair in pairs}
    rows = (Translation.objects.filter(article_id__in=ids)
            .values_list("article_id", "article__number", "article__status", "language", "title"))
    by_article = {}
    for article, number, status, lang, title in rows:
        by_article.setdefault(article, []).append(Side(number, lang, title, status, ()))
    shown = {article: pick_by_language(sides, language)._replace(languages=sorted(side.language for side in sides))
             for article, sides in by_article.items()}
    return [DescribedPair(shown[pair.first], shown[pair.second], pair.cosine)
            for pair in pairs if pair.first in shown and pair.second in shown]


def dismiss(first, second, user):
    """Records that articles ``first`` and ``second`` (ids, in either order) are not duplicates;
    dismissing a pair twice, or from two requests at once, keeps one row."""
    first, second = sorted((int(first), int(second)))
    if first == second:
        raise ValueError("a pair is two articles")
    try:
        with transaction.atomic():
            DismissedDuplicate.objects.get_or_create(first_id=first, second_id=second,
                                                     defaults={"dismissed_by": user})
    except IntegrityError:  # the other request's row won, or an article was deleted meanwhile
        pass


def _pairs_of(articles, threshold):
    i, j, cosines = close_pairs(articles.matrix, threshold)
    order = np.lexsort((j, i, -cosines))[:MAX_PAIRS]
    return [DuplicatePair(*sorted((int(articles.ids[i[k]]), int(articles.ids[j[k]]))), float(cosines[k]))
            for k in order.tolist()]


def close_pairs(matrix, threshold, block=BLOCK_ROWS):
    """The rows ``i < j`` of ``matrix`` (float32, L2-normalised rows) whose cosine is at least
    ``threshold``: ``(i, j, cosine)`` as three arrays, by blocks of ``block`` rows."""
    found = ([], [], [])
    for start in range(0, len(matrix), block):
        rows = matrix[start:start + block]
        for other in range(start, len(matrix), block):
            cosines = rows @ matrix[other:other + block].T
            i, j = np.nonzero(cosines >= threshold)
            cosines = cosines[i, j]
            i, j = i + start, j + other
            keep = i < j
            for part, values in zip(found, (i, j, cosines)):
                part.append(values[keep])
    if not found[0]:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    return tuple(np.concatenate(part) for part in found)
