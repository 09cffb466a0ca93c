"""The page a query names by the text other pages link to it with.

Documentation pages name each other in their links (``[PHP settings errors](php-settings-errors.md)``,
a hub's ``[Quality Patches Tool](../tools/qpt.md)``), and a reader types that name. The linking
pages hold the words in the order typed, so they come first, while the page named may hold them
nowhere in the reader's language: not translated yet (its only text is Korean), or titled
otherwise ("Quality Patches Tool: overview"). ``linked_articles(text, ordered, user, view)``
reads the first results' markdown for links whose text is the whole query and returns the
articles they point to (``docpaths.link_target``, ``listings.doc_index``: only pages the reader
may see), in the order of the results linking to them, and whether the first result is itself
titled so; ``service`` places them first (after that one).
"""
import re

from ..docpaths import link_target
from .. import prepared
from ..models import Translation, sees_unpublished
from ..rendering.text import inline_text
from .codes import extract_error_codes

LINKERS_READ = 5  # the first results whose links are read
MOST_LINKED = 3  # articles placed first for one query
MAX_NAME_CHARS = 200
MAX_NAME_WORDS = 12  # a link text longer than this is a sentence, not a name
# ``[text](target "title")``; the text may hold one level of brackets (``[[!UICONTROL Add]](add.md)``).
LINK_RE = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]{0,300}\]){1,300})\]\(\s*<?([^()\s<>]{1,1000})>?(?:\s+\"[^\"\n]{0,300}\")?\s*\)")
TRAILING_RE = re.compile(r"[\s.:;,!?]+$")


def name_of(text):
    """A link's text or a query as a name: its inline text, case and spacing folded, without
    closing punctuation; "" when it has none."""
    return TRAILING_RE.sub("", " ".join(inline_text(text or "").casefold().split()))


def linked_articles(text, ordered, user, view):
    """See the module docstring. ``ordered``: the search's groups, best first."""
    name = name_of(text)
    if (not name or len(name) > MAX_NAME_CHARS or len(name.split()) > MAX_NAME_WORDS
            or extract_error_codes(text, query=True)):
        return [], False
    first = ordered[:LINKERS_READ]
    wanted = {(group["article"], lang) for group in first for lang, _ in group["hits"]}
    if not wanted:
        return [], False
    pages, titled = [], False
    for pk, article, lang, title, doc_path in prepared.rows(_translations, (sees_unpublished(user),),
                                                            [article for article, _ in wanted]):
        if (article, lang) in wanted:
            titled = titled or (article == first[0]["article"] and name_of(title) == name)
            if doc_path:
                pages.append(pk)
    if not pages:
        return [], titled
    words = name.split()
    linking = {}
    for article, doc_path, body in prepared.rows(_bodies, (), pages, numeric=True):
        folded = body.casefold()
        if not all(word in folded for word in words):
            continue
        targets = [found[0] for label, href in LINK_RE.findall(body)
                   if words[-1] in label.casefold() and name_of(label) == name
                   for found in [link_target(doc_path, href)] if found]
        if targets:
            linking.setdefault(article, []).extend(targets)
    if not linking:
        return [], titled
    from ..listings import doc_index

    index = doc_index(user)
    found = []
    for group in first:
        for target in linking.get(group["article"], ()):
            number = index.find(target)
            if number and number not in found:
                found.append(number)
    return [number for number in found if number != first[0]["article"] or not titled][:MOST_LINKED], titled


# Compiled once (``articles.prepared``): the translations of the first results' articles, and the
# bodies of those that are documentation pages.
def _translations(sees_all, numbers):
    translations = Translation.objects if sees_all else Translation.objects.public()
    return translations.filter(article__number__in=numbers).values_list("pk", "article__number", "language", "title",
                                                                        "doc_path")


def _bodies(pks):
    return Translation.objects.filter(pk__in=pks).values_list("article__number", "doc_path", "body")
