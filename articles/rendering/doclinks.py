"""Links between documentation pages: ``[Preview](../send/preview.md#proof)``.

At render time a link to a markdown file (relative, or site-absolute) becomes
``href="/_doc/<target doc path>#proof"`` with class ``doc-link``, the target worked out from the
linking page's doc path (``articles.docpaths``). The rendered HTML is cached, while which pages
exist, and in which languages, changes with every import: pages resolve these links when they
are shown (``articles.doclinks.resolve``), to the target's article in the reader's language, or
to plain text when the target is not in the knowledge base. ``/_doc/<path>`` itself answers
with a redirect to the page, so a link copied from a cached page still works.

Links written as HTML (``<a href="../send/preview.md#proof">``) follow the same rule
(``RawHtmlDocLinks``): the tag is written again as ``<a class="doc-link" href="/_doc/…">`` with
its other attributes but ``class`` and ``target``, the form ``articles.docnav`` resolves.
Links to other sites, mail addresses and anchors are left as written.
"""
from html import escape as html_escape, unescape as html_unescape
import re
from urllib.parse import quote

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from ..docpaths import link_target

PREFIX = "/_doc/"


class DocLinkTreeprocessor(Treeprocessor):
    def __init__(self, md):
        super().__init__(md)
        self.doc_path = ""

    def run(self, root):
        for link in root.iter("a"):
            found = link_target(self.doc_path, link.get("href", ""))
            if found is None:
                continue
            link.set("href", doc_href(found))
            link.set("class", " ".join(filter(None, [link.get("class"), "doc-link"])))
            link.attrib.pop("target", None)  # a page of this site opens in place


def doc_href(found):
    """The ``/_doc/…`` address of ``link_target``'s ``(target, fragment)``."""
    target, fragment = found
    return PREFIX + quote(target, safe="/") + fragment


class RawHtmlDocLinks(Postprocessor):
    """Rewrites the ``<a>`` tags of the raw HTML Python-Markdown stashed, before it is put back
    (``raw_html``, 30). Escaped HTML (code samples) holds no ``<a`` and is never touched."""

    TAG_RE = re.compile(r"<a(?=[\s>/])[^<>]*+>", re.IGNORECASE)
    ATTRIBUTE_RE = re.compile(r"""([^\s"'<>/=]++)(?:\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s"'<>`=]++)))?""")
    DROPPED = {"class", "href", "target"}

    def __init__(self, md, owner):
        super().__init__(md)
        self.owner = owner

    def run(self, text):
        stash = self.md.htmlStash
        stash.rawHtmlBlocks = [self.TAG_RE.sub(self._link, block) if isinstance(block, str) and "<a" in
                               block.lower() else block for block in stash.rawHtmlBlocks]
        return text

    def _link(self, match):
        tag = match.group(0)
        attributes = [(found.group(1).lower(), found.group(0),
                       next((value for value in found.groups()[1:] if value is not None), ""))
                      for found in self.ATTRIBUTE_RE.finditer(tag, 2, len(tag) - 1)]
        href = next((value for name, _, value in attributes if name == "href"), None)
        # Not twice: toc runs the postprocessors over its own HTML first, with the same stash.
        found = link_target(self.owner.doc_path, html_unescape(href)) if href and not href.startswith(PREFIX) else None
        if found is None:
            return tag
        rest = "".join(f" {text}" for name, text, _ in attributes if name not in self.DROPPED)
        return f'<a class="doc-link" href="{html_escape(doc_href(found))}"{rest}>'


class DocLinkExtension(Extension):
    def __init__(self, **kwargs):
        self.doc_path = ""
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        self.processor = DocLinkTreeprocessor(md)
        # After the inline patterns (20) made the links and attr_list (8) set their attributes.
        md.treeprocessors.register(self.processor, "doc_links", 7)
        md.postprocessors.register(RawHtmlDocLinks(md, self), "kb_raw_doc_links", 36)

    def configure(self, doc_path):
        self.doc_path = self.processor.doc_path = doc_path or ""


def makeExtension(**kwargs):
    return DocLinkExtension(**kwargs)
