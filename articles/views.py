"""Pages for readers: thin — pick the language, ask ``pages`` for the content, render."""
from functools import wraps

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation

from . import languages, pages


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
    """``/`` → the home page in the language the browser prefers (Babel negotiation)."""
    code = languages.negotiate(request.headers.get("Accept-Language"))
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
