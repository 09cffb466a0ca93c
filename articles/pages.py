"""What the article and home pages show, built from the models (views stay thin).

``article_page(number, language, user)`` returns an ``ArticlePage`` or None when the reader may
see no translation of that article; ``home_page(language, user)`` returns products and recent
articles for a language.
"""
from dataclasses import dataclass, field
from html import unescape
import re

from django.db.models import Count, Q
from django.urls import reverse

from . import languages
from .models import Article, Product, Translation
from .rendering import RENDERER_VERSION, render_markdown


@dataclass
class LanguageLink:
    code: str
    name: str  # native name: Français, 한국어
    url: str
    current: bool


@dataclass
class ArticlePage:
    article: Article
    translation: Translation
    html: str
    toc: list
    requested_language: str
    links: list = field(default_factory=list)

    @property
    def is_fallback(self):
        return self.translation.language != self.requested_language


def article_url(number, language):
    return reverse("articles:article", kwargs={"lang": language, "number": number})


def article_page(number, language, user):
    article = Article.objects.filter(number__iexact=number).first()
    if article is None:
        return None
    translations = list(article.translations.visible_to(user).prefetch_related("products"))
    translation = languages.pick_by_language(translations, language)
    if translation is None:
        return None
    html, toc = current_html(translation)
    order = {code: i for i, code in enumerate(languages.site_languages())}
    links = [
        LanguageLink(t.language, languages.native_name(t.language), article_url(article.number, t.language),
                     t.language == translation.language)
        for t in sorted(translations, key=lambda t: order.get(t.language, len(order)))
    ]
    return ArticlePage(article, translation, html, toc, language, links)


def current_html(translation):
    """The translation's HTML and table of contents; re-rendered and stored when the cache is stale."""
    if translation.renderer_version != RENDERER_VERSION or not translation.rendered_html:
        rendered = render_markdown(translation.body, resolve_image=translation.assets.get,
                                   language=translation.language)
        translation.rendered_html = rendered.html
        translation.renderer_version = RENDERER_VERSION
        Translation.objects.filter(pk=translation.pk).update(
            rendered_html=rendered.html, renderer_version=RENDERER_VERSION)
    return translation.rendered_html, table_of_contents(translation.rendered_html)


# A heading's content is read up to the next heading tag, opening or closing, and never again:
# a lazy ".*?" rescanned the rest of the page from each of thousands of unclosed "<h2 …>".
HEADING_RE = re.compile(r'<h([2-3]) id="([^"<>]++)">([^<]*+(?:<(?!/?h[1-6][\s>])[^<]*+)*+)</h\1>')
TAG_RE = re.compile(r"<[^<>]++>")


def table_of_contents(html):
    """``[(level, id, text)]`` of the h2/h3 headings of rendered HTML."""
    return [(int(level), anchor, unescape(TAG_RE.sub("", text)).strip())
            for level, anchor, text in HEADING_RE.findall(html)]


@dataclass
class HomePage:
    language: str
    products: list
    recent: list


def home_page(language, user, recent_count=20):
    visible = Translation.objects.visible_to(user).filter(language=language)
    products = (
        Product.objects.filter(translations__in=visible)
        .annotate(articles=Count("translations", filter=Q(translations__in=visible), distinct=True))
        .order_by("-articles", "name")
    )
    recent = visible.select_related("article").recent()[:recent_count]
    return HomePage(language, list(products), list(recent))
