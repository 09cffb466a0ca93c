"""Searching, for the API and the pages: one result per article, in the reader's language.

``search(text, language, user=None, limit=10, page=1, product=None)`` returns ``SearchResults``.
Each ``Result`` is one article, shown in the searcher's language when it has that translation,
else English, else any (``languages.pick_by_language``); its score is the best of its
translations'. Hidden and non-public translations are left out for readers who are not staff.
"""
from dataclasses import dataclass, field

from whoosh import query as Q

from .. import languages
from . import get_backend
from .codes import normalize_code
from .query import build_query
from .schema import CODE_LIST, CODES, LANG, SNIPPET, TITLE_STORED
from .scoring import top_documents
from .spelling import suggest

CANDIDATES = 300  # hits read to group into articles and facets


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


def search(text, language, user=None, limit=10, page=1, product=None):
    backend = get_backend()
    staff = bool(getattr(user, "is_staff", False))
    with backend.searcher() as searcher:
        query, codes = build_query(text, language, searcher)
        codes = [display for display, _ in codes]
        suggestion = suggest(text, language, searcher)
        if query is None:
            return SearchResults(text, language, 0, [], codes, suggestion=suggestion)
        summaries = backend.summaries(searcher)
        hits = top_documents(searcher, query, CANDIDATES, summaries.lengths,
                             exclude=() if staff else summaries.private)
        ordered = _group(hits, summaries, product)
        start = (page - 1) * limit
        results = [_result(group, language, searcher, summaries, staff) for group in ordered[start:start + limit]]
    facets_products, facets_languages = {}, {}
    for group in ordered:
        for name in group["products"]:
            facets_products[name] = facets_products.get(name, 0) + 1
        for code in group["languages"]:
            facets_languages[code] = facets_languages.get(code, 0) + 1
    return SearchResults(text, language, len(ordered), results, codes, facets_products, facets_languages,
                         suggestion)


def _group(hits, summaries, product):
    """Hits → one group per article, best first: its score is its best translation's."""
    groups = {}
    described = summaries.describe([docnum for docnum, _ in hits])
    for (docnum, score), (article, lang, products) in zip(hits, described):
        if product and product not in products:
            continue
        group = groups.setdefault(article, {"article": article, "score": 0.0, "hits": [],
                                            "products": set(), "languages": set()})
        group["score"] = max(group["score"], score)
        group["hits"].append((lang, docnum))
        group["products"].update(products)
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
    with backend.searcher() as searcher:
        summaries = backend.summaries(searcher)
        hits = top_documents(searcher, Q.Term(CODES, normalize_code(code)), 2000, summaries.lengths,
                             exclude=() if staff else summaries.private)
        ordered = _group(hits, summaries, None)
        results = [_result(group, language, searcher, summaries, staff) for group in ordered[:limit]]
    return SearchResults(code, language, len(ordered), results, [code])
