"""Related articles for an article page: first the articles citing the same error codes (rarer
shared codes first), then those alike in words and in meaning: Whoosh's "more like this" (the key
terms of the translation's text searched in its language's field) fused by reciprocal rank
(``fusion.fuse``, equal weights) with the articles nearest its article's vector that have a
translation in its language (``semantic.neighbours``), or the first alone while the article has no
vector or semantic search is off. On the corpus (bench/beyond_search.py, 412 pages) the five links
a page shows share a product with its article for 0.70 of them instead of 0.60, and one article's
lists in two languages have 0.63 of their articles in common (Jaccard) instead of 0.40; the share
of links in another language than the page's stays 0.006.

Working a list out costs 20–80 ms (most of an article page), so lists are kept in the database
(``models.RelatedArticles``): ``refresh()`` — called by each server's indexer when it has
nothing else to do — works out the missing ones (a new translation's within seconds), those
older than ``MAX_AGE``, and those worked out before the translation's latest vector once they are
``EMBEDDED_AFTER`` old (a fresh import's lists come before its embeddings). An edit does not make
a list due: what an article is about rarely changes with one save, and an editor saving every few
seconds would otherwise cost each server a "more like this" per save. A page reads its list with
one query and, only when there is none yet, works it out itself (kept in this process's cache for
``LOCAL_SECONDS``).

``related_articles(translation, language, user=None, limit=5)`` → ``[RelatedLink]``: one per
article, in the reader's language when the article has it, never the article itself, never one
the reader may not see (checked at every call against the database, so an article archived or
made internal is gone at once); an empty list when the index cannot answer (a page must not fail
for its sidebar).
"""
from collections import defaultdict, namedtuple
from datetime import timedelta
import json
import logging
import math
import random
import time

from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone

from .. import prepared
from ..languages import pick_by_language
from ..models import Article, Translation, sees_unpublished
from ..rendering import plain_text
from . import IndexUnavailable, get_backend
from .backend import Words
from .models import RelatedArticles
from .semantic.fusion import fuse
from .semantic.neighbours import neighbour_articles

KEY_TERMS = 12
MAX_CODES = 50
MAX_TEXT_CHARS = 20000
KEPT = 12  # article numbers kept per translation (readers may not see them all)
MAX_AGE = timedelta(days=1)
EMBEDDED_AFTER = timedelta(minutes=10)
LOCAL_SECONDS = 300

RelatedLink = namedtuple("RelatedLink", "article_number language title")

logger = logging.getLogger(__name__)


def related_articles(translation, language, user=None, limit=5):
    return _links(_numbers(translation), translation.article.number, language, user, limit)


def _numbers(translation):
    found = prepared.rows(_stored_list, (), [translation.pk], numeric=True)
    if found:
        stored = found[0][0]
        return json.loads(stored) if isinstance(stored, (str, bytes)) else stored
    key = f"kb:related:{translation.pk}"
    found = cache.get(key)
    if found is None:
        try:
            found = get_backend().read(lambda view: work_out(view, translation))
        except IndexUnavailable:
            return []
        cache.set(key, found, LOCAL_SECONDS)
    return found


def _links(numbers, own, language, user, limit):
    numbers = [number for number in numbers if number != own]
    if not numbers:
        return []
    rows = prepared.rows(_visible_titles, (sees_unpublished(user),), numbers)
    by_article = defaultdict(list)
    for number, lang, title in rows:
        by_article[number].append((lang, title))
    links = []
    for number in numbers:
        if number in by_article:
            lang, title = pick_by_language(by_article[number], language, language_of=lambda pair: pair[0])
            links.append(RelatedLink(number, lang, title))
            if len(links) >= limit:
                break
    return links


def _stored_list(pks):
    return RelatedArticles.objects.filter(pk__in=pks).values_list("numbers")


def _visible_titles(everything, numbers):
    """``(number, language, title)`` of the translations of those articles a reader may see
    (``everything``: one who sees unpublished articles), archived articles left out."""
    translations = Translation.objects.all() if everything else Translation.objects.public()
    return (translations.exclude(article__status=Article.Status.ARCHIVED).filter(article__number__in=numbers)
            .values_list("article__number", "language", "title"))


def work_out(view, translation):
    """The article numbers related to ``translation``, best first: those sharing its codes, then
    those alike in words and meaning (see the module docstring); at most ``KEPT``, hidden and
    internal ones included. ``view``: an ``IndexView`` (``get_backend().read``)."""
    own = translation.article.number
    sharing = _articles(view, _sharing_codes(view, translation))
    alike = _articles(view, _more_like_this(view, translation))
    near = neighbour_articles(translation, KEPT)
    if near:
        alike = [number for number, _ in fuse(alike, near, lexical_weight=1.0, semantic_weight=1.0)]
    numbers = []
    for article in sharing + alike:
        if article != own and article not in numbers:
            numbers.append(article)
            if len(numbers) >= KEPT:
                break
    return numbers


def _articles(view, documents):
    """``[(document, score)]`` → their article numbers, in that order, each once; the first
    ``KEPT * 8`` documents are read (an article has up to seven translations citing a code)."""
    numbers = []
    for article, _, _ in view.describe([document for document, _ in documents[:KEPT * 8]]):
        if article not in numbers:
            numbers.append(article)
    return numbers


def _sharing_codes(view, translation):
    """``[(document, score)]`` of the documents citing the translation's codes, best first: the
    sum of ``log(N / df)`` of the codes they share."""
    total, scores = max(1, view.doc_count()), {}
    for _, key in (translation.error_codes or [])[:MAX_CODES]:
        docs = view.citing(key)
        for document in docs:
            scores[document] = scores.get(document, 0.0) + math.log(total / len(docs)) + 1.0
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def _more_like_this(view, translation):
    """The key terms of the translation's text searched in its language (``KEY_TERMS``)."""
    text = "\n".join([translation.title, translation.description, plain_text(translation.body)])[:MAX_TEXT_CHARS]
    terms = view.key_terms(translation.language, text, KEY_TERMS)
    if not terms:
        return []
    return view.top([Words(translation.language, tuple(terms))], 50)


def due(limit):
    """Up to ``limit`` translations whose list is missing or out of date: missing ones first,
    from a random place (two servers filling at once then rarely work out the same ones)."""
    current = Translation.objects.exclude(article__status=Article.Status.ARCHIVED)
    now = timezone.now()
    out_of_date = current.filter(
        Q(related_list__computed_at__lt=now - MAX_AGE)
        | (Q(related_list__computed_at__lt=F("embedding__updated_at"))
           & Q(related_list__computed_at__lt=now - EMBEDDED_AFTER)))
    found = []
    last = Translation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for queryset in (current.filter(related_list__isnull=True), out_of_date):
        start = random.randint(0, last)
        for part in (queryset.filter(pk__gte=start), queryset.filter(pk__lt=start)):
            found += part.order_by("pk").select_related("article")[:limit - len(found)]
            if len(found) >= limit:
                return found
    return found


def refresh(budget=0.2, batch=20):
    """Work out due lists for about ``budget`` seconds and store them; returns how many. Raises
    ``IndexUnavailable`` without a usable index."""
    pending = due(batch)
    if not pending:
        return 0
    deadline = time.monotonic() + budget

    def run(view):
        done = []
        for translation in pending:
            try:
                numbers = work_out(view, translation)
            except Exception:  # noqa: BLE001 — Whoosh failed on this text (100,000 'é'): none, not the batch
                logger.warning("related articles of translation %s could not be worked out", translation.pk,
                               exc_info=True)
                numbers = []  # stored: tried again after MAX_AGE, not at every pass
            done.append(RelatedArticles(translation=translation, numbers=numbers, computed_at=timezone.now()))
            if time.monotonic() >= deadline:
                break
        return done

    done = get_backend().read(run)
    still = set(Translation.objects.filter(pk__in=[r.translation_id for r in done]).values_list("pk", flat=True))
    done = [r for r in done if r.translation_id in still]  # deleted meanwhile
    RelatedArticles.objects.bulk_create(done, update_conflicts=True, unique_fields=["translation"],
                                        update_fields=["numbers", "computed_at"])
    return len(done)
