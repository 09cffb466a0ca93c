"""Presentation helpers: dates in the reader's locale (Babel) and language names."""
from babel.dates import format_date
from django import template
from django.utils import translation

from .. import languages

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
