"""Addresses of many pages of one kind (articles, error codes) without a ``reverse()`` each.

A results page names dozens of articles and codes; Django's ``reverse`` walks the URL patterns
for every one of them (about 25 µs each, a sixth of a search page's rendering). ``page_url``
reverses a pattern once per language with a marker in place of its one free argument and fills
the marker in afterwards, quoting the value as ``reverse`` does. A value ``reverse`` would refuse
(empty, or holding a ``/``) still goes through ``reverse``, so it fails the same way.

``url(view_name, **kwargs)`` remembers the few fixed addresses every page shows (home, search,
lists in the page's language): a page header and footer made a dozen ``reverse()`` calls.
"""
from functools import lru_cache
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse

MARKER = "kbLinkValue0"
SAFE = "!$&'()*+,;=~:@"  # what reverse() leaves unquoted (RFC 3986 sub-delimiters and pchar), "/" aside


@lru_cache(maxsize=512)
def _around(view_name, argument, lang, prefix):
    before, _, after = reverse(view_name, kwargs={"lang": lang, argument: MARKER}).partition(MARKER)
    return before, after


def page_url(view_name, argument, lang, value):
    """``reverse(view_name, kwargs={"lang": lang, argument: value})``."""
    value = str(value)
    if not value or "/" in value or MARKER in value:
        return reverse(view_name, kwargs={"lang": lang, argument: value})
    before, after = _around(view_name, argument, lang, get_script_prefix())
    return f"{before}{quote(value, safe=SAFE)}{after}"


def article_url(lang, number):
    """``/<lang>/articles/<number>/``; a documentation page imported without an article number
    is at its readable address instead (``docnav.address_of``)."""
    from .docnav import address_of, doc_url

    address = address_of(number)
    if address:
        return doc_url(lang, address)
    return page_url("articles:article", "number", lang, number)


def code_url(lang, code):
    return page_url("articles:code", "code", lang, code)


def url(view_name, **kwargs):
    """``reverse(view_name, kwargs=kwargs)``, remembered per script prefix and URLconf: for
    addresses of few values (a view and a language), not one per article."""
    return _reversed(view_name, tuple(sorted(kwargs.items())), get_script_prefix(), get_urlconf())


@lru_cache(maxsize=1024)
def _reversed(view_name, items, prefix, urlconf):
    return reverse(view_name, kwargs=dict(items), urlconf=urlconf)
