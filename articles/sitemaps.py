"""One sitemap per served language (``django.contrib.sitemaps``): its home, all-articles and
product pages, and each article that has a public translation in that language."""
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import languages, links, listings
from .models import Translation


class LanguageSitemap(Sitemap):
    """Items are ``(kind, value, lastmod)``; ``location`` builds the ``/<lang>/…`` address."""

    changefreq = "weekly"

    def __init__(self, language):
        self.language = language

    def items(self):
        fixed = [("home", None, None), ("list", None, None)]
        products = [("product", group.slug, None) for group in listings.product_groups(None)]
        articles = [("article", number, updated) for number, updated in Translation.objects.public()
                    .filter(language=self.language).values_list("article__number", "updated_at")
                    .order_by("article__number")]
        return fixed + products + articles

    def location(self, item):
        kind, value, _ = item
        if kind == "article":
            return links.article_url(self.language, value)  # a documentation page: its readable address
        if kind == "product":
            return reverse("articles:product", kwargs={"lang": self.language, "product": value})
        return reverse(f"articles:{kind}", kwargs={"lang": self.language})

    def lastmod(self, item):
        return item[2]


def sitemaps():
    return {languages.bcp47(code): LanguageSitemap(code) for code in languages.site_languages()}
