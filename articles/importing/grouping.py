"""Which article a translation belongs to.

``article_key(front_matter, path)`` returns ``(number, source)``, the first that answers:
``article-number`` (``KA-23014``), then ``exl-id`` (shared by a docs page's translations),
then the file's stem (``KT-11251.md`` → ``KT-11251``; ``about.fr-FR.md`` → ``about``).
"""
from pathlib import PurePath
import re

from ..languages import normalize_language
from .errors import SourceError

NUMBER_RE = re.compile(r"^[\w][\w.\-]{0,99}$")


def article_key(front_matter, path):
    for field, source in (("article-number", "article-number"), ("exl-id", "exl-id")):
        value = front_matter.get(field)
        if value not in (None, ""):
            return _checked(str(value).strip(), field), source
    return _checked(_stem(path), "file name"), "file-name"


def _stem(path):
    name = PurePath(path).name
    stem, _, _ = name.rpartition(".")
    head, dot, tail = stem.rpartition(".")
    if dot and normalize_language(tail):
        stem = head  # guide.fr-FR.md is the French "guide"
    return stem or name


def _checked(number, field):
    if not NUMBER_RE.match(number):
        raise SourceError(f"{number!r} cannot be an article number (letters, digits, '-', '.', '_')",
                          field=field)
    return number
