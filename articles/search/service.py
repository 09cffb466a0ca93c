"""Searching, for the API and the pages: one result per article, in the reader's language.

``search(text, language, user=None, limit=10, page=1, product=None, products=None, in_language=None)``
returns ``SearchResults``. ``products`` is a set of product names any of which an article must
have (the spellings of one product: "Campaign", "campaign"); ``in_language`` keeps the articles
that matched in that language and shows them in it. ``facet_key(name)``, when given, counts the
product facet by that key (each article once per key) instead of by stored name.
Each ``Result`` is one article, shown in the searcher's language when it has that translation,
else English, else any (``languages.pick_by_language``); its score is the best of its
translations'. Hidden and non-public translations are left out for readers who are not staff.
A query that finds nothing in the reader's language is searched in English too
(``languages.FALLBACK_LANGUAGE``): an article not yet translated is found by the words it
holds, and each result says its language.
When the query or the product filter names a product (``product_context``: ``Campaign
Standard``, ``v8``, ``AEM 6.5``), the scores of the articles of that product are multiplied by
``PRODUCT_FACTOR``: of two near-duplicates of sibling products, the one named comes first.
An article citing an error code the query names (one that some document cites) comes before
every article citing none of them, in any language: a French reader pasting a code only an
English article cites finds that article first, above French pages merely sharing its words.
Likewise an article the reader cannot read in their language whose other translations hold an
identifier the query types whole (``deliveryRetry_maxCount``, ``operationMgt``) or a phrase it quotes
joins the results after the articles the query names as exactly in the reader's language and
before the rest (``_with_named_elsewhere``): the words of the reader's language cannot find it.
(When the model runs, ``semantic.hybrid`` places them instead, among its neighbours; a query
naming an error code, or longer than ``NAMED_ELSEWHERE_CHARS``, a pasted log, is left to its
codes and words.)
A documentation page out of its repository's navigation (``docnav.off_navigation``: a TOC covers
its folder and lists it nowhere, such as an old copy kept beside the page) scores
``OFF_NAVIGATION_FACTOR`` of its own: the page the navigation lists, often of the same title,
comes first, and the copy is still found by words only it holds.
With semantic search on (``semantic.hybrid``), the articles closest in meaning, in any language,
are fused into that ranking, and each result's score is the fused one, in (0, 1].
"""
from ..languages import FALLBACK_LANGUAGE, site_languages
from . import get_backend, linked, sync
from .backend import Code
from .codes import extract_error_codes, normalize_code
from .product_context import named_products
from .results import Result, SearchResults  # noqa: F401  (the service's answer types)
from .semantic import hybrid

CANDIDATES = 300  # hits read to group into articles and facets
NAMED_ELSEWHERE_CHARS = 300
PRODUCT_FACTOR = 1.25  # an article of the product a query names, against its siblings
OFF_NAVIGATION_FACTOR = 0.5  # a documentation page no TOC lists, against the pages one does


def search(text, language, user=None, limit=10, page=1, product=None, products=None, in_language=None,
           facet_key=None):
    """Raises ``articles.search.IndexUnavailable`` when the index cannot answer now ("catching up")."""
    backend = get_backend()
    staff = bool(getattr(user, "is_staff", False))
    sync.catch_up_cheaply()
    from ..docnav import off_navigation

    off = off_navigation(user)

    def run(view):
        exclude = () if staff else view.hidden()
        semantic = hybrid.plan(text, language, user, view)  # the query's embedding overlaps the lexical search
        hits, codes = view.search(text, language, CANDIDATES, exclude)
        suggestion = view.suggestion(text, language, exclude)
        wanted = set(products or ()) | ({product} if product else set())

        described = view.describe([docnum for docnum, _ in hits])
        read, read_also = len(hits), ()
        if (language != FALLBACK_LANGUAGE and in_language in (None, FALLBACK_LANGUAGE)
                and not any(lang == language for _, lang, _ in described)):
            # Nothing in the reader's language (a UI label or a whole title typed may match pages
            # of other languages only): the words (a name, an identifier, a term the
            # translations keep) are looked for in English too, where an article is written
            # first. Decided on the hits before any filter, so a filter's count is what it shows.
            english, _ = view.search(text, FALLBACK_LANGUAGE, CANDIDATES, exclude)
            known = dict(zip((docnum for docnum, _ in hits), described))
            hits, read, read_also = _merged(hits, english), max(read, len(english)), (FALLBACK_LANGUAGE,)
            new = [docnum for docnum, _ in hits if docnum not in known]
            known.update(zip(new, view.describe(new)))
            described = [known[docnum] for docnum, _ in hits]
        named = named_products(" ".join([text, *sorted(wanted)]), view.product_names()) if hits else frozenset()
        ordered = _group(hits, view, wanted, in_language, named, described, off)
        cited = _cited_codes(text, view) if codes else set()
        if cited:
            ordered = _citing_first(ordered, cited, view)
        if ordered and not cited:
            ordered = _with_linked(ordered, text, language, user, view, exclude, wanted, in_language, semantic)
        if not (in_language or semantic.worth or cited) and len(text or "") <= NAMED_ELSEWHERE_CHARS:
            # With the model, ``hybrid`` places them among its neighbours; codes cross languages
            # already; a longer text is a pasted log, found by its codes and words.
            ordered = _with_named_elsewhere(ordered, text, language, view, exclude, staff, wanted)
        # Articles close in meaning, in any language (a query none of whose words the language holds too).
        ordered = hybrid.with_semantic(ordered, text, language, user, view, wanted, in_language, semantic, read_also)
        start = (page - 1) * limit
        shown_in = in_language or language
        results = [view.result(group, shown_in, staff) for group in ordered[start:start + limit]]
        return SearchResults(text, language, len(ordered), results, codes, suggestion=suggestion,
                             more=read >= CANDIDATES), ordered

    found, ordered = backend.read(run)
    for group in ordered:
        for name in {facet_key(n) for n in group["products"]} if facet_key else group["products"]:
            found.products[name] = found.products.get(name, 0) + 1
        for code in group["languages"]:
            found.languages[code] = found.languages.get(code, 0) + 1
    return found


def _merged(hits, more):
    """Two searches' ``(docnum, score)`` hits as one, best first, each document once at its best."""
    best = {}
    for docnum, score in (*hits, *more):
        if score > best.get(docnum, float("-inf")):
            best[docnum] = score
    return sorted(best.items(), key=lambda hit: -hit[1])


def _group(hits, view, products, in_language=None, named=frozenset(), described=None, off=frozenset()):
    """Hits → one group per article, best first: its score is its best translation's, times
    ``PRODUCT_FACTOR`` for a translation of a product in ``named``, times
    ``OFF_NAVIGATION_FACTOR`` for an article in ``off``. ``products``: names of which
    an article must have one (empty: any); ``in_language``: only hits in that language count;
    ``described``: ``view.describe`` of the hits, when the caller has read it already."""
    groups, factors = {}, {}  # factors: by product set (each set is one object, shared by its documents)
    if described is None:
        described = view.describe([docnum for docnum, _ in hits])
    for (docnum, score), (article, lang, names) in zip(hits, described):
        if (products and products.isdisjoint(names)) or (in_language and lang != in_language):
            continue
        if named:
            factor = factors.get(id(names))
            if factor is None:
                factor = factors[id(names)] = 1.0 if named.isdisjoint(names) else PRODUCT_FACTOR
            score *= factor
        if off and article in off:
            score *= OFF_NAVIGATION_FACTOR
        group = groups.setdefault(article, {"article": article, "score": 0.0, "hits": [],
                                            "products": set(), "languages": set()})
        group["score"] = max(group["score"], score)
        group["hits"].append((lang, docnum))
        group["products"].update(names)
        group["languages"].add(lang)
    return sorted(groups.values(), key=lambda g: -g["score"])


def _cited_codes(text, view):
    """The keys of ``text``'s error codes that some document cites."""
    return {key for _, key in extract_error_codes(text or "", query=True) if view.cited(key)}


def _citing_first(ordered, keys, view):
    """``ordered`` with the groups holding a document that cites one of the codes ``keys``
    first, each part in its order."""
    citing = set()
    for key in keys:
        citing.update(view.citing(key))
    first, rest = [], []
    for group in ordered:
        (first if any(docnum in citing for _, docnum in group["hits"]) else rest).append(group)
    return first + rest if first and rest else ordered


def _with_named_elsewhere(ordered, text, language, view, exclude, staff, products):
    """``ordered`` with the articles ``hybrid.named_elsewhere`` finds (nor ``ordered`` holds), each
    a group of the translations naming it, placed after the groups holding a document the query
    names exactly in ``language`` (``view.exact``) and before the others (``hybrid.place_named``)."""
    present = {group["article"] for group in ordered}
    groups = [group for group in (hybrid.named_group(article, documents, products, None) for article, documents
                                  in hybrid.named_elsewhere(text, language, view, exclude, staff).items()
                                  if article not in present) if group is not None]
    if not groups:
        return ordered
    exact = view.exact(text, language, hybrid.EXACT_CANDIDATES, exclude)
    return hybrid.place_named(ordered, groups,
                              lambda group: any(docnum in exact for _, docnum in group["hits"]))


def _with_linked(ordered, text, language, user, view, exclude, products, in_language, semantic):
    """``ordered`` with the articles the first results link to by the text typed (``linked``)
    first, after a first result whose own title is that text, each shown in ``in_language``, else
    the reader's language, else English, else any, at the first result's score; named exactly for
    semantic fusion (``semantic.exact``), so no neighbour in meaning passes them."""
    numbers, first_titled = linked.linked_articles(text, ordered, user, view)
    if not numbers:
        return ordered
    by_article = {group["article"]: group for group in ordered}
    placed = []
    for number in numbers:
        group = by_article.get(number) or _group_of(number, language, view, exclude, products, in_language)
        if group is not None:
            placed.append(group)
    if not placed:
        return ordered
    head = ordered[:1] if first_titled and ordered[0] not in placed else []
    for group in placed:
        group["score"] = max(group["score"], ordered[0]["score"])
    semantic.exact = frozenset(semantic.exact) | {group["article"] for group in placed}
    return head + placed + [group for group in ordered if group not in placed and group not in head]


def _group_of(article, language, view, hidden, products, in_language):
    """A group of one translation of ``article`` the reader may see (``hybrid.translation_group``),
    in the first language of ``in_language``, ``language``, English and the others that has one."""
    for lang in [in_language] if in_language else dict.fromkeys([language, FALLBACK_LANGUAGE, *site_languages()]):
        docnum, _ = view.translation(article, lang)
        if docnum is not None and docnum not in hidden:
            return hybrid.translation_group(view, article, lang, hidden, products)
    return None


def articles_citing(code, language, user=None, limit=200):
    """Every article whose text cites ``code`` (any spelling), one result per article."""
    backend = get_backend()
    staff = bool(getattr(user, "is_staff", False))
    sync.catch_up_cheaply()

    def run(view):
        hits = view.top([Code(normalize_code(code))], 2000, exclude=() if staff else view.hidden())
        ordered = _group(hits, view, set())
        results = [view.result(group, language, staff) for group in ordered[:limit]]
        return SearchResults(code, language, len(ordered), results, [code])

    return backend.read(run)
