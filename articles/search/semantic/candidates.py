"""A query's nearest articles by meaning, in any language:
``semantic_candidates(query, language, user=None, limit=50, in_language=None)``.

Returns ``[SemanticHit(translation_id, article_number, language, score)]``, one per article,
best first, at most ``limit``; ``score`` is the cosine of the article's closest translation.
Each article is shown by its translation in ``language`` (the reader's) when that one is among
its close ones the reader may see, else by its closest; ``in_language`` keeps only translations
in that language. Visibility is the lexical search's: staff (``user.is_staff``) see every
translation, everybody else only ``Translation.objects.public()``, checked against the
database at every call, so a neighbour archived, made internal or hidden a moment ago never
appears. Raises ``model.SemanticUnavailable`` without the model; ``[]`` before any embedding.
"""
from collections import OrderedDict, namedtuple
import threading

from ...models import Translation
from . import vectors
from .model import QUERY, embedder
from .text import embedding_key

SemanticHit = namedtuple("SemanticHit", "translation_id article_number language score")
# Translations read per article wanted: an article has up to seven close translations (one per
# language), and some the reader may not see.
OVERFETCH = 8
QUERY_CACHE_SIZE = 256  # a reader paging or filtering the same query embeds it once


def semantic_candidates(query, language, user=None, limit=50, in_language=None):
    model = embedder()
    held = vectors.current(embedding_key(model))
    if not len(held) or limit <= 0 or not (query or "").strip():
        return []
    nearest = held.nearest(query_vector(model, query), limit * OVERFETCH)
    staff = bool(getattr(user, "is_staff", False))
    visible = Translation.objects.filter(pk__in=[tid for tid, _ in nearest])
    if not staff:
        visible = visible.public()
    if in_language:
        visible = visible.filter(language=in_language)
    shown = {pk: (number, lang) for pk, number, lang in visible.values_list("pk", "article__number", "language")}
    return _per_article([(tid, score) for tid, score in nearest if tid in shown], shown, language)[:limit]


def _per_article(nearest, shown, language):
    best = {}  # article → [score, hit shown]
    for tid, score in nearest:  # closest first
        number, lang = shown[tid]
        hit = SemanticHit(tid, number, lang, score)
        if number not in best:
            best[number] = [score, hit]
        elif lang == language and best[number][1].language != language:
            best[number][1] = hit
    return [hit._replace(score=score) for score, hit in best.values()]


_cache = OrderedDict()
_cache_lock = threading.Lock()


def query_vector(model, query):
    """The query's embedding, remembered for the last ``QUERY_CACHE_SIZE`` queries."""
    key = (model.identity, query)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    found = model.embed([query], QUERY)[0]
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > QUERY_CACHE_SIZE:
            _cache.popitem(last=False)
    return found
