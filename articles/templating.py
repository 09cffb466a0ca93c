"""Templates: the Jinja2 environment every page of ``templates/`` is rendered with, and its helpers
(dates and numbers in the reader's locale with Babel, language names, links, editor filters).

Jinja2 rather than Django's template language: it compiles each template to Python once, where
Django's walks a node tree at every render.
Django's own engine stays configured for the admin and DRF's pages.

Messages are Django's (``gettext``, ``ngettext``) through ``jinja2.ext.i18n``: ``{{ _("…") }}`` and
``{% trans x=… %}…{{ x }}…{% endtrans %}`` look up the same ``%(x)s`` msgids as Django's
``{% blocktranslate %}``.
"""
from functools import lru_cache
import re
from urllib.parse import urlencode

from babel.dates import format_date
from babel.numbers import format_decimal
from django.template import defaultfilters
from django.template.backends.jinja2 import Jinja2, Template
from django.template.backends.utils import csrf_input_lazy, csrf_token_lazy
from django.templatetags.static import static
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
import jinja2
from whoosh.support.charset import accent_map

from . import languages, links
from .editing import permissions
from .search.whoosh.analysis import word_terms
from .search.whoosh.query import MAX_QUERY_CHARS


def localdate(value, style="long"):
    """A date in the active language's conventions: 30 octobre 2023, 2023년 10월 30일."""
    if not value:
        return ""
    code = languages.normalize_language(translation.get_language()) or "en"
    return format_date(value, format=style, locale=languages.babel_locale(code))


def native_language(code):
    """``"ko"`` → ``"한국어"``."""
    return languages.native_name(code) if languages.normalize_language(code) else code


def bcp47(code):
    return languages.bcp47(code)


def highlight(text, query, language="en"):
    """``text`` escaped, with the words of the query search matched in it wrapped in <mark>: a word
    of the text is marked whole when ``language``'s analysis makes of it a term a word of the
    query (3+ letters) makes ("Exports" for "export", "configuración" for "configurar"), never for
    a word search drops ("the", "und"), nor for one that merely starts alike ("there" for "the",
    "impossible" for "possible"). A query word holding a digit or "_" is marked where a word of
    the text, or a part of an identifier after "_", starts with it ("program_id" in
    "aem_program_id"), and a CJK run wherever it occurs: those scripts have no spaces, and one
    the text writes with a space inside (アクセス レベル, typed アクセスレベル) is marked across
    it, as search finds it (``search.whoosh.analysis.bridged_pieces``). Nothing is marked inside
    the entity of an escaped character ("amp" in "&amp;", "x27" in "&#x27;")."""
    escaped = str(conditional_escape(text or ""))
    code = languages.normalize_language(language) or "en"
    marker = _marker((query or "")[:MAX_QUERY_CHARS], code)  # as search reads it: a URL can carry far more
    if marker is None:
        return mark_safe(escaped)
    pattern, terms = marker

    def mark(match):
        kind = match.lastgroup
        if kind == "entity" or (kind == "word" and not terms.intersection(word_terms(match.group(0).lower(), code))):
            return match.group(0)
        return f"<mark>{match.group(0)}</mark>"

    return mark_safe(pattern.sub(mark, escaped))


@lru_cache(maxsize=256)
def _marker(query, code):
    """``(pattern, terms)`` for a query in a language: the pattern finds entities, the literal
    words (identifiers and CJK runs, longest first) and the words of a text that start as one of
    the query's plain words (``word``: checked against ``terms``, their analysed terms). None
    when nothing can be marked. Remembered: a results page highlights twenty texts with one query."""
    words = sorted(set(re.findall(CJK_RUN + r"{2,}|\w{3,}", query)), key=len, reverse=True)[:20]
    literal = [w for w in words if re.fullmatch(CJK_RUN + "+", w) or re.search(r"[\d_]", w)]
    terms = frozenset(term for w in words if w not in literal for term in word_terms(w.lower(), code))
    if not literal and not terms:
        return None
    alternatives = [r"(?P<entity>&#?\w+;)"]
    if literal:
        alternatives.append("(?P<literal>(?i:" + "|".join(
            "[ \u3000]?".join(map(re.escape, w)) if re.fullmatch(CJK_RUN + "+", w) else WORD_START + re.escape(w)
            for w in literal) + "))")
    if terms:
        # Only a word starting as one of the query's words (folded as search folds them) may be
        # one of its terms: the others are passed over by the pattern, not looked up one by one.
        starts = sorted({_folded(w.lower())[:2] for w in words if w not in literal and word_terms(w.lower(), code)})
        alternatives.append(f"(?P<word>{NOT_AFTER_A_WORD}(?i:" + "|".join(
            "".join(_folding_class(c) for c in start) for start in starts) + f"){PLAIN_WORD}*)")
    # Case is ignored only where it matters: large classes compile slowly under IGNORECASE.
    return re.compile("|".join(alternatives)), terms


def _folded(word):
    return word.translate(accent_map)


@lru_cache(maxsize=None)
def _folding_class(char):
    """A character class of the lower-case letters of Latin-1 and Latin Extended-A that
    ``accent_map`` folds to ``char`` (``e`` → ``[eèéêëēĕėęě]``; the pattern ignores case there):
    those the seven languages write, in a class small enough to compile at each new query."""
    variants = [char] + [chr(code) for code, folded in accent_map.items()
                         if folded == char and code < 0x180 and chr(code).islower()]
    return "[" + "".join(re.escape(variant) for variant in variants) + "]"


CJK_RUN = "[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]"
# The letters and digits of the Latin script (Latin-1 and Latin Extended-A and B, not × nor ÷): the
# words the stemmed languages write. A class of every letter ([^\W_] less CJK) takes 2 ms to
# compile, each new query's pattern.
LATIN = "A-Za-z0-9\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
PLAIN_WORD = f"[{LATIN}]"
NOT_AFTER_A_WORD = f"(?<![{LATIN}])"  # "_", a CJK character or a mark may come before
WORD_START = r"(?<![^\W_])(?<!&)(?<!&#)"  # no letter or digit before, nor "&" or "&#" (an entity)


def _current_locale():
    return languages.babel_locale(languages.normalize_language(translation.get_language()) or "en")


def language_name(code):
    """``"en"`` in the reader's language: Englisch (de), 英語 (ja), anglais (fr) — Babel; a
    language written in a script named in the reader's own (简体中文), as ``native_name``."""
    if not languages.normalize_language(code):
        return code
    locale = _current_locale()
    shown = languages.babel_locale(code)
    if not shown.script:
        return locale.languages.get(shown.language, shown.language)
    if (shown.language, shown.script) == (locale.language, locale.script):
        return languages.native_name(code)  # 简体中文 to its readers, as the language menu names it
    return shown.get_display_name(locale)


def number(value):
    """A whole number in the reader's conventions: 1,217 (en), 1 217 (fr), 1.217 (de) — Babel."""
    if value in (None, ""):
        return ""
    return _formatted_number(value, _current_locale())


@lru_cache(maxsize=4096)
def _formatted_number(value, locale):
    return format_decimal(value, locale=locale)


def product_slug(name):
    """A stored product name → the slug of its product page (``"Campaign v8"`` → ``"campaign"``)."""
    from .listings import product_slug_of

    return product_slug_of(name)


@jinja2.pass_context
def query_with(context, **changes):
    """This page's query string with ``changes`` (None or "" removes a parameter); a changed
    filter or sort goes back to page 1: ``{{ query_with(page=3) }}`` → ``q=x&page=3``."""
    query = dict(context["request"].GET.lists())  # QueryDict.copy() deep-copies: a facet list made dozens
    if "page" not in changes:
        query.pop("page", None)
    for name, value in changes.items():
        if value in (None, ""):
            query.pop(name, None)
        else:
            query[name] = [value]
    return urlencode([(name, str(value)) for name, values in query.items() for value in values])


def reference(number):
    """What a list shows to name an article: its number (``KA-23014``), or for a documentation
    page imported without one, its readable address (``campaign/v8/send/preview``), not an id
    nobody can quote."""
    from .docnav import address_of

    return address_of(number) or number


def code_url(lang, code):
    """``url('articles:code', lang=…, code=…)`` without walking the URL patterns (``links``)."""
    return links.code_url(lang, code)


def link(view_name, **kwargs):
    """``url(view_name, …)`` for the fixed addresses of every page (``links.url``)."""
    return links.url(view_name, **kwargs)


def url(view_name, *args, **kwargs):
    """Django's ``{% url %}``: ``url('editor:article', lang=LANG, number=…)``."""
    return reverse(view_name, args=args or None, kwargs=kwargs or None)


def widthratio(value, whole, width):
    """Django's ``{% widthratio %}``: ``value`` as a share of ``whole`` scaled to ``width``, 0 when
    ``whole`` is 0 (a share of no votes)."""
    try:
        return round(float(value) / float(whole) * int(width))
    except (ValueError, TypeError, ZeroDivisionError):
        return 0


# -- editor pages: who may do what, and diffs as HTML (``<del>``/``<ins>``, escaped) -----------
def can_edit(user):
    return permissions.can_edit(user)


def can_publish(user):
    return permissions.can_publish(user)


def can_coach(user):
    return permissions.can_coach(user)


def status_label(value):
    """A lifecycle event's value in the interface language: ``"not_validated"`` → "not validated",
    ``"internal"`` → "internal"; other values (a language code) as they are."""
    from .models import Article

    for choices in (Article.Status, Article.Audience):
        if value in choices.values:
            return choices(value).label
    return value


def diff_side(ops, side):
    """One side of a side-by-side diff: ``"old"`` shows what was removed as ``<del>``, ``"new"``
    what was added as ``<ins>``; unchanged text is plain."""
    mark, hidden = ("del", "insert") if side == "old" else ("ins", "delete")
    parts = []
    for op in ops or []:
        text = escape(op[side])
        if op["op"] == "equal":
            parts.append(text)
        elif op["op"] != hidden and text:
            parts.append(f"<{mark}>{text}</{mark}>")
    return mark_safe("".join(parts))


def diff_inline(ops):
    """Both versions in one flow: removed text as ``<del>`` followed by added text as ``<ins>``."""
    parts = []
    for op in ops or []:
        if op["op"] == "equal":
            parts.append(escape(op["new"]))
            continue
        if op["old"]:
            parts.append(f"<del>{escape(op['old'])}</del>")
        if op["new"]:
            parts.append(f"<ins>{escape(op['new'])}</ins>")
    return mark_safe("".join(parts))


# -- keeping articles trustworthy (``articles.health``) ----------------------------------------
def article_care(article):
    """The editor bar's owner and review state of ``article`` (``health.reviews.bar``)."""
    from .health import reviews

    return reviews.bar(article)


def last_reviewed(article):
    """The day readers are told ``article`` was last reviewed, or None (``health.reviews``)."""
    from .health import reviews

    return reviews.last_reviewed(article)


# -- the Article Quality Index (``articles.quality``) ------------------------------------------
def article_quality(article, user):
    """The quality panel of an article's editor page (``quality.panels.article_panel``)."""
    from .quality import panels

    return panels.article_panel(article, user)


def unread_notifications(user):
    """How many of ``user``'s notifications are unread, for the editor menu (one indexed count)."""
    from .notifications import inbox

    return inbox.unread_count(user)


# -- the environment ---------------------------------------------------------------------------
FILTERS = {
    "localdate": localdate, "native_language": native_language, "bcp47": bcp47, "highlight": highlight,
    "language_name": language_name, "number": number, "product_slug": product_slug,
    "can_edit": can_edit, "can_publish": can_publish, "can_coach": can_coach, "status_label": status_label,
    "diff_side": diff_side, "diff_inline": diff_inline, "reference": reference,
    # Django's, where Jinja has none or one that means something else
    "date": defaultfilters.date, "time": defaultfilters.time, "truncatechars": defaultfilters.truncatechars,
    "linebreaksbr": defaultfilters.linebreaksbr,
}
GLOBALS = {
    "url": url, "link": link, "static": static, "article_url": links.article_url, "code_url": code_url,
    "query_with": query_with, "widthratio": widthratio, "article_care": article_care, "last_reviewed": last_reviewed,
    "article_quality": article_quality,
    "unread_notifications": unread_notifications,
}


def environment(**options):
    """The Jinja2 environment of ``settings.TEMPLATES``. A missing variable or attribute renders
    as nothing, as in Django's templates (``page.source.language`` when there is no source), in
    debug mode too (Django's backend would print it as ``{{ page.source.language }}``)."""
    options["undefined"] = jinja2.ChainableUndefined
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True,
                                  pgettext=translation.pgettext, npgettext=translation.npgettext)
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env


class Jinja2Backend(Jinja2):
    """Django's Jinja2 backend, whose templates also send ``template_rendered`` as Django's do, so
    a test client's ``response.context`` holds what the view passed (no receiver in production:
    the signal costs a truth test)."""

    def from_string(self, template_code):
        return SignallingTemplate(self.env.from_string(template_code), self)

    def get_template(self, template_name):
        return SignallingTemplate(super().get_template(template_name).template, self)


class SignallingTemplate(Template):
    def render(self, context=None, request=None):
        """As Django's backend renders, except that the view's context wins over the context
        processors' (as in Django's own templates), and ``template_rendered`` is sent."""
        context = dict(context or {})
        if template_rendered.has_listeners():
            template_rendered.send(sender=self, template=self, context=context)
        if request is not None:
            merged = {"request": request, "csrf_input": csrf_input_lazy(request), "csrf_token": csrf_token_lazy(request)}
            for processor in self.backend.template_context_processors:
                merged.update(processor(request))
            context = {**merged, **context}
        return super().render(context)
