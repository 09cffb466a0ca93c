"""Experience League collapsible sections::

    +++Title of the section
    markdown…
    +++

become ``<details class="collapsible"><summary>Title</summary>…</details>``; a title written as a
heading (``+++## Title``) is shown without its marks. Blocks between the
markers (blank lines included) are parsed as usual. Fenced code is stashed before block
parsing, so a ``+++`` line inside code is never a marker. When the closing ``+++`` never
comes, the blocks are put back untouched (the ``BoxBlockProcessor`` pattern). Under a list
item, indented to its text, a collapsible is the item's (``lists.ItemContentProcessor`` hands
the item all its indented blocks at once).
"""
import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension


class CollapsibleProcessor(BlockProcessor):
    # The title is cut of its spaces by str methods: a lazy group before "[ \t]*$" rescans every
    # run of spaces (quadratic on a title of 30,000 spaces and a letter).
    OPEN_RE = re.compile(r"^[ ]{0,3}\+\+\+(?!\+)[ \t]*+(.*)")
    CLOSE_RE = re.compile(r"^[ ]{0,3}\+\+\+[ \t]*$")
    HEADING_MARKS_RE = re.compile(r"#{1,6}[ \t]")

    def test(self, parent, block):
        return bool(self.OPEN_RE.match(block.split("\n", 1)[0]))

    def run(self, parent, blocks):
        original = list(blocks)
        first, _, rest = blocks[0].partition("\n")
        title = self.OPEN_RE.match(first).group(1).rstrip(" \t")
        if self.HEADING_MARKS_RE.match(title):  # "## Title ##" → "Title"
            title = title.lstrip("#").strip(" \t")
            closed = title.rstrip("#")
            if closed != title and (not closed or closed[-1] in " \t"):
                title = closed.rstrip(" \t")
        inner, found = [], False
        pending = [rest] + blocks[1:]
        consumed = 1
        for index, block in enumerate(pending):
            lines = block.split("\n")
            close = next((i for i, line in enumerate(lines) if self.CLOSE_RE.match(line)), None)
            if close is None:
                inner.append(block)
                continue
            inner.append("\n".join(lines[:close]))
            after = "\n".join(lines[close + 1:])
            consumed = index  # blocks[1:index] consumed besides the first
            found = True
            break
        if not found:
            blocks[:] = original
            return False
        del blocks[:consumed + 1]
        if after.strip():
            blocks.insert(0, after)
        details = etree.SubElement(parent, "details", {"class": "collapsible"})
        summary = etree.SubElement(details, "summary")
        summary.text = title
        self.parser.parseBlocks(details, [b for b in inner if b.strip()])
        return True


class CollapsibleExtension(Extension):
    def extendMarkdown(self, md):
        # After a list item's indented content (``indent``, 90), so that a collapsible indented
        # under an item is the item's; before indented code (80).
        md.parser.blockprocessors.register(CollapsibleProcessor(md.parser), "adobe_collapsible", 85)


def makeExtension(**kwargs):
    return CollapsibleExtension(**kwargs)
