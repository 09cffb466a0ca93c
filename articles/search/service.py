"""Searching, for the API and the pages: one result per article, in the reader's language.

``search(text, language, user=None, limit=10, page=1, product=None, products=None, in_language=None)``
returns ``SearchResults``. ``products`` is a set of product names any of which an article must
have (the spellings of one product: "Campaign", "campaign"); ``in_language`` keeps the articles
that matched in that language and shows them in it. ``facet_key(name)``, when given, counts the
product facet by that key (each article once per key) instead of by stored name.
Each ``Result`` is one article, shown in the searcher's language when it has that translation,
else English, else any (``languages.pick_by_language``); its score is the best of its
translations'. Hidden and non-public translations are left out for readers who are not staff.
When the query or the product filter names a product (``product_context``: ``Campaign
Standard``, ``v8``, ``AEM 6.5``), the scores of the articles of that product are multiplied by
``PRODUCT_FACTOR``: of two near-duplicates of sibling products, the one named comes first.
With semantic search on (``semantic.hybrid``), the articles closest in meaning, in any language,
are fused into that ranking, and each result's score is the fused one, in (0, 1].
"""
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from whoosh import query as Q

from .. import languages
from . import get_backend, sync
from .codes import normalize_code
from .product_context import named_products
from .semantic.hybrid import with_semantic
from .whoosh.query import build_query
from .whoosh.schema import CODE_LIST, CODES, LANG, PRODUCTS, SNIPPET, TITLE_STORED
from .whoosh.scoring import top_documents
from .whoosh.spelling import suggest

CANDIDATES = 300  # hits read to group into articles and facets
_PRODUCT_NAMES = WeakKeyDictionary()  # reader -> the product names it holds
PRODUCT_FACTOR = 1.25  # an article of the product a query names, against its siblings


@dataclass
class Result:
    article_number: str
    language: str
    title: str
    snippet: str
    score: float
    error_codes: list
    products: list


@dataclass
class SearchResults:
    query: str
    language: str
    total: int
    results: list
    codes: list = field(default_factory=list)  # the codes recognised in the query
    products: dict = field(default_factory=dict)  # facet: product -> articles
    languages: dict = field(default_factory=dict)  # facet: language -> articles
    suggestion: str | None = None  # the query with misspelt words corrected ("did you mean")
    more: bool = False  # True when the candidates ran out: ``total`` is a lower bound


def search(text, language, user=None, limit=10, page=1, product=None, products=None, in_language=None,
           facet_key=None):
    """Raises ``articles.search.IndexUnavailable`` when the index cannot answer now ("catching up")."""
    backend = get_backend()
    staff = bool(getattr(user, "is_staff", False))
    sync.catch_up_cheaply()

    def run(searcher):
        query, codes = build_query(text, language, searcher)
        codes = [display for display, _ in codes]
        summaries = backend.summaries(searcher)
        suggestion = suggest(text, language, searcher, hidden=() if staff else summaries.private)
        hits = [] if query is None else top_documents(searcher, query, CANDIDATES, summaries.lengths,
                                                      exclude=() if staff else summaries.private)
        wanted = set(products or ()) | ({product} if product else set())
        named = _named_products(searcher, " ".join([text, *sorted(wanted)])) if hits else frozenset()
        ordered = _group(hits, summaries, wanted, in_language, named)
        # Articles close in meaning, in any language (a query none of whose words the language holds too).
        ordered = with_semantic(ordered, text, language, user, searcher, summaries, wanted, in_language)
        start = (page - 1) * limit
        shown_in = in_language or language
        results = [_result(group, shown_in, searcher, summaries, staff) for group in ordered[start:start + limit]]
        return SearchResults(text, language, len(ordered), results, codes, suggestion=suggestion,
                             more=len(hits) >= CANDIDATES), ordered

    found, ordered = backend.search_with(run)
    for group in ordered:
        for name in {facet_key(n) for n in group["products"]} if facet_key else group["products"]:
            found.products[name] = found.products.get(name, 0) + 1
        for code in group["languages"]:
            found.languages[code] = found.languages.get(code, 0) + 1
    return found


def _named_products(searcher, text):
    """The stored product names ``text`` names (``product_context``)."""
    reader = searcher.reader()
    names = _PRODUCT_NAMES.get(reader)
    if names is None:  # read once per reader: a lexicon merged over segments costs milliseconds
        names = _PRODUCT_NAMES[reader] = [name.decode("utf-8") for name in reader.lexicon(PRODUCTS)]
    return named_products(text, names)


def _group(hits, summaries, products, in_language=None, named=frozenset()):
    """Hits → one group per article, best first: its score is its best translation's, times
    ``PRODUCT_FACTOR`` for a translation of a product in ``named``. ``products``: names of which
    an article must have one (empty: any); ``in_language``: only hits in that language count."""
    groups, factors = {}, {}  # factors: by product set (each set is one object, shared by its documents)
    described = summaries.describe([docnum for docnum, _ in hits])
    for (docnum, score), (article, lang, names) in zip(hits, described):
        if (products and products.isdisjoint(names)) or (in_language and lang != in_language):
            continue
        if named:
            factor = factors.get(id(names))
            if factor is None:
                factor = factors[id(names)] = 1.0 if named.isdisjoint(names) else PRODUCT_FACTOR
            score *= factor
        group = groups.setdefault(article, {"article": article, "score": 0.0, "hits": [],
                                            "products": set(), "languages": set()})
        group["score"] = max(group["score"], score)
        group["hits"].append((lang, docnum))
        group["products"].update(names)
        group["languages"].add(lang)
    return sorted(groups.values(), key=lambda g: -g["score"])


def _result(group, language, searcher, summaries, staff):
    lang, docnum = languages.pick_by_language(group["hits"], language, language_of=lambda pair: pair[0])
    if lang != language:
        # The searcher's translation may exist without having matched (e.g. an English log line).
        docnum_in_language, public = summaries.translation(group["article"], language)
        if docnum_in_language is not None and (public or staff):
            docnum = docnum_in_language
    shown = searcher.stored_fields(docnum)
    return Result(
        article_number=group["article"], language=shown[LANG], title=shown[TITLE_STORED],
        snippet=shown.get(SNIPPET) or "", score=round(group["score"], 3),
        error_codes=list(shown.get(CODE_LIST) or []), products=sorted(group["products"]),
    )


def articles_citing(code, language, user=None, limit=200):
    """Every article whose text cites ``code`` (any spelling), one result per article."""
    backend = get_backend()
    staff = bool(getattr(user, "is_staff", False))
    sync.catch_up_cheaply()

    def run(searcher):
        summaries = backend.summaries(searcher)
        hits = top_documents(searcher, Q.Term(CODES, normalize_code(code)), 2000, summaries.lengths,
                             exclude=() if staff else summaries.private)
        ordered = _group(hits, summaries, set())
        results = [_result(group, language, searcher, summaries, staff) for group in ordered[:limit]]
        return SearchResults(code, language, len(ordered), results, [code])

    return backend.search_with(run)
