"""Pages for readers: thin — pick the language, ask ``pages`` for the content, render."""
from functools import wraps

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation

from . import languages, pages

RESULTS_PER_PAGE = 10


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
    """``/`` → the home page in the language the browser prefers (Babel negotiation);
    ``/?lang=ko`` (the header's language menu) → that language's home page when it is served."""
    code = (languages.normalize_language(request.GET.get("lang") or "")
            or languages.negotiate(request.headers.get("Accept-Language")))
    return redirect("articles:home", lang=code)


@with_language
def home(request, lang):
    """Products and recent articles in ``lang``. Template ``articles/home.html``; context ``page``
    (``pages.HomePage``)."""
    return render(request, "articles/home.html", {"page": pages.home_page(lang, request.user)})


@with_language
def article_detail(request, lang, number):
    """One article in the reader's language, or the best other one with a notice.
    Template ``articles/article.html``; context ``page`` (``pages.ArticlePage``)."""
    page = pages.article_page(number, lang, request.user)
    if page is None:
        raise Http404(f"no article {number!r}")
    if page.article.number != number:
        return redirect("articles:article", lang=lang, number=page.article.number, permanent=True)
    return render(request, "articles/article.html", {"page": page})


@with_language
def search_page(request, lang):
    """Search results for ``q`` with product/language facets and pages.
    Template ``articles/search.html``; context ``query``, ``found`` (``SearchResults``), ``page``."""
    from .search.backend import IndexUnavailable
    from .search.service import search

    query = request.GET.get("q", "").strip()[:2000]
    product = request.GET.get("product") or None
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 1000))
    except ValueError:
        page = 1
    found, unavailable = None, False
    if query:
        try:
            found = search(query, lang, request.user, limit=RESULTS_PER_PAGE, page=page, product=product)
        except IndexUnavailable:
            unavailable = True
    pages = range(1, (found.total - 1) // RESULTS_PER_PAGE + 2) if found and found.total else range(0)
    response = render(request, "articles/search.html", {
        "query": query, "found": found, "page": page, "pages": pages, "product": product,
        "unavailable": unavailable,
    }, status=503 if unavailable else 200)
    if unavailable:
        response["Retry-After"] = "2"
    return response


@with_language
def code_page(request, lang, code):
    """Every article citing an error code. Template ``articles/code.html``; context ``code``, ``found``."""
    from .search.backend import IndexUnavailable
    from .search.service import articles_citing

    try:
        found = articles_citing(code, lang, request.user)
    except IndexUnavailable:
        response = render(request, "articles/search.html", {"query": code, "unavailable": True}, status=503)
        response["Retry-After"] = "2"
        return response
    return render(request, "articles/code.html", {"code": code, "found": found})

