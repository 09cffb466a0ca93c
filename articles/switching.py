"""The reader's language across pages: which one a language-less address opens, the same page in
another language (the header's switcher, ``hreflang`` alternates), and page numbers.

Order of the reader's language (``reader_language``): the language in the URL; else the choice
the switcher remembered (cookie ``settings.LANGUAGE_COOKIE_NAME``); else the browser's
``Accept-Language`` negotiated with Babel (``fr-CA`` → fr, ``zh-CN`` → zh-hans); else English.
"""
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import Resolver404, get_script_prefix, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import languages

MAX_PAGE = 1000
SWITCHABLE_NAMESPACES = ("articles", "editor")  # pages with a language that the switcher keeps
MAX_NUMBER_DIGITS = 18  # every such number is below 2**63: any database's integer lookup takes it


def reader_language(request):
    """The language a request without one in its own URL is answered in (see the module)."""
    prefix = request.path_info.strip("/").split("/", 1)[0]
    return (languages.normalize_language(prefix)
            or languages.normalize_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""))
            or languages.negotiate(request.headers.get("Accept-Language")))


def equivalent_url(url, code, request=None):
    """``url`` (a local path with its query) in language ``code``: ``/en/search?q=x`` →
    ``/fr/search?q=x``, ``/de/articles/KB-1/`` → ``/fr/articles/KB-1/``; the page number is
    dropped (another language has other pages). Anything else — another site, an address
    without a language — gives ``code``'s home page."""
    return equivalent_urls(url, [code], request)[code]


def equivalent_urls(url, codes, request=None):
    """``{code: equivalent_url(url, code)}`` for each of ``codes``, resolving ``url`` once (the
    header's switcher asks for every language on every page)."""
    switchable = _switchable(url, request)
    if switchable is None:
        return {code: reverse("articles:home", kwargs={"lang": code}) for code in codes}
    match, query = switchable
    return {code: f"{path}?{query}" if query else path for code, path in _paths(match, codes).items()}


def _paths(match, codes):
    """``{code: reverse(match.view_name, kwargs={**match.kwargs, "lang": code})}``. Every page
    with a language has it as its first segment (``urls.py``), so the others are the page's own
    address with that segment swapped: one ``reverse`` where the switcher of every page made
    seven (with the ``resolve`` it spares, a twentieth of the server's time under load)."""
    path = reverse(match.view_name, kwargs=match.kwargs)
    head = f"{get_script_prefix()}{match.kwargs['lang']}/"
    if not path.startswith(head):
        return {code: reverse(match.view_name, kwargs={**match.kwargs, "lang": code}) for code in codes}
    rest = path[len(head):]
    return {code: f"{get_script_prefix()}{code}/{rest}" for code in codes}


def _switchable(url, request):
    """``(match, query without the page number)`` for a local address of a page in a language;
    None for anything else. The request's own address is not resolved again."""
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts=None if request is None
                                                      else {request.get_host()}):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    own = getattr(request, "resolver_match", None)
    try:
        match = own if own is not None and parts.path == request.path else resolve(parts.path)
    except Resolver404:
        return None
    if "lang" not in match.kwargs or match.view_name.partition(":")[0] not in SWITCHABLE_NAMESPACES:
        return None
    from django.http import QueryDict

    query = QueryDict(parts.query, mutable=True)
    query.pop("page", None)
    return match, query.urlencode()


@dataclass
class LanguageOption:
    code: str
    name: str  # in itself: Deutsch, 日本語
    url: str  # the switcher's address: remembers the choice, then opens ``target``
    target: str  # this page in that language
    current: bool
    available: bool  # False when this article has no translation the reader may open in it


def language_options(request, current):
    """The switcher's and the alternates' languages for the page being answered. An article page
    sets ``request.kb_available_languages``; every other page exists in every language."""
    available = getattr(request, "kb_available_languages", None)
    here = request.get_full_path()
    codes = languages.site_languages()
    targets = equivalent_urls(here, codes, request)
    switch = reverse("articles:root")
    return [LanguageOption(code, languages.native_name(code), switch + "?" + urlencode({"lang": code, "next": here}),
                           targets[code], code == current, available is None or code in available)
            for code in codes]


def page_number(request):
    """``?page=`` as a whole number from 1 to ``MAX_PAGE``; 1 when absent or not a number."""
    try:
        return max(1, min(int(request.GET.get("page", "1")), MAX_PAGE))
    except ValueError:
        return 1


def whole_number(raw):
    """A query parameter's value as an int when it is 1 to ``MAX_NUMBER_DIGITS`` ASCII digits,
    else None (absent, empty, a sign, spaces, or digits ``int`` refuses such as ``²``)."""
    if raw and len(raw) <= MAX_NUMBER_DIGITS and raw.isascii() and raw.isdigit():
        return int(raw)
    return None


def pager_window(current, count, around=2):
    """The page numbers a pager shows, None for a gap: (5, 12) → [1, None, 3, 4, 5, 6, 7, None, 12]."""
    if count <= 1:
        return []
    shown = {1, count, *range(max(1, current - around), min(count, current + around) + 1)}
    window, previous = [], 0
    for n in sorted(shown):
        if n - previous > 1:
            window.append(None)
        window.append(n)
        previous = n
    return window
