"""Product names as readers know them: one product however its articles spell it.

Articles name products freely — "Campaign", "campaign", "Campaign  Classic", "Northwind Server 4.x",
"Campaign v7", "Analytics 2023.1". ``product_key`` maps every spelling of one product to one key
(case folded, spaces collapsed, a trailing version dropped); ``group_products`` turns
``{name: article numbers}`` into ``ProductGroup``s labelled with the most used spelling. Pure:
values in, values out; ``pages`` runs the queries.
"""
from collections import Counter
from dataclasses import dataclass, field
import re

from django.utils.text import slugify

SPACES_RE = re.compile(r"\s+")
# A version at the end of a name: "4.x", "v7", "V 7.2", "2023.1", "6.5 SP2", "11", "version 8".
VERSION_RE = re.compile(
    r"(?:[\s,/-]+(?:v(?:ersion)?\s*)?\d+(?:\.(?:\d+|x))*(?:\s*(?:sp|lts|fp)\s*\d*)?)+$", re.IGNORECASE)


def product_label(name):
    """The name without its version and extra spaces: ``"Northwind  Server 4.x"`` → ``"Northwind Server"``.
    A name that is only a version is kept as it is."""
    collapsed = SPACES_RE.sub(" ", name or "").strip()
    return VERSION_RE.sub("", collapsed).strip() or collapsed


def product_key(name):
    """The key every spelling of one product shares: ``"Campaign v7"`` → ``"campaign"``."""
    return product_label(name).casefold()


def product_slug(key):
    """The URL segment of a product key: ``"campaign classic"`` → ``"campaign-classic"``."""
    return slugify(key, allow_unicode=True) or "product"


@dataclass
class ProductGroup:
    key: str
    slug: str
    label: str  # the spelling most articles use, without version
    names: set = field(default_factory=set)  # every stored spelling
    count: int = 0  # articles


def group_products(articles_by_name):
    """``{stored name: set of article numbers}`` → ``[ProductGroup]``, most articles first, then by label.

    Each group's count is of distinct articles (an article tagged "Campaign" and "campaign" counts
    once). The slug is derived from the key alone, so a page can name a product's group without
    reading the others."""
    numbers, names, spellings = {}, {}, {}
    for name, articles in articles_by_name.items():
        key = product_key(name)
        if not key:
            continue
        numbers.setdefault(key, set()).update(articles)
        names.setdefault(key, set()).add(name)
        spellings.setdefault(key, Counter())[product_label(name)] += len(articles)
    groups = []
    for key in sorted(numbers, key=lambda k: (-len(numbers[k]), k)):
        label = max(spellings[key].items(), key=lambda item: (item[1], item[0] != item[0].lower(), item[0]))[0]
        groups.append(ProductGroup(key, product_slug(key), label, names[key], len(numbers[key])))
    return groups
