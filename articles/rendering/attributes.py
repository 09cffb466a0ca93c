"""``attr_list`` with patterns that read an attribute list in linear time.

The stock ``{: …}`` pattern reads ``[^\n]*`` and backs up to the last ``}``: on a heading such
as ``# a`` followed by 60,000 `` {a`` every brace rescans the rest of the line (minutes).
Here the inside of an attribute list holds no brace, so each scan ends at the next one.
"""
import re

from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions import Extension

BASE_RE = r"\{\:?[ ]*+([^\}\n {][^\n{}]*+)\}"


class BoundedAttrListTreeprocessor(AttrListTreeprocessor):
    BASE_RE = BASE_RE
    # Only from the first space of a run: from each space of "a" + 100,000 spaces is quadratic.
    HEADER_RE = re.compile(r"(?<![ ])[ ]++{}[ ]*+$".format(BASE_RE))
    BLOCK_RE = re.compile(r"\n[ ]*+{}[ ]*+$".format(BASE_RE))
    INLINE_RE = re.compile(r"^{}".format(BASE_RE))


class BoundedAttrListExtension(Extension):
    """Registers after ``attr_list`` under its name, replacing its tree processor."""

    def extendMarkdown(self, md):
        md.treeprocessors.register(BoundedAttrListTreeprocessor(md), "attr_list", 8)


def makeExtension(**kwargs):
    return BoundedAttrListExtension(**kwargs)
