"""Documentation paths: where a page lives in its repository, the same for every language.

A documentation repository holds each language in a folder of its own (``campaign.fr-FR/help/
v8/send/preview.md``), and pages link to each other by relative path (``../send/preview.md
#proof``). kb keeps, per translation, its **doc path**: the file's path under the imported
folder with the locale taken out of every segment (``campaign/help/v8/send/preview.md``), so
one page has one doc path in every language, and a link resolves to the page whatever the
language of the page it is read on.

    doc_path(file_path, root)        -> "campaign/help/v8/send/preview.md" ("" when outside root)
    link_target(doc_path, href)      -> (target doc path, "#anchor") for a link to a .md file,
                                        else None (external, in-page, not markdown)
    slug(doc_path)                   -> "campaign/v8/send/preview": the page's readable address
    assign_addresses(rows)           -> {number: address} for pages imported without an article
                                        number: each address belongs to one article
    doc_products(front_matter, doc_path, labels=None)
                                     -> ["Campaign v8"]: the products of a page that names none in
                                        ``solution``/``product``, from its ``product_v2`` labels
                                        (an entry without one takes ``labels[its id]``)
    page_products(front_matter, doc_path, named, labels=None)
                                     -> what a page is stored with: ``named`` (its ``solution``
                                        or ``product``), or ``doc_products`` when those name
                                        nothing else
    product_labels(front_matter)     -> {product_v2 id: label} a page gives; unlabelled_products(
                                        front_matter) -> whether an entry has an id and no label
    DocIndex(rows, addresses).find(target)
                                     -> the number of the article at ``target`` (exact, else the
                                        longest path-suffix match), or None

Targets are matched by suffix as well because two imports may name different folders (the
repository or its ``help/v8`` folder): ``help/v8/send/preview.md`` finds
``campaign/help/v8/send/preview.md`` when no other page ends the same way.
"""
from pathlib import PurePosixPath
import posixpath
import re
from urllib.parse import unquote, urlsplit

from . import languages

DOC_VERSION_RE = re.compile(r"(?:^|/)help/(v\d+(?:\.\d+)*)/")
LIST_SEPARATORS_RE = re.compile(r"[,;、，；]")  # importing.fields.LIST_SPLIT_RE

DOC_SUFFIXES = (".md", ".markdown")
SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
NOISE_SEGMENTS = {"help"}  # Experience League keeps every page under help/: not worth a URL segment
MAX_PATH = 500


def _neutral(segment):
    """A path segment with its locale taken out: ``campaign.fr-FR`` → ``campaign``,
    ``fr-FR`` → "", ``preview.ja.md`` → ``preview.md``."""
    if languages.normalize_language(segment):
        return ""
    parts = segment.split(".")
    kept = [part for i, part in enumerate(parts) if i == 0 or not languages.normalize_language(part)]
    return ".".join(kept)


def doc_path(file_path, root):
    try:
        relative = PurePosixPath(*PurePosixPath(str(file_path).replace("\\", "/")).parts).relative_to(
            PurePosixPath(str(root).replace("\\", "/")))
    except ValueError:
        return ""
    segments = [s for s in (_neutral(part) for part in relative.parts) if s]
    return "/".join(segments)[:MAX_PATH]


def link_target(current, href):
    """``(target doc path, fragment)`` when ``href`` points at a markdown file by a relative or
    site-absolute path; None otherwise. ``current`` is the linking page's doc path ("" when it
    has none: the link is then read from the top)."""
    if not href or href.startswith(("#", "//")) or SCHEME_RE.match(href):
        return None
    parts = urlsplit(href)
    path = unquote(parts.path)
    if not path.lower().endswith(DOC_SUFFIXES):
        return None
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if path.startswith("/"):
        target = posixpath.normpath(path.lstrip("/"))
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(current), path))
    segments = [s for s in (_neutral(part) for part in target.split("/")) if s and s != "."]
    while segments and segments[0] == "..":  # above the imported folder: matched by suffix
        segments.pop(0)
    if not segments:
        return None
    return "/".join(segments)[:MAX_PATH], fragment


def slug(path):
    """The readable address of a page: its doc path without the file suffix and ``help``."""
    stem = path.rsplit(".", 1)[0] if path.lower().endswith(DOC_SUFFIXES) else path
    return "/".join(s for s in stem.split("/") if s and s not in NOISE_SEGMENTS)


def assign_addresses(rows):
    """``{number: address}`` from ``[(doc path, number)]`` of the pages imported without an
    article number: an article is addressed by the slug of its first doc path; a slug already
    given to another article (one page imported twice under different numbers) is not given
    again, and that article keeps its number's address."""
    first = {}
    for path, number in rows:
        if path and (number not in first or path < first[number]):
            first[number] = path
    addresses, taken = {}, set()
    for number, path in sorted(first.items(), key=lambda item: (item[1], item[0])):
        address = slug(path)
        if address and address not in taken:
            taken.add(address)
            addresses[number] = address
    return addresses


class DocIndex:
    """Doc paths of the pages a reader may reach: ``rows`` is ``[(doc path, number)]``;
    ``addresses`` is ``assign_addresses`` of every page (readers may not see them all)."""

    def __init__(self, rows, addresses=None):
        self.exact, self.by_name = {}, {}
        addresses = addresses or {}
        numbers = set()
        for path, number in sorted(rows):
            if not path:
                continue
            numbers.add(number)
            if path not in self.exact:
                self.exact[path] = number
                self.by_name.setdefault(path.rsplit("/", 1)[-1], []).append((path, number))
        self.addresses = {number: address for number, address in addresses.items() if number in numbers}
        self.by_slug = {address: number for number, address in self.addresses.items()}

    def find(self, target):
        number = self.exact.get(target)
        if number is not None:
            return number
        best, best_length, tied = None, 0, False
        for path, candidate in self.by_name.get(target.rsplit("/", 1)[-1], ()):
            length = _common_suffix(path.split("/"), target.split("/"))
            if length > best_length:
                best, best_length, tied = candidate, length, False
            elif length == best_length and candidate != best:
                tied = True
        return None if tied else best

    def find_slug(self, address):
        return self.by_slug.get(address.strip("/"))

    def address_of(self, number):
        """The readable address of an article's pages, when they are addressed by path."""
        return self.addresses.get(number)


def _common_suffix(a, b):
    length = 0
    for x, y in zip(reversed(a), reversed(b)):
        if x != y:
            break
        length += 1
    return length


def doc_products(front_matter, doc_path, labels=None):
    """The ``internal-label`` of each entry of a page's ``product_v2`` front matter (how
    Experience League pages name their product, most without ``solution``), with the version
    folder its doc path names after ``help/`` (``campaign/help/v8/send/x.md`` and ``Campaign`` →
    ``Campaign v8``), so that a reader can tell it from a sibling product's page; each once. An
    entry with an id and no label (a translated page lists only the ids) takes ``labels[id]``
    when ``labels`` (``product_labels`` of the page it translates) gives one."""
    labels = labels or {}
    names = []
    for entry in _product_entries(front_matter):
        label = entry.get("internal-label")
        if not isinstance(label, str) or not label.strip():
            label = labels.get(_entry_id(entry))
        if isinstance(label, str):
            names.append(label)
    found = DOC_VERSION_RE.search(doc_path or "")
    version = f" {found.group(1)}" if found else ""
    # One name each, as ``fields.products_of`` would read it back from an exported ``solution``:
    # no list separator inside, each once whatever its case.
    found_names = {}
    for name in (" ".join(LIST_SEPARATORS_RE.sub(" ", label).split()) for label in names):
        if name:
            found_names.setdefault(f"{name}{version}"[:200].casefold(), f"{name}{version}"[:200])
    return list(found_names.values())


def page_products(front_matter, doc_path, named, labels=None):
    """The products a documentation page is stored with: ``named`` (what its ``solution`` or
    ``product`` says), unless its ``product_v2`` names them too (``product: campaign`` beside
    the label ``Campaign``) or they are none: then ``doc_products`` (``Campaign v8``, as its
    siblings without ``product`` are stored)."""
    found = doc_products(front_matter, doc_path, labels)
    if not found:
        return list(named)
    own, labels = product_labels(front_matter), labels or {}
    given = {str(own.get(key) or labels.get(key) or "").casefold()
             for key in (_entry_id(entry) for entry in _product_entries(front_matter)) if key}
    return found if all(name.casefold() in given for name in named) else list(named)


def product_labels(front_matter):
    """``{id: internal-label}`` of the ``product_v2`` entries of a page that gives both."""
    return {_entry_id(entry): entry["internal-label"] for entry in _product_entries(front_matter)
            if _entry_id(entry) and isinstance(entry.get("internal-label"), str) and entry["internal-label"].strip()}


def unlabelled_products(front_matter):
    """Whether a ``product_v2`` entry of the page has an id and no label."""
    return any(_entry_id(entry) and not (isinstance(entry.get("internal-label"), str)
                                         and entry["internal-label"].strip())
               for entry in _product_entries(front_matter))


def _product_entries(front_matter):
    entries = (front_matter or {}).get("product_v2")
    return [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []


def _entry_id(entry):
    value = entry.get("id")
    return str(value).strip() if isinstance(value, (str, int)) and str(value).strip() else None
