"""Markdown → safe HTML, in the Experience League dialect.

``render_markdown(text, resolve_image=None, language="en", doc_path="")`` returns a ``RenderedArticle``:

    html      sanitized HTML of the whole body
    toc       [(level, id, title), ...] of the headings, for the page's table of contents
    missing   image references that could not be resolved (shown as placeholders)

A body nesting lists deeper than ``MAX_NESTING`` levels raises ``MarkdownTooComplex`` before
anything is rendered (Python-Markdown's time grows with the square of the depth: a list
200 levels deep took 1.4 s, 400 levels 6 s before Python's recursion limit stopped it), as does
anything else nested deeper than that limit allows. Link texts and attribute lists are read within bounds
(``links.py``, ``attributes.py``); what stays slow in Python-Markdown itself (the stdlib HTML
parser, a paragraph with tens of thousands of inline spans) is bounded by the importer's
per-file time budget.

``make_markdown`` is the one place the Markdown instance is configured. Labels the renderer
writes (alert titles, placeholders) are in the article's language, not the reader's.
"""
from dataclasses import dataclass, field
import re
import threading
import unicodedata

import markdown
from django.utils import translation

from .alerts import AlertExtension
from .attributes import BoundedAttrListExtension
from .collapsible import CollapsibleExtension
from .comments import CommentLinesExtension
from .doclinks import DocLinkExtension
from .images import HeadingAttributeSpacing, ImageExtension
from .inline import InlineMarkerExtension
from .links import BoundedLinkExtension
from .lists import IndentedListExtension
from .sanitize import sanitize_html
from .tabs import TabsExtension
from .unclosed import UnclosedOpenersExtension
from .sections import split_sections  # noqa: F401 — part of the package's interface
from .text import plain_text  # noqa: F401 — part of the package's interface

# Bump when the output for the same source changes: cached HTML older than this is re-rendered.
RENDERER_VERSION = 13
# Levels of list nesting a body may have (a level is 2 columns of a list item's indentation, a
# tab 4): documentation nests a handful.
MAX_NESTING = 64
_LIST_ITEM_RE = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)


@dataclass
class RenderedArticle:
    html: str
    toc: list = field(default_factory=list)
    missing: list = field(default_factory=list)


def make_markdown(images=None, doc_links=None):
    """The Markdown instance for article bodies; ``images`` is the ``ImageExtension`` whose
    ``resolve_image`` and ``missing`` are set per conversion, ``doc_links`` the
    ``DocLinkExtension`` told the page's doc path."""
    return markdown.Markdown(
        extensions=[
            "attr_list", "pymdownx.highlight", "pymdownx.superfences", "tables", "md_in_html", IndentedListExtension(), "toc",
            AlertExtension(), TabsExtension(), InlineMarkerExtension(), CollapsibleExtension(),
            HeadingAttributeSpacing(), CommentLinesExtension(), UnclosedOpenersExtension(), images or ImageExtension(),
            BoundedLinkExtension(), BoundedAttrListExtension(), doc_links or DocLinkExtension(),
        ],
        # Code is shown as written, in every install: no Pygments classes. A fence opens on any
        # info string, as in CommonMark (```code block, ```shell script, ```json title=x): its
        # first word names the language, the rest is ignored.
        extension_configs={"toc": {"permalink": False, "slugify": heading_slug},
                           "pymdownx.highlight": {"use_pygments": False},
                           "pymdownx.superfences": {"relaxed_headers": True}},
        output_format="html",
    )


def heading_slug(value, separator="-"):
    """A heading's id as Experience League makes it (GitHub's way): ``Step 2 - Modify the map``
    → ``step-2---modify-the-map``, each space a separator, none folded into its neighbours, as
    authors' links write them; letters with accents are read as their ASCII base (``créer`` →
    ``creer``), as Python-Markdown's own does."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"\s", separator, value)


class MarkdownTooComplex(ValueError):
    """The body nests deeper than the renderer can follow."""


class _Renderer(threading.local):
    """One Markdown instance per thread, reset between documents (building one costs as much
    as rendering a short article)."""

    def __init__(self):
        self.fresh()

    def fresh(self):
        """A new instance: one that raised mid-document keeps parser state ``reset()`` does not clear."""
        self.images = ImageExtension()
        self.doc_links = DocLinkExtension()
        self.md = make_markdown(self.images, self.doc_links)


_renderer = _Renderer()


def _flatten(tokens):
    for token in tokens:
        yield token["level"], token["id"], token["name"]
        yield from _flatten(token["children"])


def _too_deep(text):
    """Whether lists nest deeper than ``MAX_NESTING`` (read in one pass, nothing rendered)."""
    widest = MAX_NESTING * 2
    return any(len(match.group(1).expandtabs(4)) > widest for match in _LIST_ITEM_RE.finditer(text)
               if len(match.group(1)) > MAX_NESTING // 2)


def render_markdown(text, resolve_image=None, language="en", doc_path=""):
    """Render an article body; see the module docstring for what comes back. ``doc_path`` is
    the page's path in its documentation repository (``articles.docpaths``), for its links."""
    if _too_deep(text):
        raise MarkdownTooComplex("markdown nested too deeply to render (quotes, lists or emphasis)")
    md, images = _renderer.md, _renderer.images
    missing = []
    images.configure(resolve_image, missing)
    _renderer.doc_links.configure(doc_path)
    try:
        with translation.override(language):
            html = md.reset().convert(text)
        toc = list(_flatten(md.toc_tokens))
    except RecursionError:
        _renderer.fresh()
        raise MarkdownTooComplex("markdown nested too deeply to render (quotes, lists or emphasis)") from None
    except BaseException:
        _renderer.fresh()
        raise
    finally:
        images.configure(None, [])
        md.reset()
    return RenderedArticle(html=sanitize_html(html), toc=toc, missing=missing)
