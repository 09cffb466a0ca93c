"""Documentation pages as a reader meets them: links between pages resolved in the reader's
language, and readable addresses (``/<lang>/docs/campaign/v8/send/preview/``).

    resolve_links(html, language, user) -> html whose ``/_doc/…`` links (``rendering.doclinks``)
                                           lead to the target page in ``language``, or are plain
                                           text when the reader cannot reach any such page
    doc_address(number, user)           -> the readable address of an article's pages, or None
                                           (articles with an ``article-number`` keep theirs)
    doc_url(language, address)          -> "/<language>/docs/<address>/"
"""
import html as html_lib
import re
from urllib.parse import unquote

from . import listings
from .links import url

LINK_RE = re.compile(r'<a class="doc-link" href="/_doc/([^"#]*)(#[^"]*)?"([^>]*)>(.*?)</a>', re.S)


def doc_url(language, address):
    base = url("articles:home", lang=language)
    return f"{base}docs/{address}/"


def resolve_links(rendered, language, user):
    if "/_doc/" not in rendered:
        return rendered
    index = listings.doc_index(user)

    def replace(match):
        target, fragment, rest, text = match.groups()
        number = index.find(unquote(html_lib.unescape(target)))
        if number is None:
            return f'<span class="doc-link-missing">{text}</span>'
        return f'<a class="doc-link" href="{target_url(index, number, language)}{fragment or ""}"{rest}>{text}</a>'

    return LINK_RE.sub(replace, rendered)


def target_url(index, number, language):
    from .links import article_url

    address = index.address_of(number)
    return doc_url(language, address) if address else article_url(language, number)


def doc_address(number, user):
    """The readable address of an article's pages, or None (articles with an
    ``article-number`` keep ``/<lang>/articles/<number>/``)."""
    return listings.doc_index(user).address_of(number)
