"""Attribute lists: ``attr_list`` read in linear time, and the places the Experience League
dialect puts them besides the ones ``attr_list`` knows.

The stock ``{: …}`` pattern reads ``[^\n]*`` and backs up to the last ``}``: on a heading such
as ``# a`` followed by 60,000 `` {a`` every brace rescans the rest of the line (minutes).
Here the inside of an attribute list holds no brace, so each scan ends at the next one.

Besides ``attr_list``'s own places (the end of a heading, a line of its own closing a block,
right after an inline element), an attribute list applies:

- after a no-break space at the end of a heading (``## Titre\u00a0{#titre}``, as translations
  write it);
- on a line of its own, separated by blank lines or right under a table's last row, to the
  block before it (``{style="table-layout:auto"}`` under a table, in a list item too);
- after one space following a link or an image (``[x](url) {target="_blank"}``);
- at the end of a block's last line after a space (``+ Release notes {#releases}``), or an
  ``{#id}`` glued to it (``+ Reports{#reports}``);

and ``{hide-from-toc}`` before a list item's text, an attribute list opening a paragraph
(its element lost in translation), or a ``{target=…}`` left in running text after something that
is not a link (``(GDPR){target=_blank}``: it opens nothing, and no reader should see it), is
dropped. The last four forms take only ``#id``, ``.class``
and ``name=value`` parts (``STRICT_RE``): ``{name}`` in running text stays text. Whatever the
attributes, the sanitizer keeps only the ones it allows (no ``style``).
"""
import re

from markdown.blockprocessors import BlockProcessor
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions import Extension
from markdown.util import AtomicString

BASE_RE = r"\{\:?[ ]*+([^\}\n {][^\n{}]*+)\}"
_PART = r"""(?:[#.][^\s{}=#.'"]++|[^\s{}=#.'"][^\s{}='"]*+=(?:"[^"\n{}]*+"|'[^'\n{}]*+'|[^\s{}='"]++))"""
# The inside of a strict attribute list: parts separated by spaces, each #id, .class or name=value.
STRICT_RE = re.compile(r"\{:?[ ]*+" + _PART + r"(?:[ ]++" + _PART + r")*+[ ]*+\}")
HIDE_FROM_TOC_RE = re.compile(r"^[ ]*+\{hide-from-toc\}[ ]*+")
STRAY_TARGET_RE = re.compile(r"(?<=\S)\{:?[ ]*+target=(?:\"[^\"\n{}]*+\"|'[^'\n{}]*+'|[^\s{}'\"]++)[ ]*+\}")


def is_strict(text):
    """Whether ``text`` is exactly one strict attribute list (``{#id .class name="value"}``)."""
    return STRICT_RE.fullmatch(text) is not None


class BoundedAttrListTreeprocessor(AttrListTreeprocessor):
    BASE_RE = BASE_RE
    # Only from the first space of a run: from each space of "a" + 100,000 spaces is quadratic.
    HEADER_RE = re.compile(r"(?<![ \u00a0])[ \u00a0]++" + BASE_RE + r"[ ]*+$")
    # A line of its own, a strict list after a space at the end of the last line, or an {#id}
    # glued to it (``Built-in reports{#reports}``, as headings have it).
    BLOCK_RE = re.compile(r"(?:\n[ ]*+|(?<![ ])[ ]++(?=" + STRICT_RE.pattern + r"[ ]*+$)"
                          r"|(?<=\S)(?=\{#[^\s{}=#.'\"]++\}[ ]*+$))" + BASE_RE + r"[ ]*+$")
    INLINE_RE = re.compile(r"^" + BASE_RE)
    SPACED_INLINE_RE = re.compile(r"^[ ](?=" + STRICT_RE.pattern + r"(?![^ \n]))")
    LEADING_RE = re.compile(r"^" + STRICT_RE.pattern + r"(?:[ ]++|$)")

    def run(self, doc):
        for elem in doc.iter():
            if elem.tag in ("a", "img") and elem.tail and self.SPACED_INLINE_RE.match(elem.tail):
                elem.tail = elem.tail[1:]  # then read by attr_list as its own inline form
            elif elem.tag == "li" and elem.text:
                elem.text = HIDE_FROM_TOC_RE.sub("", elem.text)
            elif elem.tag == "p" and elem.text:
                elem.text = self.LEADING_RE.sub("", elem.text)
        super().run(doc)
        for elem in doc.iter():
            if elem.tag not in ("code", "pre") and elem.text and "target=" in elem.text and not isinstance(elem.text, AtomicString):
                elem.text = STRAY_TARGET_RE.sub("", elem.text)
            if elem.tail and "target=" in elem.tail and not isinstance(elem.tail, AtomicString):
                elem.tail = STRAY_TARGET_RE.sub("", elem.tail)


class AttributeLineProcessor(BlockProcessor):
    """A block that is one strict attribute list gives its attributes to the block before it
    (none before it: dropped)."""

    def test(self, parent, block):
        return is_strict(block.strip(" "))

    def run(self, parent, blocks):
        text = blocks.pop(0).strip(" ")
        target = self.lastChild(parent)
        if target is not None:
            inside = text[1:-1].lstrip(":")
            self.parser.md.treeprocessors["attr_list"].assign_attrs(target, inside)


class TableAttributeLineProcessor(BlockProcessor):
    """A strict attribute list right under a table's last row is the table's, not a row: the
    line is made a block of its own, for ``AttributeLineProcessor``."""

    def test(self, parent, block):
        rows, _, last = block.rstrip("\n").rpartition("\n")
        if not rows or not is_strict(last.strip(" ")):
            return False
        table = self.parser.blockprocessors["table"] if "table" in self.parser.blockprocessors else None
        return table is not None and table.test(parent, rows)

    def run(self, parent, blocks):
        rows, _, last = blocks.pop(0).rstrip("\n").rpartition("\n")
        blocks[:0] = [rows, last]


class BoundedAttrListExtension(Extension):
    """Registers after ``attr_list`` under its name, replacing its tree processor, and the two
    block processors: before ``tables`` (75), and before ``paragraph`` (10)."""

    def extendMarkdown(self, md):
        md.treeprocessors.register(BoundedAttrListTreeprocessor(md), "attr_list", 8)
        md.parser.blockprocessors.register(TableAttributeLineProcessor(md.parser), "kb_table_attributes", 76)
        md.parser.blockprocessors.register(AttributeLineProcessor(md.parser), "kb_attribute_line", 11)


def makeExtension(**kwargs):
    return BoundedAttrListExtension(**kwargs)
