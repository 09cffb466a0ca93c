"""Related articles for an article page: first the articles citing the same error codes (rarer
shared codes first), then Whoosh's "more like this" — the key terms of the translation's text
searched in its language's field. One ``service.Result`` per article, in the reader's
language; never the article itself, never one the reader may not see (``exclude`` of the
search service: readers see public translations only).

``related_articles(translation, language, user=None, limit=5)`` → ``[Result]``; an empty list
when the index cannot answer (a page must not fail for its sidebar).
"""
import math

from django.core.cache import cache
from whoosh import query as Q

from ..models import Translation

from ..rendering import plain_text
from . import get_backend
from .backend import IndexUnavailable
from .schema import CODES, text_field
from .scoring import top_documents
from .service import _result

KEY_TERMS = 12
MAX_CODES = 50
MAX_TEXT_CHARS = 20000


CACHE_SECONDS = 300


def related_articles(translation, language, user=None, limit=5):
    """Worked out at most every ``CACHE_SECONDS`` per article, language and kind of reader (a
    "more like this" costs about 10 ms, most of an article page), and checked against what
    the reader may see now at every call: an article archived or made internal meanwhile is
    never listed."""
    staff = bool(getattr(user, "is_staff", False))
    key = f"kb:related:{translation.pk}:{language}:{int(staff)}:{limit}"
    found = cache.get(key)
    if found is None:
        found = _related(translation, language, staff, limit)
        cache.set(key, found, CACHE_SECONDS)
    if staff or not found:
        return found
    visible = set(Translation.objects.public().filter(
        article__number__in=[r.article_number for r in found]).values_list("article__number", "language"))
    return [r for r in found if (r.article_number, r.language) in visible]


def _related(translation, language, staff, limit):
    backend = get_backend()

    def run(searcher):
        summaries = backend.summaries(searcher)
        hidden = set() if staff else set(summaries.private.tolist())
        own = translation.article.number
        groups = {}
        for docnum, score in _sharing_codes(searcher, translation) + _more_like_this(searcher, translation, summaries,
                                                                                   hidden):
            article, lang, products = summaries.describe([docnum])[0]
            if docnum in hidden or article == own:
                continue
            if article not in groups and len(groups) >= limit:
                break
            group = groups.setdefault(article, {"article": article, "score": score, "hits": [], "products": set()})
            group["hits"].append((lang, docnum))
            group["products"].update(products)
        # In order of first appearance: sharing codes, then alike in words.
        return [_result(group, language, searcher, summaries, staff) for group in groups.values()]

    try:
        return backend.search_with(run)
    except IndexUnavailable:
        return []


def _sharing_codes(searcher, translation):
    """``[(docnum, score)]`` of the documents citing the translation's codes, best first: the sum
    of ``log(N / df)`` of the codes they share."""
    total, scores = max(1, searcher.doc_count()), {}
    for _, key in (translation.error_codes or [])[:MAX_CODES]:
        docs = list(searcher.docs_for_query(Q.Term(CODES, key)))
        for docnum in docs:
            scores[docnum] = scores.get(docnum, 0.0) + math.log(total / len(docs)) + 1.0
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def _more_like_this(searcher, translation, summaries, hidden):
    field = text_field(translation.language)
    if field not in searcher.schema:
        return []
    text = "\n".join([translation.title, translation.description, plain_text(translation.body)])[:MAX_TEXT_CHARS]
    terms = [term for term, _ in searcher.key_terms_from_text(field, text, numterms=KEY_TERMS)]
    if not terms:
        return []
    return top_documents(searcher, Q.Or([Q.Term(field, t) for t in terms]), 50, summaries.lengths, exclude=hidden)
