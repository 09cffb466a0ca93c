"""Semantic candidates fused into the search service's lexical ranking.

``with_semantic(ordered, text, language, user, searcher, summaries, products=(), in_language=None)``
takes the service's lexical groups, best first (``service._group``: dicts with ``article``,
``score``, ``hits`` ``[(language, docnum)]``, ``products``, ``languages``), and returns the
fused groups in the same shape, best first (``fusion.fuse``): an article only the semantic
side found is a new group of its translation's document, and each group's ``score`` is the
fused one, in (0, 1]. ``ordered`` comes back as it is when semantic search is off
(``semantic.enabled()``), when the text is not worth embedding (``worth_embedding``), when its
first article is one the query names exactly (nothing may pass it: the model is not run), or
when the model fails. A semantic hit is kept only when the index holds its translation and the
reader may see it there too (``summaries.private``), of one of ``products`` when given, in
``in_language`` when given. Articles without a translation in ``language`` the reader may
see are ``unseen`` by the lexical search (``fusion``).
"""
import logging

import numpy as np

from ..codes import extract_error_codes
from ..whoosh.exact import cited, document_of, exact_documents
from . import enabled
from .candidates import semantic_candidates
from .fusion import fuse
from .model import SemanticUnavailable

SEMANTIC_ARTICLES = 50  # nearest articles fused with the lexical ones
# A longer text is a pasted log or page: its words and codes find it, and its meaning is many.
MAX_CHARS = 300
EXACT_CANDIDATES = 300

logger = logging.getLogger(__name__)


def worth_embedding(text, searcher):
    """Whether the model can change the answer to ``text``: not for a long paste, nor for a
    query naming an error code some document cites (those come first whatever the model
    finds; ``top 100`` may be read as a code, ``TOP-100``, that nothing cites)."""
    text = (text or "").strip()
    if not text or len(text) > MAX_CHARS:
        return False
    return not any(cited(searcher, key) for _, key in extract_error_codes(text, query=True))


def with_semantic(ordered, text, language, user, searcher, summaries, products=(), in_language=None):
    if not enabled() or not worth_embedding(text, searcher):
        return ordered
    staff = bool(getattr(user, "is_staff", False))
    exact = _exact_articles(searcher, summaries, text, language, () if staff else summaries.private)
    if ordered and ordered[0]["article"] in exact:
        return ordered  # the first result is named exactly: no neighbour in meaning may pass it
    try:
        hits = semantic_candidates(text, language, user, SEMANTIC_ARTICLES, in_language=in_language)
    except SemanticUnavailable as error:  # the model failed after loading: search goes on lexical-only
        logger.warning("semantic search: %s", error)
        return ordered
    if not hits:
        return ordered  # nothing embedded yet, or nothing the reader may see
    by_article = {group["article"]: group for group in ordered}
    private = summaries.private if not staff else np.zeros(0, dtype=np.int64)  # sorted document numbers
    for hit in hits:
        if hit.article_number not in by_article:
            group = _new_group(hit, searcher, summaries, private, set(products or ()))
            if group is not None:
                by_article[hit.article_number] = group
    fused = fused_articles([group["article"] for group in ordered],
                           [hit.article_number for hit in hits if hit.article_number in by_article],
                           exact, language, staff, summaries)
    result = []
    for number, score in fused:
        group = by_article[number]
        group["score"] = score
        result.append(group)
    return result


def fused_articles(lexical, semantic, exact, language, staff, summaries):
    """``fusion.fuse`` of two rankings of article numbers, with ``exact`` (the articles the
    query names exactly) and those the index holds no translation of in ``language`` the reader
    may see (the lexical search could not find them)."""
    seen = set(lexical)
    unseen = set()
    for number in semantic:
        if number not in seen:
            docnum, public = summaries.translation(number, language)
            if docnum is None or not (public or staff):
                unseen.add(number)
    return fuse(lexical, semantic, exact, unseen)


def _new_group(hit, searcher, summaries, private, products):
    docnum = document_of(searcher, hit.translation_id)
    at = int(np.searchsorted(private, docnum)) if docnum is not None else 0
    if docnum is None or (at < len(private) and private[at] == docnum):
        return None  # not in this index yet, or the index says the reader may not see it
    (article, lang, names), = summaries.describe([docnum])
    if products and products.isdisjoint(names):
        return None
    return {"article": article, "score": 0.0, "hits": [(lang, docnum)], "products": set(names),
            "languages": {lang}}


def _exact_articles(searcher, summaries, text, language, exclude):
    docnums = exact_documents(searcher, text, language, EXACT_CANDIDATES, summaries.lengths, exclude)
    return {article for article, _, _ in summaries.describe(sorted(docnums))}
