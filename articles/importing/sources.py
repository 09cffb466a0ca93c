"""Files → parsed translations, without touching the database.

``find_sources(paths)`` walks folders (sorted, hidden entries skipped) and yields
``(path, explicit, root)`` for ``.md``, ``.markdown`` and ``.txt`` files, ``root`` being the
folder imported (a named file's own folder); ``read_source(path, ...)`` turns one into a
``ParsedSource`` or raises ``SourceError``; a ``TOC.md`` (``is_toc``) is read by ``read_toc``
as its repository's navigation instead. Files are untrusted: a body is at most
``MAX_BODY_BYTES``, and neither the file (through a symbolic link) nor its images may come
from outside ``root``.
"""
from dataclasses import dataclass, replace
import hashlib
import os
from pathlib import Path
import stat
from urllib.parse import unquote

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .. import docpaths
from ..rendering import RENDERER_VERSION, render_markdown, split_sections
from ..rendering.images import LINKED_FILE_SUFFIXES
from ..rendering.text import inline_text
from ..search.codes import extract_error_codes
from . import anchors, snippets
from .errors import SourceError
from .fields import map_fields
from .frontmatter import has_front_matter, parse_document
from .grouping import article_key
from .toc import TOC_VERSION, parse_toc
from .language_rules import decide_language

SOURCE_SUFFIXES = {".md", ".markdown", ".txt"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"}
MAX_BODY_BYTES = 1024 * 1024  # the corpus's largest file is 420 KB
# An image or a file linked for download larger than this is not copied (the page says so in the
# import report): Experience League's largest are a few MB.
MAX_ASSET_BYTES = 50 * 1024 * 1024
MAX_FILE_BYTES = 2 * MAX_BODY_BYTES  # larger files are refused unread
TOC_NAME = "toc.md"


class NotAnArticle(Exception):
    """A file met in a folder walk that is not a page (``not_a_page``): skipped, not failed.
    ``args[0]`` is the reason (lazy text)."""


# What Experience League's translation pipeline writes into every file it translates, pages
# and repository files alike (``README.md``, ``license.md``): front matter holding only these
# is no more a page's than the English file's, which has none.
PIPELINE_FIELDS = frozenset({"source-git-commit", "workflow-type", "source-wordcount", "ht-degree"})


def not_a_page(path, root, front_matter):
    """Why a file met in a folder walk, with front matter ``front_matter`` (None: it has none;
    an empty block ``---``/``---`` is a page's),
    is not a page, or None when it is one: it is in a folder whose name begins with ``_``
    (``help/_includes/snippets.md``: text included into pages, ``snippets``); it has no front
    matter, or only the translation pipeline's (``PIPELINE_FIELDS``); or it is a
    documentation repository's ``metadata.md`` (the repository's settings, with ``git-repo``)."""
    try:  # the path as walked, as its doc path reads it (a link into ``_drafts`` is not in it)
        folders = Path(path).parent.relative_to(Path(root)).parts
    except ValueError:
        folders = ()
    if any(folder.startswith("_") for folder in folders):
        return _("text included into pages (a folder whose name begins with _), not a page")
    if front_matter is None or (front_matter and set(front_matter) <= PIPELINE_FIELDS):
        return _("does not begin with front matter")
    if Path(path).name.lower() == "metadata.md" and "git-repo" in front_matter:
        return _("a documentation repository's settings (metadata.md), not a page")
    return None


@dataclass
class ParsedSource:
    path: str
    root: str  # the imported folder: images are resolved only inside it
    content_hash: str
    number: str
    key_source: str
    language: str
    rule: str
    front_matter: dict
    body: str
    fields: object  # fields.TranslationFields
    doc_path: str = ""  # docpaths.doc_path: the page's path in its repository, the locale taken out


def find_sources(paths):
    """Yield ``(Path, explicit, root)``: files named on the command line are explicit."""
    for root in map(Path, paths):
        if root.is_file():
            yield root, True, root.parent
            continue
        if not root.is_dir():
            raise FileNotFoundError(f"{root}: no such file or folder")
        for folder, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if not name.startswith(".") and Path(name).suffix.lower() in SOURCE_SUFFIXES:
                    yield Path(folder) / name, False, root


def is_toc(path):
    """A ``TOC.md`` file: a documentation repository's navigation, not an article."""
    return Path(path).name.lower() == TOC_NAME


@dataclass
class ParsedToc:
    path: str
    doc_path: str
    language: str
    rule: str
    title: str
    nodes: list
    content_hash: str


def read_toc(path, *, explicit, root=None, forced_language=None, use_path_rule=True):
    """Read a ``TOC.md`` (``toc.parse_toc``); raises ``SourceError`` for a bad file."""
    root = Path(root) if root is not None else Path(path).parent
    raw, text = _read_text(path, explicit, root)
    document = parse_document(text)
    front = document.front_matter
    toc_path = docpaths.doc_path(path, root)
    nodes = parse_toc(document.body, toc_path)
    if not nodes:
        raise SourceError(_("a TOC.md whose list names no page"))
    title = next((str(front[name]) for name in ("breadcrumb-title", "user-guide-title", "title")
                  if isinstance(front.get(name), str) and front[name].strip()), "")
    decision = decide_language(path, front, f"{title}\n" + "\n".join(node["title"] for node in nodes),
                               forced=forced_language, use_path=use_path_rule)
    return ParsedToc(path=str(path), doc_path=toc_path, language=decision.code,
                     rule=decision.rule, title=inline_text(title)[:500], nodes=nodes,
                     content_hash=hashlib.sha256(f"toc {TOC_VERSION}\n".encode() + raw).hexdigest())


def _read_text(path, explicit, root):
    """``(bytes, text)`` of a source file, refused when it is a link out of ``root``, too large,
    binary or not UTF-8."""
    # A folder walk does not enter linked folders: only the file itself can be a link out.
    if not explicit and Path(path).is_symlink() and not _is_inside(Path(path), root):
        raise SourceError(_("a symbolic link to a file outside the imported folder"))
    # Opened without waiting: a FIFO named like a page would hold the import until someone wrote to it.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode):
            raise SourceError(_("not a regular file (a folder, a pipe, a device or a socket)"))
        handle = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with handle:
        size = found.st_size
        if size > MAX_FILE_BYTES:
            raise SourceError(format_lazy(_("file too large ({size} MB; the limit is {limit} MB)"),
                                          size=f"{size / 2**20:.1f}", limit=MAX_FILE_BYTES // 2**20))
        raw = handle.read()
    if b"\x00" in raw:  # PostgreSQL text cannot hold it either
        raise SourceError(_("binary file, not text (it holds a NUL byte)"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(format_lazy(_("not UTF-8 (invalid byte at offset {offset})"), offset=error.start)) from None
    return raw, text


# What is stored from a file besides its rendering (``RENDERER_VERSION``): one more whenever the
# same bytes give other columns (3: a documentation page's products from ``product_v2``). It is
# part of every content hash, so each file is imported again once; a page re-rendered when a
# reader opened it (``pages.current_html``) is not thereby taken as imported.
IMPORT_VERSION = 4


def content_hash(raw):
    """The hash a translation keeps of the bytes it was imported from (``IMPORT_VERSION`` with them)."""
    return hashlib.sha256(f"import {IMPORT_VERSION}\n".encode() + raw).hexdigest()


def plain_content_hash(path):
    """The content hash ``read_source`` gives a regular file of at most ``MAX_FILE_BYTES``; None
    for any other file, which is not read (opened without waiting: a FIFO or a device is never
    read from)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode) or found.st_size > MAX_FILE_BYTES:
            return None
        return content_hash(handle.read())


def read_source(path, *, explicit, root=None, forced_language=None, use_path_rule=True, detect=True):
    """Read and parse one file; raises ``SourceError`` (bad file) or ``NotAnArticle``, and
    ``language_rules.Undetected`` when only detection could name its language and ``detect``
    is false. ``root`` defaults to the file's folder."""
    root = Path(root) if root is not None else Path(path).parent
    raw, text = _read_text(path, explicit, root)
    return _parsed(path, root, raw, text, explicit=explicit, forced_language=forced_language,
                   use_path_rule=use_path_rule, detect=detect)


def _parsed(path, root, raw, text, *, explicit, forced_language, use_path_rule, detect):
    if not explicit and not has_front_matter(text):
        raise NotAnArticle(not_a_page(path, root, None))
    document = parse_document(text)
    skipped = None if explicit else not_a_page(path, root, document.front_matter)
    if skipped is not None:
        raise NotAnArticle(skipped)
    if not document.body.strip():
        raise SourceError(_("empty body: nothing after the front matter"))
    body = snippets.expand(document.body, path, root)
    if document.front_matter.get("exl-id") and not document.front_matter.get("article-number"):
        body = anchors.with_english_anchors(body, path, root)  # a translated documentation page
    if body is not document.body:  # a snippet or an English heading changed since is a change of the page
        document, raw = replace(document, body=body), raw + b"\0" + body.encode("utf-8", "surrogatepass")
    if len(document.body) > MAX_BODY_BYTES // 4 and len(document.body.encode()) > MAX_BODY_BYTES:
        raise SourceError(format_lazy(_("body too large (over {size} KB)"), size=MAX_BODY_BYTES // 1024))
    fields = map_fields(document.front_matter, document.body)
    number, key_source = article_key(document.front_matter, path, fields.warnings)
    decision = decide_language(
        path, document.front_matter, f"{fields.title}\n{fields.description}\n{document.body}",
        forced=forced_language, use_path=use_path_rule, detect=detect,
    )
    doc_path = docpaths.doc_path(path, root)
    # A documentation page names its product in ``product_v2`` (with its version folder).
    fields.products = docpaths.page_products(document.front_matter, doc_path, fields.products)
    return ParsedSource(
        path=str(path), root=str(root), content_hash=content_hash(raw), number=number,
        key_source=key_source, language=decision.code, rule=decision.rule,
        front_matter=document.front_matter, body=document.body, fields=fields, doc_path=doc_path,
    )


WARM_UP = """---
title: Warm-up with ERR-1001
keywords: [warm-up]
---
# Warm-up

## Symptoms {#symptoms}

A [!UICONTROL Save] [link](other.md), `code`, **bold** and an image ![x](missing.png).

>[!NOTE]
>
>A note.

```java
java.lang.IllegalStateException: ERR-1001
```
"""


def warm_up():
    """Parse and render a small page in memory, images left out: a fresh worker process pays
    its one-time costs here (locale data, compiled patterns, the Markdown instance) rather than
    within the first file's time budget."""
    parsed = _parsed(Path("warm-up/en/warm-up.md"), Path("warm-up"), WARM_UP.encode(), WARM_UP, explicit=True,
                     forced_language=None, use_path_rule=True, detect=False)
    render_source(parsed, store_image=lambda file_path: "")


@dataclass
class RenderedSource:
    html: str
    sections: dict
    assets: dict
    warnings: list
    error_codes: list
    renderer_version: int = RENDERER_VERSION


def _is_inside(path, root):
    """True when ``path``, symbolic links followed, is ``root`` or under it."""
    return path.resolve().is_relative_to(root.resolve())


def render_source(parsed, store_image):
    """Render a parsed source; ``store_image(file_path) -> url`` copies an existing image.
    An image outside ``parsed.root`` (``../../etc/x.png``, or a link leading out) is missing. A
    site-absolute one (``/help/assets/x.svg``) is read from the page's repository root: the
    nearest folder above the page where it names a file inside ``parsed.root``."""
    folder, root = Path(parsed.path).parent, Path(parsed.root)
    assets, too_large = {}, {}

    def resolve(reference):
        written = reference.split("#")[0].split("?")[0]
        if written.startswith("/"):
            return _from_a_root(reference, written.lstrip("/"))
        return _found(reference, folder, written)

    def _from_a_root(reference, written):
        if not written or Path(written).suffix.lower() not in LINKED_FILE_SUFFIXES:
            return None
        for base in (folder, *folder.parents):  # above the root too: "help/…" imported from help/
            url = _found(reference, base, written)
            if url:
                return url
        return None

    def _found(reference, base, written):
        for name in dict.fromkeys((written, unquote(written))):  # my%20shot.png is "my shot.png"
            try:
                candidate = (base / name).resolve()
                found = (candidate.suffix.lower() in LINKED_FILE_SUFFIXES and _is_inside(candidate, root)
                         and candidate.is_file())
                size = candidate.stat().st_size if found else 0
            except (OSError, ValueError):  # a NUL, a name too long, a file gone since
                continue
            if size > MAX_ASSET_BYTES:
                too_large[reference] = size
                return None
            if found:
                assets[reference] = store_image(candidate)
                return assets[reference]
        return None

    rendered = render_markdown(parsed.body, resolve_image=resolve, language=parsed.language, doc_path=parsed.doc_path)
    # Lazy text, pickled back from the render worker and shown in the reader's language.
    warnings = [format_lazy(_("image not found: {reference}"), reference=reference) for reference in rendered.missing
                if reference not in too_large]
    warnings += [format_lazy(_("file too large to copy ({size} MB, at most {limit} MB): {reference}"),
                             size=f"{size / 2 ** 20:.1f}", limit=MAX_ASSET_BYTES // 2 ** 20, reference=reference)
                 for reference, size in too_large.items()]
    fields = parsed.fields
    codes = extract_error_codes("\n".join([fields.title, fields.description, " ".join(fields.keywords), parsed.body]))
    return RenderedSource(html=rendered.html, sections=split_sections(parsed.body), assets=assets,
                          warnings=warnings, error_codes=[list(pair) for pair in codes])
