"""Pages for readers: thin — pick the language, ask ``pages``/``listings`` for the content, render."""
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET

from . import docnav, languages, listings, pages
from .readercache import reader_page
from .switching import equivalent_url, page_number, pager_window, reader_language

RESULTS_PER_PAGE = 10
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


def with_language(view):
    """Map the URL's language to a served code: 404 when unknown, 301 to the canonical spelling
    (``/fr-FR/…`` → ``/fr/…``), and the interface in that language while the view runs."""

    @wraps(view)
    def wrapper(request, lang, **kwargs):
        code = languages.normalize_language(lang)
        if code is None:
            raise Http404(f"unknown language {lang!r}")
        if code != lang:
            return redirect(request.resolver_match.view_name, lang=code, permanent=True, **kwargs)
        with translation.override(code):
            request.LANGUAGE_CODE = code
            response = view(request, code, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        response.headers.setdefault("Content-Language", languages.bcp47(code))
        return response

    return wrapper


def root(request):
    """``/`` → the home page in the reader's language (``switching.reader_language``: the
    remembered choice, else the browser's). ``/?lang=ko&next=/fr/articles/KB-1/`` (the header's
    language switcher) remembers ``ko`` in a cookie and opens the same page in it."""
    chosen = languages.normalize_language(request.GET.get("lang") or "")
    if chosen is None:
        return redirect("articles:home", lang=reader_language(request))
    response = redirect(equivalent_url(request.GET.get("next") or "", chosen, request))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, max_age=LANGUAGE_COOKIE_AGE,
                        samesite="Lax", secure=request.is_secure())
    return response


@with_language
def home(request, lang):
    """Products and recent articles in ``lang``. Template ``articles/home.html``; context ``page``
    (``listings.HomePage``)."""
    return render(request, "articles/home.html", {"page": listings.home_page(lang, request.user)})


@with_language
def article_list(request, lang, product=None):
    """All articles, or one product's (``product`` is its slug), sorted by ``sort`` (date, title)
    and paged. Template ``articles/list.html``; context ``listing`` (``listings.Listing``), ``pager``."""
    found = listings.listing(lang, request.user, request.GET.get("sort", "date"),
                             page_number(request), product)
    if found is None:
        raise Http404(f"no product {product!r}")
    return render(request, "articles/list.html", {
        "listing": found, "pager": pager_window(found.page.number, found.page.paginator.num_pages)})


@with_language
def code_list(request, lang):
    """Every error code with its article count, filtered by ``q``. Template ``articles/codes.html``;
    context ``codes`` (a page of ``listings.CodeEntry``), ``query``, ``pager``."""
    query = request.GET.get("q", "").strip()[:100]
    from django.core.paginator import Paginator

    codes = Paginator(listings.code_directory(request.user, query), 100).get_page(page_number(request))
    return render(request, "articles/codes.html", {
        "codes": codes, "code_query": query, "pager": pager_window(codes.number, codes.paginator.num_pages)})


@with_language
def article_detail(request, lang, number):
    """One article in the reader's language, or the best other one with a notice.
    Template ``articles/article.html``; context ``page`` (``pages.ArticlePage``), ``related``
    (``search.related``), ``machine_notice`` (``translation_quality``). A documentation page
    imported without an article number answers at its readable address (``doc_page``)."""
    page = pages.article_page(number, lang, request.user)
    if page is None:
        raise Http404(f"no article {number!r}")
    address = docnav.doc_address(page.article.number, request.user)
    if address:
        return redirect(docnav.doc_url(lang, address), permanent=True)
    if page.article.number != number:
        return redirect("articles:article", lang=lang, number=page.article.number, permanent=True)
    return _article(request, lang, page)


def article_shown(number, **_):
    """The article ``article_detail`` shows, for ``readercache`` (its page is keyed by it)."""
    return number


def doc_page_shown(address, **_):
    """The article ``doc_page`` shows a reader, for ``readercache``; None when there is none."""
    return listings.doc_index(AnonymousUser()).find_slug(address)


@with_language
def doc_page(request, lang, address):
    """A documentation page at its readable address (``/<lang>/docs/campaign/v8/send/preview/``),
    as ``article_detail`` shows it."""
    number = listings.doc_index(request.user).find_slug(address)
    page = pages.article_page(number, lang, request.user) if number else None
    if page is None:
        raise Http404(f"no page {address[:200]!r}")
    return _article(request, lang, page)


def doc_link(request, path):
    """``/_doc/<doc path>``: a link between documentation pages that a page left unresolved
    (``rendering.doclinks``) leads to the page in the reader's language, or 404."""
    lang = reader_language(request)
    number = listings.doc_index(request.user).find(path)
    if number is None:
        raise Http404("no such page in the knowledge base")
    return redirect(docnav.target_url(listings.doc_index(request.user), number, lang))


def _article(request, lang, page):
    request.kb_available_languages = page.languages  # the switcher marks the others
    from .search.related import related_articles
    from .translation_quality import machine_notice

    return render(request, "articles/article.html", {
        "page": page, "related": related_articles(page.translation, lang, request.user),
        "machine_notice": machine_notice(page)})


def _page_search(request, lang):
    """The search a search page shows, from its parameters: ``(query, page, found, corrected,
    unavailable)``, ``found`` a ``SearchResults`` or None (no query, index unavailable); a query
    that finds nothing but has a correction gives the correction's results."""
    from .search import IndexUnavailable
    from .search.service import search

    query = request.GET.get("q", "").strip()[:2000]
    product = request.GET.get("product") or None
    page = page_number(request)
    options = {"limit": RESULTS_PER_PAGE, "page": page,
               "in_language": languages.normalize_language(request.GET.get("language") or ""),
               "products": listings.product_names(product) if product else None,
               "facet_key": listings.product_slug_of}
    found, corrected = None, None
    if query:
        try:
            found = search(query, lang, request.user, **options)
            if not found.total and found.suggestion and not request.GET.get("exact"):
                corrected = found.suggestion
                found = search(corrected, lang, request.user, **options)
        except IndexUnavailable:
            return query, page, None, None, True
    return query, page, found, corrected, False


def _log_served_search(request, note, lang):
    """A reader's search answered without rendering (a 304, a stored page: ``readercache``) is
    logged as the view logs it, with the number of results the page was rendered with
    (``note``), else searched again (not rendered) for it."""
    from .analytics.recorder import record_count

    code = languages.normalize_language(lang)
    query, page = request.GET.get("q", "").strip()[:2000], page_number(request)
    if code is None or not query or page != 1:
        return
    if note is None:
        with translation.override(code):
            found = _page_search(request, code)[2]
        note = {"results": found.total} if found is not None else None
    if note is not None:
        record_count(query, code, note["results"], page, "page")


@reader_page(served=_log_served_search)
@with_language
def search_page(request, lang):
    """Search results for ``q`` with product/language facets (``product`` is a product slug,
    ``language`` a language code) and pages (``_page_search``). The same for every reader of
    the same address and index, so a reader's page is cached and revalidated (``readercache``),
    each search logged all the same; a click on a result names the query (``click_query``), not
    a per-page id. Template ``articles/search.html``; context ``query``, ``found``
    (``SearchResults``), ``corrected``, ``page``, ``pager``, ``product``, ``language``,
    ``facets``, ``codes_found`` (the query's codes that a code page answers for), ``click_query``
    (the query when this page's search is logged)."""
    from .analytics.recorder import record_results

    query, page, found, corrected, unavailable = _page_search(request, lang)
    if found is not None:
        listings.add_passages(found.results, corrected or query)
    pages_count = (found.total - 1) // RESULTS_PER_PAGE + 1 if found and found.total else 0
    record_results(query, lang, found, page, "page")
    logged = bool(query) and found is not None and page == 1
    response = render(request, "articles/search.html", {
        "query": query, "found": found, "corrected": corrected, "page": page,
        "pager": pager_window(page, pages_count), "product": request.GET.get("product") or None,
        "language": languages.normalize_language(request.GET.get("language") or ""),
        "facets": listings.search_facets(found, request.user) if found else None,
        "codes_found": listings.known_codes(found.codes, request.user, lang) if found else [],
        "unavailable": unavailable, "click_query": query if logged else None,
    }, status=503 if unavailable else 200)
    response.reader_note = {"results": found.total} if logged else None
    if unavailable:
        response["Retry-After"] = "2"
    return response


@with_language
def code_page(request, lang, code):
    """Every article citing an error code. Template ``articles/code.html``; context ``code``,
    ``found``, ``completions`` (``listings.CodeEntry``: when no article the reader may see cites
    the code, the page is a 404 offering the codes that begin like it: ``XSV-350`` →
    ``XSV-350176``)."""
    from .search import IndexUnavailable
    from .search.service import articles_citing

    try:
        found = articles_citing(code, lang, request.user)
    except IndexUnavailable:
        response = render(request, "articles/search.html", {"query": code, "unavailable": True}, status=503)
        response["Retry-After"] = "2"
        return response
    completions = [] if found.total else listings.completions(code, request.user, 10)
    return render(request, "articles/code.html", {
        "code": listings.code_display(code, request.user), "found": found, "completions": completions},
        status=200 if found.total else 404)


@require_GET
def robots_txt(request):
    """Crawlers may read everything but the admin and the API; the sitemap index is named."""
    sitemap = request.build_absolute_uri("/sitemap.xml")
    body = f"User-agent: *\nDisallow: /admin/\nDisallow: /api/\nSitemap: {sitemap}\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")



def not_found(request, exception=None):
    """The 404 page in the reader's language (``switching.reader_language``): the URL's, the
    remembered or the browser's. Template ``404.html``."""
    with translation.override(reader_language(request)):
        response = render(request, "404.html", status=404)
    return response


def bad_request(request, exception=None):
    """Django's own 400 (a Host header outside ``ALLOWED_HOSTS``, a request it cannot read): the
    400 page with its general words in the reader's language, reading neither the database, the
    session nor the Host header. Template ``400.html``; context ``error_language_options``."""
    return _error_page(request, "400.html", 400)


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: a form posted without a valid token (it expired, or cookies are
    blocked) is the 403 page saying so in the reader's language, reading neither the database nor
    the session. Template ``403_csrf.html``; context ``error_language_options``."""
    return _error_page(request, "403_csrf.html", 403)


def _error_page(request, template, status):
    from .middleware import host_free_language_options

    code = reader_language(request)
    with translation.override(code):
        return render(request, template, {"error_language_options": host_free_language_options(request, code)},
                      status=status)
