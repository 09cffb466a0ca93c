"""A query's nearest articles by meaning, in any language:
``semantic_candidates(query, language, user=None, limit=50, in_language=None)``.

Returns ``[SemanticHit(translation_id, article_number, language, score, close)]``, one per
article, best first, at most ``limit``. Articles are ranked by **article vectors**
(``centroids``: each article's translations with their language's mean taken out, summed) against
the query with the query language's mean taken out: the model keeps a text's language in its
vector, and without it an article that exists only in other languages loses to any page of the
query's language (bench/semantic.py, 200 distractors: left-out titles in the top 3 0.81 → 0.96,
symptoms 0.83 → 0.88); ``score`` is that cosine. Where the query's language has too few
translations for its mean (``centroids.MIN_LANGUAGE_ROWS``) they are ranked by their closest
translation's cosine instead. ``close``: the article clears ``ARTICLE_FLOOR`` or one of its
translations ``TRANSLATION_FLOOR`` — below both it merely shares the domain's vocabulary, and
fusion shows it only when the lexical search found it too (``hybrid``; bench/semantic.py
--floor). Each article is shown by its translation in ``language`` (the reader's) when the
reader may see it, else in English, else by its closest; ``in_language`` keeps only
translations in that language. Visibility is the lexical search's: staff (``user.is_staff``)
see every translation, everybody else only ``Translation.objects.public()``, checked against the
database at every call, so a neighbour archived, made internal or hidden a moment ago never
appears. Raises ``model.SemanticUnavailable`` without the model; ``[]`` before any embedding.
"""
from collections import OrderedDict, namedtuple
from concurrent.futures import Future
import hashlib
import threading

from django.conf import settings
import numpy as np

from ... import prepared, sharedcache
from ...languages import FALLBACK_LANGUAGE
from ...models import Translation

from . import centroids, vectors
from .model import QUERY, embedder
from .text import embedding_key

SemanticHit = namedtuple("SemanticHit", "translation_id article_number language score close", defaults=(True,))
TRANSLATION_FLOOR = 0.82  # a translation's cosine to the query
ARTICLE_FLOOR = 0.30  # an article vector's cosine to the centred query
# Translations read per article wanted: an article has up to seven close translations (one per
# language), and some the reader may not see.
OVERFETCH = 8
# Queries whose embedding each process remembers (1.5 KB each): a reader paging or filtering
# embeds a query once, and readers asking the same popular questions cost one embedding.
QUERY_CACHE_SIZE = 4096
SHARED_SECONDS = 24 * 3600  # in the shared cache (``KB_CACHE_URL``): one embedding for every worker


def semantic_candidates(query, language, user=None, limit=50, in_language=None):
    model = embedder()
    held = vectors.current(embedding_key(model))
    if not len(held) or limit <= 0 or not (query or "").strip():
        return []
    vector = query_vector(model, query)
    nearest = held.nearest(vector, limit * OVERFETCH)
    staff = bool(getattr(user, "is_staff", False))
    articles = centroids.article_vectors(embedding_key(model))
    if len(articles) and articles.has_mean(language):
        return _by_article(articles, vector, dict(nearest), language, staff, limit, in_language)
    visible = prepared.rows(_visible_by_id, (staff, in_language), [tid for tid, _ in nearest], numeric=True)
    shown = {pk: (number, lang) for pk, number, lang in visible}
    return _per_article([(tid, score) for tid, score in nearest if tid in shown], shown, language)[:limit]


# The reader's visibility, read from the database at every search (``prepared``: their SQL is
# compiled once per shape): (pk, article number, language) of the translations the reader may see
# among those given by id or of the articles given by number.
def _visible_by_id(staff, in_language, ids):
    return _visible(Translation.objects.filter(pk__in=ids), staff, in_language)


def _visible_by_article(staff, in_language, numbers):
    return _visible(Translation.objects.filter(article__number__in=numbers), staff, in_language)


def _visible(translations, staff, in_language):
    if not staff:
        translations = translations.public()
    if in_language:
        translations = translations.filter(language=in_language)
    return translations.values_list("pk", "article__number", "language")


def _shown(found, language, near):
    """The translation ``(pk, language)`` an article is shown by: the reader's language, else
    English (as the lexical results and the article page fall back), else the closest to the
    question (a Japanese reader is not shown the Korean page of one in English too)."""
    return min(found, key=lambda pair: (_preference(pair[1], language), -near.get(pair[0], -1.0)))


def _preference(lang, language):
    return 0 if lang == language else 1 if lang == FALLBACK_LANGUAGE else 2


def _by_article(articles, vector, near, language, staff, limit, in_language):
    """The articles nearest by article vector, each shown by a translation the reader may see."""
    cosines = articles.cosines(articles.centred(vector, language))
    order = np.argsort(-cosines, kind="stable")[:limit * 2]  # some the reader may not see
    numbers = [articles.numbers[row] for row in order.tolist()]
    translations = {}
    for pk, number, lang in prepared.rows(_visible_by_article, (staff, in_language), numbers):
        translations.setdefault(number, []).append((pk, lang))
    hits = []
    for row, number in zip(order.tolist(), numbers):
        found = translations.get(number)
        if not found:
            continue
        closest = max(near.get(pk, -1.0) for pk, _ in found)
        pk, lang = _shown(found, language, near)
        score = float(cosines[row])
        hits.append(SemanticHit(pk, number, lang, score, score >= ARTICLE_FLOOR or closest >= TRANSLATION_FLOOR))
        if len(hits) == limit:
            break
    return hits


def _per_article(nearest, shown, language):
    best = {}  # article → [score, hit shown]
    for tid, score in nearest:  # closest first
        number, lang = shown[tid]
        hit = SemanticHit(tid, number, lang, score)
        if number not in best:
            best[number] = [score, hit]
        elif _preference(lang, language) < _preference(best[number][1].language, language):
            best[number][1] = hit
    return [hit._replace(score=score, close=score >= TRANSLATION_FLOOR) for score, hit in best.values()]


_cache = OrderedDict()
_cache_lock = threading.Lock()


def query_vector(model, query):
    """The query's embedding, remembered for the last ``QUERY_CACHE_SIZE`` queries; a query
    being embedded by another thread (``hybrid.plan``) is waited for, never embedded twice.
    Raises what the model raised (``model.SemanticUnavailable``)."""
    return query_future(model, query).result()


def query_future(model, query, executor=None):
    """A ``Future`` of the query's embedding: remembered by this process or by the shared cache
    (when ``KB_CACHE_URL`` is set), or embedded now, or by ``executor`` (then returned at once;
    remembered from this call on, so that no other thread embeds it)."""
    key = (model.identity, query)
    with _cache_lock:
        pending = _cache.get(key)
        if pending is not None:
            _cache.move_to_end(key)
            return pending
        pending = _cache[key] = Future()
        while len(_cache) > QUERY_CACHE_SIZE:
            _cache.popitem(last=False)
    shared = _shared_get(key)
    if shared is not None:
        pending.set_result(shared)
        return pending

    def compute():
        try:
            vector = model.embed([query], QUERY)[0]
        except BaseException as error:
            with _cache_lock:
                if _cache.get(key) is pending:
                    del _cache[key]
            pending.set_exception(error)
            return
        pending.set_result(vector)
        _shared_set(key, vector)

    if executor is None:
        compute()
    else:
        executor.submit(compute)
    return pending


def _shared_key(key):
    identity, query = key
    return "kb-query-vector:" + hashlib.sha256(f"{identity}\0{query}".encode("utf-8", "replace")).hexdigest()


def _shared_get(key):
    if not settings.KB_CACHE_URL:
        return None  # the shared cache is this process's memory: the LRU above holds it already
    data = sharedcache.get(_shared_key(key))
    return np.frombuffer(data, dtype=np.float32).copy() if isinstance(data, bytes) else None


def _shared_set(key, vector):
    if settings.KB_CACHE_URL:
        sharedcache.set(_shared_key(key), np.asarray(vector, dtype=np.float32).tobytes(), SHARED_SECONDS)
