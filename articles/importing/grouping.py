"""Which article a translation belongs to.

``article_key(front_matter, path, warnings)`` returns ``(number, source)``, the first that
answers: ``article-number`` (``KA-23014``); then a KCS video page's number, ``KT-`` and its
``kt`` field, when its file is named so (``KT-11251.md`` with ``kt: 11251``: such a page has no
``article-number``, and that is its number in every language folder and the one people quote,
though it carries an ``exl-id`` too; a documentation page with a ``kt`` field is named by its
slug and keeps its ``exl-id``), read as an ``article-number``; then ``exl-id`` (shared by a
docs page's translations); then the file's stem (``about.fr-FR.md`` → ``about``). An
``exl-id`` listing several ids (``a1b2, c3d4``) gives its first, with a warning;
``exl_id(front_matter)`` is that first id.

``derived_number(number, doc_path)`` is the number of a second, different page that carries
the same ``exl-id`` (or file name) as one already imported: ``<number>-<8 hex digits of its
doc path>``, the same on every run. ``same_page(a, b)`` says whether two doc paths name one
page: equal, or one ends with the other (a repository imported once from its root and once
from its ``help/v8`` folder).
"""
import hashlib
from pathlib import PurePath
import re

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _, ngettext_lazy

from ..languages import normalize_language
from .errors import SourceError

NUMBER_MAX = 100  # the article number's column (``Article.number``)
NUMBER_RE = re.compile(r"^[\w][\w.\-]{0,99}$")
KT_RE = re.compile(r"[0-9]{1,9}")  # a video page's ``kt`` field
DERIVED_SUFFIX_LENGTH = 9  # "-" and 8 hex digits


def article_key(front_matter, path, warnings=None):
    video = video_number(front_matter, path)
    if video:
        return _checked(video, "kt"), "article-number"
    for field in ("article-number", "exl-id"):
        value = front_matter.get(field)
        if value in (None, ""):
            continue
        value = str(value).strip()
        if field == "exl-id" and "," in value:
            ids = _exl_ids(value)
            if not ids:
                continue
            if warnings is not None:
                warnings.append(format_lazy(
                    ngettext_lazy("field 'exl-id' lists {count} id; the first, {first}, is used",
                                  "field 'exl-id' lists {count} ids; the first, {first}, is used", len(ids)),
                    count=len(ids), first=ids[0]))
            value = ids[0]
        return _checked(value, field), field
    return _checked(_within_length(_stem(path)), _("file name")), "file-name"


def video_number(front_matter, path):
    """``KT-11251`` for ``KT-11251.md`` with ``kt: 11251`` and no ``article-number``, else None."""
    kt = str(front_matter.get("kt") or "").strip()
    if "article-number" in front_matter or not KT_RE.fullmatch(kt):
        return None
    number = f"KT-{kt}"
    return number if _stem(path).upper() == number else None


def exl_id(front_matter):
    """The page's ``exl-id``, its first when it lists several; "" without one."""
    ids = _exl_ids(str(front_matter.get("exl-id") or ""))
    return ids[0] if ids else ""


def _exl_ids(value):
    return [part.strip() for part in value.split(",") if part.strip()]


def derived_number(number, key):
    """``number``'s start and a digest of ``key`` (a page's doc path; a file name too long to be
    a number), within ``NUMBER_MAX`` characters."""
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:DERIVED_SUFFIX_LENGTH - 1]
    return f"{number[:NUMBER_MAX - DERIVED_SUFFIX_LENGTH]}-{digest}"


def same_page(a, b):
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return longer.endswith("/" + shorter)


def _stem(path):
    name = PurePath(path).name
    stem = name.rpartition(".")[0]
    head, dot, tail = stem.rpartition(".")
    if dot and normalize_language(tail):
        stem = head  # guide.fr-FR.md is the French "guide"
    return stem or name


def _within_length(stem):
    """A file name as an article number: itself when it fits the column (``NUMBER_MAX``), else
    its start and a digest of the whole (``known-issue-…-for-cve-2024-34102`` names a Commerce
    page of 108 characters), the same for every translation of the page."""
    return stem if len(stem) <= NUMBER_MAX else derived_number(stem, stem)


def _checked(number, field):
    if len(number) > NUMBER_MAX:
        raise SourceError(format_lazy(_("{number} cannot be an article number: longer than {limit} characters"),
                                      number=repr(number), limit=NUMBER_MAX), field=field)
    # Letters of any script (file names), but only ASCII digits: KA-١٢ would pass for KA-12.
    if not NUMBER_RE.match(number) or any(c.isdigit() and not c.isascii() for c in number):
        raise SourceError(format_lazy(_("{number} cannot be an article number (letters, digits, '-', '.', '_')"),
                                      number=repr(number)), field=field)
    return number
