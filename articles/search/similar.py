"""Articles close to a draft, for an editor about to write one (KCS: search before you create).

``similar_to_draft(draft, language, user, limit=5, exclude=(), shown_in=None)`` →
``[SimilarArticle(article_number, language, title, cosine)]``, best first, at most ``limit``, one
per article, in any language:

- the lexical search of the draft's title and description in its language (the index's
  ``IndexView.search``: its words, codes and identifiers), its first ``SEARCHED`` articles;
- with semantic search on, two rankings by meaning of the draft's title, description and symptoms
  (``text.passage_text``, as the stored translations are made): embedded as a query against every
  translation (an article by its closest one: ``MIN_QUERY_COSINE``), and embedded as a passage,
  its language taken out, against each article's vector (``centroids``: ``MIN_CENTRED_COSINE``).
  The first is the better for a title alone, the second once a description is there;
- an article is offered only when it reaches either floor: sharing words with a draft says little
  ("stops after one minute" finds every article that stops), so the words rank, never admit;
- the rankings fused by reciprocal rank (``fusion.fuse``, equal weights), an article without a
  translation in the draft's language (which the words cannot have found) ranked by meaning alone.
  ``cosine`` is the article's centred cosine to the draft (None with semantic search off).

With semantic search off the lexical search alone answers. ``draft`` is a ``Draft(title,
description, body)`` written in ``language``. Each article is shown by its translation in
``shown_in`` (the editor's language; default ``language``) when it has one, else the best other
(``languages.pick_by_language``). The caller may see unpublished articles
(``models.sees_unpublished``; [] for anybody else): drafts, internal and hidden translations are
included; archived articles never are (readers no longer see them either), nor the articles
numbered in ``exclude``. Without a usable index the vectors alone answer; without the model, the
words alone: the list is never an error.

Measured on the corpus (bench/beyond_search.py: 80 French and Japanese drafts of articles that
exist in the five other languages, 8 off-topic drafts): the draft's article first / among the
five for a title alone 0.68 / 0.75, with its description 0.84 / 0.94, with its body 0.91 / 0.98;
no off-topic draft is shown an article, but for one French title with its description (two). The
lexical search's "named exactly" (``IndexView.exact``) is not used: a draft's sentences name
fragments of many articles, and putting those first cost a fifth of the first places.
"""
from collections import defaultdict, namedtuple
import logging

from ..languages import pick_by_language
from ..models import Article, Translation, sees_unpublished
from ..rendering.sections import split_sections
from . import IndexUnavailable, get_backend, semantic
from .semantic.fusion import fuse

Draft = namedtuple("Draft", "title description body")
SimilarArticle = namedtuple("SimilarArticle", "article_number language title cosine")

SEARCHED = 10  # the lexical search's first articles
NEIGHBOURS = 20  # the nearest articles by each ranking by meaning
OVERFETCH = 8  # translations read per article wanted (up to seven languages an article)
# The floors, measured on the corpus with 80 drafts of articles that exist in other languages and 8
# off-topic drafts: no off-topic draft reaches them (its closest article: 0.835-0.866 as a query,
# 0.36-0.56 centred), while a title alone reaches its article at 0.87 or more as a query for
# three drafts in four, and a title with its description does centred for three in four.
MIN_QUERY_COSINE = 0.87
MIN_CENTRED_COSINE = 0.56
MAX_QUERY_CHARS = 1000  # what the lexical search reads of the title and description
# What a draft may hold (the API refuses more, the page cuts it): the model reads 4,000 characters
# (``model.MAX_TEXT_CHARS``) and the symptoms are found near the top of a body.
MAX_TITLE_CHARS = 500
MAX_DESCRIPTION_CHARS = 2000
MAX_BODY_CHARS = 20000

logger = logging.getLogger(__name__)


def similar_to_draft(draft, language, user, limit=5, exclude=(), shown_in=None):
    if not sees_unpublished(user):
        return []  # readers never write articles
    excluded = {str(number).upper() for number in exclude}
    closeness = _closeness(draft, language)
    ranked = [number for number in rank(_lexical(query_text(draft), language), closeness)
              if number.upper() not in excluded]
    return _shown(ranked, closeness.centred if closeness else {}, shown_in or language, limit)


# The query ranking, then {number: cosine} by query and centred; the articles without a
# translation in the draft's language (the lexical search cannot have found them).
Closeness = namedtuple("Closeness", "by_query query centred unseen")


def rank(lexical, closeness, min_query=None, min_centred=None):
    """The article numbers offered, best first (a pure function; see the module docstring):
    ``lexical`` the lexical search's, ``closeness`` a ``Closeness`` (None: the words alone); the
    floors default to ``MIN_QUERY_COSINE`` and ``MIN_CENTRED_COSINE``."""
    if closeness is None:
        return list(lexical)
    min_query = MIN_QUERY_COSINE if min_query is None else min_query
    min_centred = MIN_CENTRED_COSINE if min_centred is None else min_centred

    def admitted(number):
        return (closeness.query.get(number, -1.0) >= min_query
                or closeness.centred.get(number, -1.0) >= min_centred)

    by_query = [number for number in closeness.by_query if admitted(number)]
    by_centred = sorted((number for number in closeness.centred if admitted(number)),
                        key=lambda number: -closeness.centred[number])[:NEIGHBOURS]
    by_meaning = [number for number, _ in fuse(by_centred, by_query, lexical_weight=1.0, semantic_weight=1.0)]
    lexical = [number for number in lexical if admitted(number)]
    return [number for number, _ in fuse(lexical, by_meaning, unseen=closeness.unseen, lexical_weight=1.0,
                                         semantic_weight=1.0)]


def query_text(draft):
    """What the lexical search reads: the title and description, at most ``MAX_QUERY_CHARS``."""
    return " ".join(part.strip() for part in (draft.title, draft.description) if part and part.strip())[
        :MAX_QUERY_CHARS]


def _lexical(text, language):
    """The article numbers of the lexical search, best first; [] without a usable index."""
    if not text:
        return []

    def run(view):
        hits, _ = view.search(text, language, SEARCHED * OVERFETCH)
        numbers = []
        for number, _, _ in view.describe([document for document, _ in hits]):
            if number not in numbers:
                numbers.append(number)
        return numbers[:SEARCHED]

    try:
        return get_backend().read(run)
    except IndexUnavailable:
        return []


def _closeness(draft, language):
    """The draft's ``Closeness``: articles by the query ranking (the ``NEIGHBOURS`` nearest) and
    their cosines, and every article's centred cosine; None with semantic search off or the
    model failing."""
    if not semantic.enabled():
        return None
    from .semantic import vectors
    from .semantic.candidates import query_vector
    from .semantic.centroids import article_vectors
    from .semantic.model import PASSAGE, SemanticUnavailable, embedder
    from .semantic.text import embedding_key, passage_text

    text = passage_text(Translation(title=draft.title or "", description=draft.description or "",
                                    body=draft.body or "", sections=split_sections(draft.body or "")))
    try:
        model = embedder()
        held = vectors.current(embedding_key(model))
        if not text.strip() or not len(held):
            return Closeness([], {}, {}, frozenset())
        articles = article_vectors()
        asked, passage = query_vector(model, text), model.embed([text], PASSAGE)[0]
    except SemanticUnavailable as error:
        logger.warning("similar articles: %s", error)
        return None
    query = _article_cosines(held.nearest(asked, NEIGHBOURS * OVERFETCH))
    centred = dict(zip(articles.numbers, articles.cosines(articles.centred(passage, language)).tolist()))
    unseen = frozenset(number for number, found in zip(articles.numbers, articles.languages) if language not in found)
    return Closeness(list(query)[:NEIGHBOURS], query, centred, unseen)


def _article_cosines(pairs):
    """``[(translation id, cosine)]``, best first → ``{article number: its best cosine}``, best first."""
    article_of = dict(Translation.objects.filter(pk__in=[tid for tid, _ in pairs])
                      .values_list("pk", "article__number"))
    found = {}
    for tid, cosine in pairs:
        if tid in article_of:
            found.setdefault(article_of[tid], float(cosine))
    return found


def _shown(ranked, cosines, language, limit):
    rows = (Translation.objects.exclude(article__status=Article.Status.ARCHIVED)
            .filter(article__number__in=ranked[:limit * 3]).values_list("article__number", "language", "title"))
    by_article = defaultdict(list)
    for number, lang, title in rows:
        by_article[number].append((lang, title))
    shown = []
    for number in ranked:
        if number in by_article:
            lang, title = pick_by_language(by_article[number], language, language_of=lambda pair: pair[0])
            shown.append(SimilarArticle(number, lang, title, cosines.get(number)))
            if len(shown) >= limit:
                break
    return shown
