"""Presentation helpers: dates in the reader's locale (Babel) and language names."""
from functools import lru_cache
import re
from urllib.parse import urlencode

from babel.dates import format_date
from babel.numbers import format_decimal
from django import template
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .. import languages, links
from ..search.query import MAX_QUERY_CHARS

register = template.Library()


@register.filter
def localdate(value, style="long"):
    """A date in the active language's conventions: 30 octobre 2023, 2023년 10월 30일."""
    if not value:
        return ""
    code = languages.normalize_language(translation.get_language()) or "en"
    return format_date(value, format=style, locale=languages.babel_locale(code))


@register.filter
def native_language(code):
    """``"ko"`` → ``"한국어"``."""
    return languages.native_name(code) if languages.normalize_language(code) else code


@register.filter
def bcp47(code):
    return languages.bcp47(code)


@register.filter(needs_autoescape=True)
def highlight(text, query, autoescape=True):
    """``text`` escaped, with the query's words (3+ letters, or any CJK run) wrapped in <mark>."""
    escaped = conditional_escape(text or "")
    pattern = _highlighted_words((query or "")[:MAX_QUERY_CHARS])  # as search reads it: a URL can carry far more
    if pattern is None:
        return escaped
    return mark_safe(pattern.sub(_mark, str(escaped)))


def _mark(match):
    return f"<mark>{match.group(0)}</mark>"


@lru_cache(maxsize=256)
def _highlighted_words(query):
    """The pattern of the query's words, longest first (a results page highlights twenty texts
    with one query)."""
    words = sorted({w for w in re.findall(r"\w{3,}|[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]{2,}", query)},
                   key=len, reverse=True)[:20]
    if not words:
        return None
    return re.compile("|".join(re.escape(str(conditional_escape(w))) for w in words), re.IGNORECASE)


def _current_locale():
    return languages.babel_locale(languages.normalize_language(translation.get_language()) or "en")


@register.filter
def language_name(code):
    """``"en"`` in the reader's language: Englisch (de), 英語 (ja), anglais (fr) — Babel."""
    if not languages.normalize_language(code):
        return code
    locale = _current_locale()
    shown = languages.babel_locale(code)
    name = (f"{locale.languages.get(shown.language, shown.language)}"
            if not shown.script else shown.get_display_name(locale))
    return name


@register.filter
def number(value):
    """A whole number in the reader's conventions: 1,217 (en), 1 217 (fr), 1.217 (de) — Babel."""
    if value in (None, ""):
        return ""
    return _formatted_number(value, _current_locale())


@lru_cache(maxsize=4096)
def _formatted_number(value, locale):
    return format_decimal(value, locale=locale)


@register.filter
def product_slug(name):
    """A stored product name → the slug of its product page (``"Campaign v8"`` → ``"campaign"``)."""
    from ..listings import product_slug_of

    return product_slug_of(name)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """This page's query string with ``changes`` (None or "" removes a parameter); a changed
    filter or sort goes back to page 1: ``{% query_with page=3 %}`` → ``q=x&page=3``."""
    query = dict(context["request"].GET.lists())  # QueryDict.copy() deep-copies: a facet list made dozens
    if "page" not in changes:
        query.pop("page", None)
    for name, value in changes.items():
        if value in (None, ""):
            query.pop(name, None)
        else:
            query[name] = [value]
    return urlencode([(name, str(value)) for name, values in query.items() for value in values])


@register.simple_tag
def article_url(lang, number):
    """``{% url 'articles:article' lang=… number=… %}`` without walking the URL patterns (``links``)."""
    return links.article_url(lang, number)


@register.simple_tag
def code_url(lang, code):
    """``{% url 'articles:code' lang=… code=… %}`` without walking the URL patterns (``links``)."""
    return links.code_url(lang, code)


@register.simple_tag
def link(view_name, **kwargs):
    """``{% url view_name … %}`` for the fixed addresses of every page (``links.url``)."""
    return links.url(view_name, **kwargs)
