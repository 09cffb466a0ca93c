"""Presentation helpers: dates in the reader's locale (Babel) and language names."""
from babel.dates import format_date
from django import template
from django.utils import translation

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
    import re

    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    escaped = conditional_escape(text or "")
    query = (query or "")[:MAX_QUERY_CHARS]  # as search reads it: a URL can carry far more
    words = sorted({w for w in re.findall(r"\w{3,}|[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]{2,}", query)},
                   key=len, reverse=True)[:20]
    if not words:
        return escaped
    pattern = re.compile("|".join(re.escape(str(conditional_escape(w))) for w in words), re.IGNORECASE)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", str(escaped)))


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
    from babel.numbers import format_decimal

    if value in (None, ""):
        return ""
    return format_decimal(value, locale=_current_locale())


@register.filter
def product_slug(name):
    """A stored product name → the slug of its product page (``"Campaign v8"`` → ``"campaign"``)."""
    from ..listings import product_slug_of

    return product_slug_of(name)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """This page's query string with ``changes`` (None or "" removes a parameter); a changed
    filter or sort goes back to page 1: ``{% query_with page=3 %}`` → ``q=x&page=3``."""
    query = context["request"].GET.copy()
    if "page" not in changes:
        query.pop("page", None)
    for name, value in changes.items():
        if value in (None, ""):
            query.pop(name, None)
        else:
            query[name] = value
    return query.urlencode()


@register.simple_tag
def article_url(lang, number):
    """``{% url 'articles:article' lang=… number=… %}`` without walking the URL patterns (``links``)."""
    return links.article_url(lang, number)


@register.simple_tag
def code_url(lang, code):
    """``{% url 'articles:code' lang=… code=… %}`` without walking the URL patterns (``links``)."""
    return links.code_url(lang, code)
