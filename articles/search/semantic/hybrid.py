"""Semantic candidates fused into the search service's lexical ranking.

``plan(text, language, user, view)`` → ``Plan`` is worked out before the lexical search: whether
the model may change the answer (``worth_embedding``, and something of its model embedded yet:
before that, nothing is worked out; the model is loaded for its identity at the first such
query of a process), what the query names exactly
(``view.exact``), and, when it names nothing exactly, the query's embedding begun on a thread
of this process: the model's C code runs without Python's lock, so on a second core it overlaps
the lexical search instead of following it (the answer is remembered by
``candidates.query_future``, where ``semantic_candidates`` then finds it or waits for it). A query
naming something exactly is embedded only when its first lexical result is not that, or when
an article the reader cannot read in the query's language holds an identifier the query types
whole, or a phrase it quotes, in another language's text (``view.exact_elsewhere``:
``operationMgt`` in the English text of an article not yet translated into French): such an
article is named as exactly as the French pages holding it, and the model's ranking places it
among them (one the model does not rank follows those it does, and without the model's ranking
it follows the articles named exactly in the question's language: it is never lost).

``with_semantic(ordered, text, language, user, view, products=(), in_language=None, prepared=None,
read_also=())`` takes the service's lexical groups, best first (``service._group``: dicts with ``article``,
``score``, ``hits`` ``[(language, docnum)]``, ``products``, ``languages``), and returns the
fused groups in the same shape, best first (``fusion.combine``): an article only the semantic
side found is a new group of its translation's document, and each group's ``score`` is the
fused one, in (0, 1]. ``ordered`` comes back as it is when semantic search is off
(``semantic.enabled()``), when the text is not worth embedding (``worth_embedding``), when its
first article is one the query names exactly (``view.exact``: nothing may pass it, the model
is not run, unless an article the reader cannot read in ``language`` names it too: ``plan``'s
``elsewhere``), or when the model fails. ``view`` is the search's ``backend.IndexView``. A
semantic hit is kept only when the index holds its translation and the reader may see it there
too (``view.hidden``), of one of ``products`` when given, in
``in_language`` when given. Articles without a translation the reader may see in ``language``,
nor in ``read_also`` (English, when the lexical search read it too), are ``unseen`` by the
lexical search (``fusion``).
"""
from concurrent.futures import ThreadPoolExecutor
import logging
import os
import re
import threading

from ..codes import extract_error_codes
from . import enabled, vectors
from .candidates import query_future, semantic_candidates
from .fusion import combine
from .model import SemanticUnavailable, embedder
from .text import embedding_key

SEMANTIC_ARTICLES = 50  # nearest articles fused with the lexical ones
# A longer text is a pasted log or page: its words and codes find it, and its meaning is many.
MAX_CHARS = 300
EXACT_CANDIDATES = 300
# One token of letters, digits and the marks identifiers are written with, holding a digit or
# such a mark between two characters (``aem_program_id``, ``iRc=16384``, ``403``,
# ``javax.jcr.AccessDeniedException``): the index finds it or nothing does, and what the model
# makes of it is a guess. One word (``Passwort``, ``e-mail``) is still embedded.
IDENTIFIER = re.compile(r"[A-Za-z0-9_.:=/@#-]+")
IDENTIFIER_MARK = re.compile(r"[0-9]|[A-Za-z0-9][_.:=/@#]+[A-Za-z0-9]")

logger = logging.getLogger(__name__)


def worth_embedding(text, view):
    """Whether the model can change the answer to ``text``: not for a long paste, nor for a lone
    identifier (``IDENTIFIER``), nor for a query naming an error code some document cites (those
    come first whatever the model finds; ``top 100`` may be read as a code, ``TOP-100``, that
    nothing cites)."""
    text = (text or "").strip()
    if not text or len(text) > MAX_CHARS:
        return False
    if IDENTIFIER.fullmatch(text) and IDENTIFIER_MARK.search(text):
        return False
    return not any(view.cited(key) for _, key in extract_error_codes(text, query=True))


class Plan:
    """``elsewhere``: the articles named in other languages only; ``named_in``: their documents
    naming it, ``{article: [(docnum, language, products)]}``."""

    def __init__(self, worth, exact=frozenset(), hidden=frozenset(), elsewhere=frozenset(), named_in=None):
        self.worth, self.exact, self.hidden, self.elsewhere = worth, exact, hidden, elsewhere
        self.named_in = named_in or {}


def plan(text, language, user, view):
    """See the module docstring."""
    if not enabled() or not worth_embedding(text, view):
        return Plan(False)
    try:
        model = embedder()
        if not len(vectors.current(embedding_key(model))):
            return Plan(False)  # nothing embedded yet: no neighbour to fuse, nothing to keep above one
    except SemanticUnavailable:
        model = None  # with_semantic says why
    staff = bool(getattr(user, "is_staff", False))
    hidden = frozenset() if staff else view.hidden()
    exact = frozenset(article for article, _, _ in view.describe(
        sorted(view.exact(text, language, EXACT_CANDIDATES, hidden))))
    # Named as exactly, and only the model can place them.
    named_in = {article: documents for article, documents
                in named_elsewhere(text, language, view, hidden, staff).items() if article not in exact}
    elsewhere = frozenset(named_in)
    if (not exact or elsewhere) and model is not None:
        query_future(model, text, _executor())
    return Plan(True, exact | elsewhere, hidden, elsewhere, named_in)


def named_elsewhere(text, language, view, exclude, staff):
    """``{article: [(docnum, language, products)]}``: the articles the reader cannot read in
    ``language`` whose other translations hold an identifier ``text`` types whole or a phrase
    it quotes (``view.exact_elsewhere``, ``exclude`` left out), with those translations."""
    named, readable = {}, set()
    documents = sorted(view.exact_elsewhere(text, language, EXACT_CANDIDATES, exclude))
    for docnum, (article, lang, names) in zip(documents, view.describe(documents)):
        if article in readable:
            continue
        if article not in named and _readable(view, article, language, staff):
            readable.add(article)
            continue
        named.setdefault(article, []).append((docnum, lang, names))
    return named


def _readable(view, article, language, staff):
    docnum, public = view.translation(article, language)
    return docnum is not None and (public or staff)


def _executor():
    """One embedding thread per process (made again in a forked child: threads do not survive a fork)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-query-embedding"))
        return _pool[1]


_pool = None  # (pid, ThreadPoolExecutor)
_pool_lock = threading.Lock()


def with_semantic(ordered, text, language, user, view, products=(), in_language=None, prepared=None, read_also=()):
    """``prepared``: the ``plan`` worked out before the lexical search (made here when None);
    ``read_also``: the languages the lexical search read besides ``language`` (English, when
    ``language`` held nothing): an article it could read there and did not find is not unseen."""
    prepared = prepared or plan(text, language, user, view)
    if not prepared.worth:
        return ordered
    staff = bool(getattr(user, "is_staff", False))
    hidden, exact = prepared.hidden, prepared.exact
    if ordered and ordered[0]["article"] in exact and not prepared.elsewhere:
        return ordered  # the first result is named exactly: no neighbour in meaning may pass it
    try:
        hits = semantic_candidates(text, language, user, SEMANTIC_ARTICLES, in_language=in_language)
    except SemanticUnavailable as error:  # the model failed after loading: search goes on lexical-only
        logger.warning("semantic search: %s", error)
        hits = []
    if not hits:  # nothing embedded yet, nothing the reader may see, or no model: the lexical order
        present = {group["article"] for group in ordered}
        named = [group for group in (named_group(article, documents, set(products or ()), in_language)
                                     for article, documents in prepared.named_in.items() if article not in present)
                 if group is not None]
        named_here = exact - prepared.elsewhere
        return place_named(ordered, named, lambda group: group["article"] in named_here) if named else ordered
    by_article = {group["article"]: group for group in ordered}
    for hit in hits:
        # An article only the semantic side found must be close (``candidates``): a question
        # nothing answers then has no results (zero-result analytics and "did you mean" see it).
        if hit.article_number not in by_article and (hit.close or hit.article_number in exact):
            group = _new_group(hit, view, hidden, set(products or ()))
            if group is not None:
                by_article[hit.article_number] = group
    ranked = [(hit.article_number, hit.score) for hit in hits if hit.article_number in by_article]
    # An article named in another language only that the model did not place follows its ranking:
    # named as exactly as the others, it is not lost because the model missed it.
    for article, documents in prepared.named_in.items():
        if article not in by_article:
            group = named_group(article, documents, set(products or ()), in_language)
            if group is not None:
                by_article[article] = group
                ranked.append((article, None))
    lexical = [(group["article"], group["score"]) for group in ordered]
    # The cosines' span is every neighbour's: two kept neighbours a hair apart stay a hair apart.
    span = (min(hit.score for hit in hits), max(hit.score for hit in hits))
    fused = fused_articles(lexical, ranked, exact, (language, *read_also), staff, view, span)
    result = []
    for number, score in fused:
        group = by_article[number]
        group["score"] = score
        result.append(group)
    return result


def fused_articles(lexical, semantic, exact, languages, staff, view, span=None):
    """``fusion.combine`` of two rankings of ``(article number, score)``, with ``exact`` (the
    articles the query names exactly), those the index holds no translation of the reader may
    see in any of ``languages``, the ones the lexical search read (it could not find them), and
    the cosines' ``span``."""
    seen = {number for number, _ in lexical}
    unseen = {number for number, _ in semantic if number not in seen
              and not any(_readable(view, number, language, staff) for language in languages)}
    return combine(lexical, semantic, exact, unseen, span=span)


def place_named(ordered, named, is_exact):
    """``ordered`` (groups, best first) with the groups ``named`` (articles named exactly in
    another language only, none of them in ``ordered``) after its leading groups for which
    ``is_exact(group)`` holds and before the rest, each given the score of the group before it
    (else of the first)."""
    at = 0
    while at < len(ordered) and is_exact(ordered[at]):
        at += 1
    score = ordered[at - 1 if at else 0]["score"] if ordered else 0.0
    for group in named:
        group["score"] = score
    return ordered[:at] + list(named) + ordered[at:]


def named_group(article, documents, products, in_language):
    """A group of the documents ``named_elsewhere`` found naming an article, or None
    when none is of one of ``products`` (when given) and in ``in_language`` (when given)."""
    kept = [(docnum, lang, names) for docnum, lang, names in documents
            if not (products and products.isdisjoint(names)) and not (in_language and lang != in_language)]
    if not kept:
        return None
    return {"article": article, "score": 0.0, "hits": [(lang, docnum) for docnum, lang, _ in kept],
            "products": set().union(*(set(names) for _, _, names in kept)), "languages": {lang for _, lang, _ in kept}}


def _new_group(hit, view, hidden, products):
    return translation_group(view, hit.article_number, hit.language, hidden, products)


def translation_group(view, article, language, hidden, products):
    """A group of ``article``'s translation in ``language``, or None when the index holds none,
    ``hidden`` holds it, or it is of none of ``products`` (when given)."""
    docnum, _ = view.translation(article, language)
    if docnum is None or docnum in hidden:
        return None  # not in this index yet, or the index says the reader may not see it
    (article, lang, names), = view.describe([docnum])
    if products and products.isdisjoint(names):
        return None
    return {"article": article, "score": 0.0, "hits": [(lang, docnum)], "products": set(names),
            "languages": {lang}}
