"""What the article, home and listing pages show, built from the models (views stay thin).

``article_page(number, language, user)`` returns an ``ArticlePage`` or None when the reader may
see no translation of that article. The home page and the other listings live in ``listings.py``.
"""
from dataclasses import dataclass, field
from functools import cached_property
from html import unescape
from posixpath import basename
import re


from . import languages, links, prepared
from . import docnav
from .editing.queries import is_outdated
from .models import Article, Product, Translation, sees_unpublished
from .rendering import RENDERER_VERSION, render_markdown
from .rendering.inline import front_matter_badges
from .rendering.text import without_spaced_zero_widths


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
    product: object = None  # the ProductGroup of the breadcrumb, or None
    source: Translation | None = None  # set when this translation is outdated against it
    source_url: str = ""
    product_names: list = field(default_factory=list)  # the translation's products, A to Z
    nav: object = None  # docnav.DocNav of a documentation page that a TOC names, else None

    @property
    def is_doc_page(self):
        """A documentation page imported without an article number: it has no number to show."""
        return self.article.key_source != Article.KeySource.ARTICLE_NUMBER and bool(self.translation.doc_path)

    @cached_property
    def heading_html(self):
        """The heading a documentation page's body opens with (``# Create an activity``), as
        rendered: shown as the page's heading, as Experience League shows it (its front-matter
        title, often a reader's question, names the page in the browser and in search results;
        the body's copy is hidden by the style sheet). "" for any other page."""
        if not self.is_doc_page:
            return ""
        found = LEADING_H1_RE.match(self.html or "")
        if not found or "<h1" in found.group(1):  # a heading inside the heading: the title instead
            return ""
        heading = without_spaced_zero_widths(found.group(1)).strip()
        return heading if unescape(TAG_RE.sub("", heading)).strip() else ""

    @property
    def badges(self):
        """The badges the shown translation's front matter declares (``inline.front_matter_badges``)."""
        return front_matter_badges(self.translation.front_matter)

    @property
    def is_fallback(self):
        return self.translation.language != self.requested_language

    @property
    def languages(self):
        """The codes of the translations the reader may open."""
        return [link.code for link in self.links]


LEADING_H1_RE = re.compile(r"\s*<h1(?:\s[^>]*)?>(.*?)</h1>", re.S)
SIBLING_FIELDS = prepared.field_names(Translation, {"id", "article_id", "language", "assets", "published_revision",
                                                   "published_on", "updated_at", "source_revision"})
ARTICLE_FIELDS = prepared.field_names(Article)
TRANSLATION_FIELDS = prepared.field_names(Translation)


def article_page(number, language, user):
    # The siblings' few fields the page needs (language links, borrowed images, the outdated
    # notice); only the shown translation is read whole, never the bodies and front matter of
    # the others. The article comes with them when its number is spelt exactly; else it is
    # looked up whatever the case (``by_number``). Both queries go through ``prepared`` (their
    # SQL compiled once while KB_SEARCH_SPEEDUPS is on).
    found = prepared.rows(_siblings, (sees_unpublished(user),), [str(number)])
    if found:
        article = prepared.instances(Article, ARTICLE_FIELDS, [found[0][len(SIBLING_FIELDS):]])[0]
        translations = prepared.instances(Translation, SIBLING_FIELDS, [row[:len(SIBLING_FIELDS)] for row in found])
        for translation in translations:
            translation.article = article
    else:
        article = Article.objects.by_number(number)
        if article is None:
            return None
        translations = list(article.translations.visible_to(user).only(*SIBLING_FIELDS))
    chosen = languages.pick_by_language(translations, language)
    if chosen is None:
        return None
    whole = prepared.rows(_whole_translation, (), [chosen.pk], numeric=True)
    if not whole:
        return None  # deleted since the first query
    translation = prepared.instances(Translation, TRANSLATION_FIELDS, whole)[0]
    translation.article = article
    product_names = sorted(name for name, in prepared.rows(_product_names, (), [translation.pk], numeric=True))
    translations = [translation if t.pk == chosen.pk else t for t in translations]
    html, toc = current_html(translation, siblings=translations)
    html = docnav.resolve_links(html, language, user)
    order = {code: i for i, code in enumerate(languages.site_languages())}
    switcher = [
        LanguageLink(t.language, languages.native_name(t.language), links.article_url(t.language, article.number),
                     t.language == translation.language)
        for t in sorted(translations, key=lambda t: order.get(t.language, len(order)))
    ]
    from .listings import product_of
    page = ArticlePage(article, translation, html, toc, language, switcher,
                       product=product_of(translation, product_names), product_names=product_names,
                       nav=docnav.navigation(translation, language, user, article.number))
    source = next((t for t in translations if t.language == article.source_language), None)
    if source is not None and is_outdated(translation, source):
        page.source, page.source_url = source, links.article_url(source.language, article.number)
    return page


def _siblings(sees_all, numbers):
    translations = Translation.objects.all() if sees_all else Translation.objects.public()
    return (translations.filter(article__number__in=numbers)
            .values_list(*SIBLING_FIELDS, *(f"article__{name}" for name in ARTICLE_FIELDS)))


def _whole_translation(pks):
    return Translation.objects.filter(pk__in=pks).values_list(*TRANSLATION_FIELDS)


def _product_names(pks):
    return Product.objects.filter(translations__in=pks).values_list("name")


IMAGE_REF_RE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")


def image_resolver(translation, siblings=()):
    """``resolve_image(reference)`` for rendering ``translation``: its own copy of the image, else
    the copy of the same file name another translation of the article has (a Japanese file
    citing ``assets/shot.png`` when only the English folder holds it), else None. A source from
    the root (``/help/main/assets/icons/x.svg``, read from the repository's root) is borrowed only
    as another translation wrote it, the same reference whole."""
    by_name, by_reference = {}, {}
    for other in siblings:
        if other.pk != translation.pk:
            for reference, url in (other.assets or {}).items():
                if url:
                    by_name.setdefault(basename(reference), url)
                    by_reference.setdefault(reference, url)

    def borrowed_for(reference):
        return by_reference.get(reference) if reference.startswith("/") else by_name.get(basename(reference))

    def resolve(reference):
        return (translation.assets or {}).get(reference) or borrowed_for(reference)

    # The URLs of the images borrowed for this body: a cached page lacking one is re-rendered.
    resolve.borrowed = lambda: {url for url in (borrowed_for(ref) for ref in IMAGE_REF_RE.findall(translation.body)
                                                if not (translation.assets or {}).get(ref)) if url}
    return resolve


def current_html(translation, siblings=()):
    """The translation's HTML and table of contents; re-rendered and stored when the cache is
    stale, or when it shows a placeholder for an image another translation has (``image_resolver``)."""
    resolve = image_resolver(translation, siblings)
    stale = translation.renderer_version != RENDERER_VERSION or not translation.rendered_html
    borrowed = resolve.borrowed() if not stale and "image-missing" in translation.rendered_html else set()
    settled = (translation.pk, hash(translation.rendered_html), frozenset(borrowed))
    if stale or (settled not in _settled and any(url not in translation.rendered_html for url in borrowed)):
        rendered = render_markdown(translation.body, resolve_image=resolve, language=translation.language,
                                   doc_path=translation.doc_path)
        if not stale and rendered.html == translation.rendered_html:
            # The image named in the body is one the page does not show (in code, in a comment):
            # this HTML is final; it is not rendered again at each view.
            if len(_settled) >= MAX_SETTLED:
                _settled.clear()
            _settled.add(settled)
        else:
            translation.rendered_html = rendered.html
            translation.renderer_version = RENDERER_VERSION
            Translation.objects.filter(pk=translation.pk).update(
                rendered_html=rendered.html, renderer_version=RENDERER_VERSION)
    return translation.rendered_html, table_of_contents(translation.rendered_html)


# (translation id, hash of its HTML, the images it may borrow) rendered again for a borrowed image
# and found the same: another image to borrow is another key.
_settled = set()
MAX_SETTLED = 10000


# A heading's content is read up to the next heading tag, opening or closing, and never again:
# a lazy ".*?" rescanned the rest of the page from each of thousands of unclosed "<h2 …>".
HEADING_RE = re.compile(r'<h([2-3]) id="([^"<>]++)">([^<]*+(?:<(?!/?h[1-6][\s>])[^<]*+)*+)</h\1>')
TAG_RE = re.compile(r"<[^<>]++>")


def table_of_contents(html):
    """``[(level, id, text)]`` of the h2/h3 headings of rendered HTML."""
    return [(int(level), anchor, unescape(TAG_RE.sub("", text)).strip())
            for level, anchor, text in HEADING_RE.findall(html)]


