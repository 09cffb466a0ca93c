"""Links between documentation pages: ``[Preview](../send/preview.md#proof)``.

At render time a link to a markdown file (relative, or site-absolute) becomes
``href="/_doc/<target doc path>#proof"`` with class ``doc-link``, the target worked out from the
linking page's doc path (``articles.docpaths``). The rendered HTML is cached, while which pages
exist, and in which languages, changes with every import: pages resolve these links when they
are shown (``articles.doclinks.resolve``), to the target's article in the reader's language, or
to plain text when the target is not in the knowledge base. ``/_doc/<path>`` itself answers
with a redirect to the page, so a link copied from a cached page still works.
"""
from urllib.parse import quote

from markdown.extensions import Extension
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
            target, fragment = found
            link.set("href", PREFIX + quote(target, safe="/") + fragment)
            link.set("class", " ".join(filter(None, [link.get("class"), "doc-link"])))
            link.attrib.pop("target", None)  # a page of this site opens in place


class DocLinkExtension(Extension):
    def extendMarkdown(self, md):
        self.processor = DocLinkTreeprocessor(md)
        # After the inline patterns (20) made the links and attr_list (8) set their attributes.
        md.treeprocessors.register(self.processor, "doc_links", 7)

    def configure(self, doc_path):
        self.processor.doc_path = doc_path or ""


def makeExtension(**kwargs):
    return DocLinkExtension(**kwargs)
