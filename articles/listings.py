"""Browsing: the queries behind the home page, product pages, all articles, the error-code
directory, search-as-you-type and search snippets (views stay thin; ``pages`` has the article).

Every listing has one row per article, in the reader's language when the reader may see that
translation, else English, else any (``languages.pick_by_language``); links always keep the
reader's language (the article page shows the fallback with a notice).
"""
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache
import itertools
import os
import re

from django.core.cache import cache
from django.core.paginator import Paginator

from . import languages
from .models import Article, Translation, sees_unpublished
from .products import ProductGroup, group_products, product_key, product_label, product_slug
from .rendering import plain_text
from .search.sync import journal
from .search.codes import extract_error_codes, normalize_code
from .search.whoosh.analysis import word_terms

PER_PAGE = 20
SORTS = ("date", "title")
OLDEST = datetime.min.replace(tzinfo=timezone.utc)


@dataclass
class ArticleRow:
    number: str
    title: str
    language: str  # of the translation shown
    published_on: datetime | None


def article_rows(language, user):
    """``{article number: ArticleRow}``: each article the reader may see, in its best language."""
    rank = {code: i for i, code in enumerate(languages.fallback_order(language))}
    best = {}
    rows = Translation.objects.visible_to(user).values_list("article__number", "language", "title", "published_on")
    for number, lang, title, published_on in rows.order_by():
        current = best.get(number)
        if current is None or rank.get(lang, len(rank)) < rank.get(current.language, len(rank)):
            best[number] = ArticleRow(number, title, lang, published_on)
    return best


def articles_by_product_name(user):
    """``{stored product name: {article numbers}}`` over the translations the reader may see."""
    through = Translation.products.through.objects.filter(translation__in=Translation.objects.visible_to(user))
    found = {}
    for number, name in through.values_list("translation__article__number", "product__name").order_by():
        found.setdefault(name, set()).add(number)
    return found


def product_groups(user):
    """Every product the reader has articles for, as ``ProductGroup``s, most articles first."""
    return _until_a_change("products", user, lambda: group_products(articles_by_product_name(user)))


REMEMBERED_SECONDS = 600


def _until_a_change(name, user, work_out, *key):
    """``work_out()``, remembered in the cache until an article changes. A listing reads every
    translation the reader may see, a cost that grows with the articles. Every change a
    listing shows (a title, a publication, a status or audience,
    products, a deletion, an import) writes an index journal row in its own transaction, so the
    journal's position says whether the remembered answer is still the one the database gives;
    readers who see unpublished articles have answers of their own.

    The position is stored with the answer, not in its key: a new answer replaces the one it
    supersedes, so a busy site keeps one copy of each list (a position in the key left every
    superseded copy, a megabyte each at 12x, in the cache until it expired)."""
    position, _ = journal.head()
    cache_key = ":".join(["kb-listing", name, "staff" if sees_unpublished(user) else "readers", *key])
    remembered = cache.get(cache_key)
    if remembered is not None and remembered[0] == position:
        return remembered[1]
    found = work_out()
    cache.set(cache_key, (position, found), REMEMBERED_SECONDS)
    return found


def doc_index(user):
    """``docpaths.DocIndex`` of the pages ``user`` may see, remembered until one of them changes."""
    from .docpaths import DocIndex

    return _until_rows_change("doc-index", user, lambda: Translation.objects.visible_to(user).exclude(doc_path=""),
                              ("doc_path", "article__number"), lambda rows, addresses: DocIndex(rows, addresses),
                              also=doc_addresses)


def doc_addresses(head=None):
    """``docpaths.assign_addresses`` of every page imported without an article number; ``head``:
    ``journal.head()`` when the caller has just read it."""
    from .docpaths import assign_addresses

    return _until_rows_change(
        "doc-addresses", None,
        lambda: Translation.objects.exclude(doc_path="").exclude(article__key_source=Article.KeySource.ARTICLE_NUMBER),
        ("doc_path", "article__number"), lambda rows, _: assign_addresses(rows), head=head)


# Journal entries past a remembered answer that are looked at one by one; more, and it is worked out again.
CHANGES_LOOKED_AT = 500


def _until_rows_change(name, user, rows, fields, work_out, also=lambda head: None, head=None):
    """``work_out([(field values), ...], also(head))`` of the rows of ``rows()`` (a queryset of
    translations), remembered until one of those rows changes or ``also(head)`` answers differently
    (what the answer depends on besides the rows): what ``_until_a_change`` remembers, but a change
    that leaves every row's ``fields`` as they were (a title saved, a page of another kind
    published) keeps the answer. The translations changed since the answer are the journal's
    entries past its position; each is read again (present in ``rows()`` or not) and compared
    with the values the answer was worked out from. A rebuild entry, a journal pruned past the
    answer or more than ``CHANGES_LOOKED_AT`` entries work it out again, as does a different
    answer for any changed row. For answers that read every translation and that every article
    page asks for (``doc_index``, ``doc_addresses``: a tenth of a second on the corpus), which a
    save of any article would otherwise throw away. ``also`` is called with ``head``, the
    journal's ``(position, pruned)`` this call read (or was given: read in the same request), so
    that it need not read it again."""
    head = head or journal.head()
    position, pruned = head
    cache_key = ":".join(["kb-rows", name, "staff" if sees_unpublished(user) else "readers"])
    stamp, held = cache.get(cache_key), _held.get(cache_key)
    if stamp is not None and held is not None and held[0] == stamp:
        _, at, used, state, found = held
        if at == position and also(head) is used:
            return found
        if at >= pruned and _rows_unchanged(rows, fields, state, at) and also(head) is used:
            _held[cache_key] = (stamp, position, used, state, found)
            return found
    used = also(head)
    state = {pk: tuple(values) for pk, *values in rows().values_list("pk", *fields).order_by().iterator(5000)}
    found = work_out(list(state.values()), used)
    stamp = f"{os.getpid()}:{next(_stamps)}"
    _held[cache_key] = (stamp, position, used, state, found)
    cache.set(cache_key, stamp, REMEMBERED_SECONDS)
    return found


# This process's answers of ``_until_rows_change``, read as they are (an answer through the cache
# is unpickled at every read: 1 ms for the doc index, twice per article page). The cache holds
# only their stamp, so its expiry and clearing work on them as on the rest.
_held = {}
_stamps = itertools.count()


def _rows_unchanged(rows, fields, state, position):
    entries = journal.entries_after(position, CHANGES_LOOKED_AT + 1)
    changed = {translation for _, translation in entries}
    if len(entries) > CHANGES_LOOKED_AT or None in changed:
        return False
    now = {pk: tuple(values) for pk, *values in rows().filter(pk__in=changed).values_list("pk", *fields).order_by()}
    return all(now.get(pk) == state.get(pk) for pk in changed)


def product_of(translation, names):
    """The product of an article's breadcrumb, as a ``ProductGroup`` (no count), or None: the first
    of the translation's product ``names`` its front matter names (``solution``, then ``product``,
    ``applies-to``), else the first by name."""
    names = set(names)
    if not names:
        return None
    front = translation.front_matter or {}
    named = [part.strip() for field in ("solution", "product", "applies-to")
             for part in str(front.get(field) or "").split(",")]
    name = next((n for n in named if n in names), None) or sorted(names)[0]
    key = product_key(name)
    return ProductGroup(key, product_slug(key), product_label(name), {name})


def sort_rows(rows, sort):
    """``"date"``: newest first (undated last); ``"title"``: A to Z, case folded."""
    if sort == "title":
        return sorted(rows, key=lambda r: (r.title.casefold(), r.number))
    return sorted(rows, key=lambda r: (r.published_on or OLDEST, r.number), reverse=True)


@dataclass
class Listing:
    page: object  # a django Page of ArticleRow
    sort: str
    total: int
    product: ProductGroup | None = None


def listing(language, user, sort="date", page=1, product_slug_=None):
    """All articles, or those of the product with that slug (None when there is no such
    product), sorted and cut into pages of ``PER_PAGE``. A page past the end is the last.

    The sorted rows are remembered until an article changes (``_until_a_change``): a page
    shows twenty rows, and sorting them reads every translation the reader may see."""
    sort = sort if sort in SORTS else "date"
    group = None
    if product_slug_ is not None:
        groups = [g for g in product_groups(user) if g.slug == product_slug_]
        if not groups:
            return None
        group = replace(groups[0])  # counted below for this reader: the remembered one stays as it is
    rows = _until_a_change("list", user, lambda: _sorted_rows(language, user, sort, product_slug_),
                           language, sort, product_slug_ or "")
    if group is not None:
        group.count = len(rows)
    paginator = Paginator(rows, PER_PAGE)
    return Listing(paginator.get_page(page), sort, paginator.count, group)


def _sorted_rows(language, user, sort, product_slug_=None):
    rows = article_rows(language, user)
    if product_slug_ is not None:
        numbers = set().union(*(articles for name, articles in articles_by_product_name(user).items()
                                if product_slug(product_key(name)) == product_slug_))
        rows = {n: r for n, r in rows.items() if n in numbers}
    return sort_rows(rows.values(), sort)


@dataclass
class HomePage:
    language: str
    products: list
    recent: list
    total: int


def home_page(language, user, recent_count=20):
    def work_out():
        rows = article_rows(language, user)
        in_language = [r for r in rows.values() if r.language == language]
        return HomePage(language, product_groups(user), sort_rows(in_language, "date")[:recent_count], len(rows))

    return _until_a_change("home", user, work_out, language, str(recent_count))


@dataclass
class CodeEntry:
    key: str
    display: str  # the canonical spelling: NWS-410233
    count: int  # articles citing it
    top: str = ""  # the number of the article that best explains it (``_all_codes``)


def code_directory(user, text=""):
    """Every error code the reader's articles cite, sorted by spelling; ``text`` keeps those
    whose spelling or key holds it (``nws 4102`` finds ``NWS-410233``). The whole directory is
    remembered until an article changes (the directory page and search-as-you-type, at every
    keystroke, read it)."""
    entries = _until_a_change("codes", user, lambda: _all_codes(user))
    wanted = (text or "").strip().casefold()
    wanted_key = normalize_code(wanted) if wanted else ""
    if wanted:
        entries = [e for e in entries if wanted in e.display.casefold() or wanted_key in e.key]
    return entries


def _all_codes(user):
    """The directory's entries. The article that best explains a code: the one whose title names
    the code, then the one citing the fewest codes (it is about this one), then the lowest number."""
    spellings, numbers, best = {}, {}, {}
    rows = Translation.objects.visible_to(user).values_list("article__number", "title", "error_codes").order_by()
    for number, title, codes in rows:
        folded = title.casefold()
        for display, key in codes or ():
            spellings.setdefault(key, Counter())[display] += 1
            numbers.setdefault(key, set()).add(number)
            rank = (display.casefold() not in folded, len(codes), number)
            if key not in best or rank < best[key]:
                best[key] = rank
    entries = [CodeEntry(key, spellings[key].most_common(1)[0][0], len(numbers[key]), best[key][2]) for key in numbers]
    return sorted(entries, key=lambda e: (e.display.casefold(), e.key))


SEPARATORS_RE = re.compile(r"[-_\s]+")


def completions(typed, user, limit):
    """The codes that begin like ``typed`` (3+ characters, any separator or case: ``xsv 35``,
    ``XSV-35``; digits alone also match a code's number), most cited first: ``[CodeEntry]``."""
    compact = SEPARATORS_RE.sub("", (typed or "").casefold())
    if len(compact) < 3:
        return []
    digits = compact.isdigit()
    found = [e for e in code_directory(user)
             if SEPARATORS_RE.sub("", e.key).startswith(compact) or e.display.casefold().startswith(typed.casefold())
             or (digits and re.sub(r"^[a-z]+", "", e.key).startswith(compact))]
    return sorted(found, key=lambda e: (-e.count, e.display.casefold()))[:limit]


def known_codes(codes, user, language):
    """Of the ``codes`` (spellings), those the reader's articles cite: the ones a code page
    answers for, asked of the index as the code page asks (``articles_citing``), not of the
    code directory, which reads every translation and is worked out again after every change
    (a search page after each save of a busy editor: 280 ms at the corpus's size, in every
    worker). An index that fails here answers no code."""
    from .search import IndexUnavailable
    from .search.service import articles_citing

    try:
        return [code for code in codes if articles_citing(code, language, user, limit=1).total]
    except IndexUnavailable:
        return []


def code_display(code, user):
    """The canonical spelling of a code as articles cite it (``nws410233`` → ``NWS-410233``);
    else as the extractor spells it; else the code as typed."""
    key = normalize_code(code)
    entry = next((e for e in code_directory(user) if e.key == key), None)
    if entry is not None:
        return entry.display
    extracted = [display for display, k in extract_error_codes(code, query=True) if k == key]
    return extracted[0] if extracted else code


WORD_RE = re.compile(r"\w{3,}|[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]{2,}")
CJK_RE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]")


def query_terms(query, language=None):
    """The pieces of a query to look for in a text, lower case: words of 3+ letters, and CJK runs
    as bigrams (``"導入エラー"`` → ``導入``, ``入エ`` …); with ``language``, not the words its
    search drops ("the", "und": the result's highlighting marks none of them either)."""
    terms = set()
    for word in WORD_RE.findall(query or ""):
        if CJK_RE.match(word):
            terms.update(word[i:i + 2] for i in range(len(word) - 1))
        elif language is None or word_terms(word.casefold(), language):
            terms.add(word.casefold())
    return terms


def matched_passage(text, query, width=None, lowered=None, language=None):
    """The window of ``text`` (about ``width`` characters: 220, or 110 for a CJK query, whose
    characters are wider and carry more) holding the most distinct query terms (``query_terms``
    in ``language``), cut at spaces, with "…" where it was cut; "" when no term occurs.
    ``lowered``: ``text.casefold()`` when the caller has it."""
    width = width or (110 if CJK_RE.search(query or "") else 220)
    lowered = text.casefold() if lowered is None else lowered
    positions = sorted((m.start(), term) for term in query_terms(query, language)
                       for m in re.finditer(re.escape(term), lowered))
    if not positions:
        return ""
    # Windows slide over the matches (a common word matching hundreds of times made counting each
    # window's terms anew quadratic): first the most distinct terms ``width`` characters hold,
    # then the shortest stretch holding that many, shown centred so all its matches are seen.
    most, inside, end = 0, Counter(), 0
    for start, term in positions:
        while end < len(positions) and positions[end][0] < start + width:
            inside[positions[end][1]] += 1
            end += 1
        most = max(most, len(inside))
        inside[term] -= 1
        if not inside[term]:
            del inside[term]
    best, span, inside, first = positions[0][0], len(text), Counter(), 0
    for position, term in positions:
        inside[term] += 1
        while len(inside) >= most:
            stretch = position + len(term) - positions[first][0]
            if stretch < span:
                best, span = positions[first][0], stretch
            dropped = positions[first][1]
            inside[dropped] -= 1
            if not inside[dropped]:
                del inside[dropped]
            first += 1
    begin = max(0, best - max(0, width - span) // 2)
    if begin:
        space = text.find(" ", begin, best)
        begin = space + 1 if space != -1 else begin
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", begin + width // 2, end)
        end = space if space != -1 else end
    return ("…" if begin else "") + text[begin:end].strip() + ("…" if end < len(text) else "")


LEADING_TITLE_RE = re.compile(r"\A\s*#\s[^\n]*\n")  # the body's "# Title": the result shows it already


def add_passages(results, query):
    """Replace each search ``Result``'s stored snippet by the passage of its body that matched."""
    if not results:
        return results
    wanted = {(r.article_number, r.language) for r in results}
    bodies = {}
    rows = Translation.objects.filter(article__number__in={n for n, _ in wanted},
                                      language__in={lang for _, lang in wanted}).values_list(
        "article__number", "language", "body")
    for number, lang, body in rows:
        if (number, lang) in wanted:
            bodies[(number, lang)] = body
    for result in results:
        text, lowered = _passage_source(bodies.get((result.article_number, result.language), ""))
        passage = matched_passage(text, query, lowered=lowered, language=result.language)
        if passage:
            result.snippet = passage
    return results


def _passage_source(body):
    """``(text, lowered)`` that ``add_passages`` looks for a query's terms in: the plain text
    of a body without its leading title, and its ``casefold()``."""
    if len(body) > PASSAGE_SOURCE_KEPT_CHARS:
        return _read_passage_source(body)
    return _kept_passage_source(body)


def _read_passage_source(body):
    text = plain_text(LEADING_TITLE_RE.sub("", body))
    return text, text.casefold()


# The bodies most often found are read once per worker (a search page takes 1-2 ms to read ten
# of them): remembered by their text, so a saved body is read afresh; a long body is not kept.
PASSAGE_SOURCE_KEPT_CHARS = 20_000
_kept_passage_source = lru_cache(maxsize=64)(_read_passage_source)


CODE_LIKE_RE = re.compile(r"\d|[-_.]")


def suggestions(text, language, user, limit=8):
    """Search-as-you-type: ``[{"kind": "code", "label", "code", "title", "count"} | {"kind":
    "article", "label", "number"}]`` — the codes that begin like ``text`` (``completions``: 3+
    characters, most cited first, each with the title of the article that best explains it; up
    to 5 when ``text`` has a digit or a separator, else 3), then titles holding ``text``, in the
    reader's language first. Empty under two characters."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    codes = completions(text, user, 5 if CODE_LIKE_RE.search(text) else 3)
    titles = _best_titles({e.top for e in codes}, language, user)
    found = [{"kind": "code", "label": e.display, "code": e.display, "title": titles.get(e.top, ""),
              "count": e.count} for e in codes]
    rows = Translation.objects.visible_to(user).filter(title__icontains=text).values_list(
        "article__number", "language", "title").order_by()
    best = _by_language(rows[:500], language)
    rank = {code: i for i, code in enumerate(languages.fallback_order(language))}
    ordered = sorted(best.items(), key=lambda item: (rank.get(item[1][0], 99), len(item[1][1]), item[0]))
    found += [{"kind": "article", "label": title, "number": number} for number, (lang, title) in ordered]
    return found[:limit]


def _by_language(rows, language):
    """``{number: (language, title)}`` of ``(number, language, title)`` rows: each article's
    title in the reader's language, else the next in ``languages.fallback_order``."""
    rank = {code: i for i, code in enumerate(languages.fallback_order(language))}
    best = {}
    for number, lang, title in rows:
        if number not in best or rank.get(lang, 99) < rank.get(best[number][0], 99):
            best[number] = (lang, title)
    return best


def _best_titles(numbers, language, user):
    """``{number: title}`` of these articles in the reader's best language."""
    if not numbers:
        return {}
    rows = Translation.objects.visible_to(user).filter(article__number__in=numbers).values_list(
        "article__number", "language", "title").order_by()
    return {number: title for number, (lang, title) in _by_language(rows, language).items()}


@lru_cache(maxsize=4096)
def product_slug_of(name):
    """The slug of the product a stored name belongs to (``"Campaign v8"`` → ``"campaign"``)."""
    return product_slug(product_key(name))


def product_names(slug):
    """Every stored spelling of the product with that slug (the search filter's names)."""
    from .models import Product

    return {name for name in Product.objects.values_list("name", flat=True) if product_slug_of(name) == slug}


@dataclass
class Facet:
    value: str  # the URL parameter's value: a product slug, a language code
    label: str
    count: int


def search_facets(found, user):
    """``{"products": [Facet], "languages": [Facet]}`` of a search, most articles first. The
    product labels are the spellings product pages use."""
    labels = {}
    if found.products:
        from .models import Product

        spellings = {}
        for name in Product.objects.values_list("name", flat=True):
            spellings.setdefault(product_slug_of(name), Counter())[product_label(name)] += 1
        labels = {slug: counter.most_common(1)[0][0] for slug, counter in spellings.items()}
    by_count = lambda facet: (-facet.count, facet.label.casefold())  # noqa: E731
    return {
        "products": sorted((Facet(slug, labels.get(slug, slug), n) for slug, n in found.products.items()), key=by_count),
        "languages": sorted((Facet(code, code, n) for code, n in found.languages.items()), key=by_count),
    }
