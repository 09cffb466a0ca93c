"""Lists as authors of the Experience League dialect mean them: what is indented to an item's
text belongs to that item.

Python-Markdown nests content under a list item only when it is indented by a whole tab (4
spaces). Documentation authors indent it to the item's text, as CommonMark reads it: 3 spaces
under ``1. ``, 2 under ``- ``, 4 under ``10. ``. An image, a note, a code sample or a
paragraph indented that way under a step then ended the list, and the next step started a new
list at 1. Here the list processors remember each item's **content offset** (the column its
text starts at) and:

- ``IndentedOListProcessor`` / ``IndentedUListProcessor`` (the ``sane_lists`` processors, so a
  ``1.`` list and a ``-`` list stay apart): within one block, a line indented to the current
  item's offset continues that item (less that offset), a nested list marker there starts a
  nested list, an item marker left of it starts the next item, anything else is a lazy
  continuation line;
- ``ItemContentProcessor`` (in place of the stock ``indent`` processor): a block after one or
  more blank lines that is indented belongs to the last item of the list just before it, less
  that item's offset, and so on down nested lists. Authors who indent by 2 under ``1. `` or by 4 under
  ``- `` are read the same way (any indent from 2 up; 1 space is too little to mean anything).

An ordered list's number ends with ``.`` or ``)`` (``1) Open the file``), as in CommonMark;
a ``1)`` list and a ``1.`` list are two lists (``ParenOListProcessor``).

Numbering continues across such content, since the next item joins the list before it. Code
blocks indented by 4 spaces outside lists are untouched, and inside an item they need the
item's offset plus 4, as in CommonMark. Fenced code anywhere is handled before this by
``pymdownx.superfences``, which leaves a placeholder at the fence's indentation.
"""
import re
import weakref
from xml.etree import ElementTree as etree

from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.sane_lists import SaneOListProcessor, SaneUListProcessor

ITEM_RE = re.compile(r"^( *)(\d{1,9}[.)]|[*+-])( +|$)")
LIST_TAGS = ("ol", "ul")
MIN_INDENT = 2  # a block indented less than this after a list is not read as the item's


def indentation(line):
    return len(line) - len(line.lstrip(" "))


def content_offset(line):
    """The column an item's text starts at, or None when ``line`` is no list item. Five or more
    spaces after the marker are an indented code block's: the text then starts one space in."""
    match = ITEM_RE.match(line)
    if match is None:
        return None
    indent, marker, spaces = match.groups()
    if not spaces or len(spaces) > 4:
        return len(indent) + len(marker) + 1
    return len(indent) + len(marker) + len(spaces)


def detab(block, width):
    """Remove ``width`` leading spaces from each line; a line with fewer loses what it has."""
    return "\n".join(line[width:] if not line[:width].strip() else line.lstrip(" ") for line in block.split("\n"))


class _Item:
    __slots__ = ("offset", "marker", "chunks", "nested")

    def __init__(self, offset, text, marker=0):
        self.offset, self.marker, self.chunks, self.nested = offset, marker, [text], False


class IndentedItemsMixin:
    """``get_items`` and ``run`` of the list processors, by content offset. ``offsets`` (shared
    with ``ItemContentProcessor``) maps each ``li`` made to its content offset, ``markers`` to
    its marker's indentation."""

    offsets = markers = None
    paren_lists = None  # the <ol> whose numbers end with ")", shared by the ordered processors
    PAREN = False

    def get_items(self, block):
        """The items of the list ``block`` starts, and what follows it in ``block`` ("": nothing):
        an item of another kind of list (``1)`` after ``1.``, a bullet after a number) left of the
        current item's text starts a list of its own, as in CommonMark."""
        items = []
        lines = block.split("\n")
        for at, line in enumerate(lines):
            current = items[-1] if items else None
            if current is not None and line.strip() and indentation(line) >= current.offset:
                inner = line[current.offset:]
                if ITEM_RE.match(inner) and not current.nested:
                    current.chunks.append(inner)  # a nested list starts: a block of its own
                    current.nested = True
                else:
                    current.chunks[-1] += "\n" + inner
                continue
            match = self.CHILD_RE.match(line)
            if match is None and current is not None and indentation(line) < 4 and ITEM_RE.match(line):
                return items, "\n".join(lines[at:])
            if match is not None:
                if not items and self.TAG == "ol":
                    self.STARTSWITH = re.match(r"\d+", match.group(1)).group()
                items.append(_Item(content_offset(line), match.group(3), indentation(line)))
            elif current is not None:  # a lazy continuation line of the item's last paragraph
                current.chunks[-1] += "\n" + line.strip()
            else:
                items.append(_Item(indentation(line) + 2, line.strip(), indentation(line)))
        return items, ""

    def run(self, parent, blocks):
        items, rest = self.get_items(blocks.pop(0))
        if rest:
            blocks.insert(0, rest)
        sibling = self.lastChild(parent)
        if sibling is not None and sibling.tag in self.SIBLING_TAGS and (sibling in self.paren_lists) == self.PAREN:
            lst = sibling
            _paragraph_for_text(lst[-1], self.lastChild(lst[-1]))
            first = items.pop(0)
            li = self._item(lst, first)
            self.parser.state.set("looselist")
            self.parser.parseBlocks(li, first.chunks[:1])
            self.parser.state.reset()
            self._rest(li, first.chunks[1:])
        elif parent.tag in LIST_TAGS:
            lst = parent
        else:
            lst = etree.SubElement(parent, self.TAG)
            if self.PAREN:
                self.paren_lists.add(lst)
            if not self.LAZY_OL and self.STARTSWITH != "1":
                lst.attrib["start"] = self.STARTSWITH
        self.parser.state.set("list")
        for item in items:
            li = self._item(lst, item)
            self.parser.parseBlocks(li, item.chunks[:1])
            self._rest(li, item.chunks[1:])
        self.parser.state.reset()

    def _item(self, lst, item):
        li = etree.SubElement(lst, "li")
        self.offsets[li], self.markers[li] = item.offset, item.marker
        return li

    def _rest(self, li, chunks):
        for chunk in chunks:
            self.parser.parseBlocks(li, [chunk])


class IndentedOListProcessor(IndentedItemsMixin, SaneOListProcessor):
    pass


class ParenOListProcessor(IndentedItemsMixin, SaneOListProcessor):
    """An ordered list numbered ``1)``, ``2)``: a list of its own beside a ``1.`` list."""

    PAREN = True

    def __init__(self, parser):
        super().__init__(parser)
        self.RE = re.compile(r"^[ ]{0,%d}\d{1,9}\)[ ]+(.*)" % (self.tab_length - 1))
        self.CHILD_RE = re.compile(r"^[ ]{0,%d}((\d{1,9}\)))[ ]+(.*)" % (self.tab_length - 1))


class IndentedUListProcessor(IndentedItemsMixin, SaneUListProcessor):
    pass


class ItemContentProcessor(BlockProcessor):
    """An indented block right after a list belongs to the list's last item (see the module
    docstring)."""

    offsets = markers = None

    def _target(self, parent, block):
        last = self.lastChild(parent)
        if last is None or last.tag not in LIST_TAGS or not len(last) or not block.strip():
            return None
        first = block.lstrip("\n").split("\n", 1)[0]
        indent = indentation(first)
        if indent < MIN_INDENT:
            return None
        if indent <= self.markers.get(last[-1], -1) and ITEM_RE.match(first):
            return None  # a marker no further in than the item's own: the next item of a list indented as a whole
        return last[-1]

    def test(self, parent, block):
        return self._target(parent, block) is not None

    # A list item's marker left of ``MIN_INDENT`` on a later line of the block: the next item
    # of the list (``2. Next step`` right under a step's indented code line), not the item's.
    OUTDENTED_ITEM_RE = re.compile(r"\n(?=[ ]?(?:\d{1,9}[.)]|[*+-])(?:[ ]|$))")

    def run(self, parent, blocks):
        li = self._target(parent, blocks[0])
        offset = self.offsets.get(li, 4)
        chunks = []  # every indented block in a row: parsed together, so that a "+++" or
        while blocks and self._target(parent, blocks[0]) is li:  # ">[!BEGINTABS]" finds its end
            block = blocks.pop(0).lstrip("\n")  # after two blank lines in a row: still the item's
            outdented = self.OUTDENTED_ITEM_RE.search(block)
            if outdented:
                block, blocks[:0] = block[:outdented.start()], [block[outdented.end():]]
            chunks.append(detab(block, min(indentation(block.split("\n", 1)[0]), offset)))
            if outdented:
                break
        if li.text:
            _paragraph_for_text(li, None)
        self.parser.parseBlocks(li, chunks)


class ParagraphListProcessor(BlockProcessor):
    """A list starting on a line of a paragraph ends the paragraph there, as in CommonMark: a
    ``1.`` (or ``1)``) item or a bullet item with text (``Do this:`` then ``1. Open…`` on the next line).
    Any other number (``version\\n2. is…``) goes on with the paragraph. Registered just above
    ``paragraph``, so a block reaching it is paragraph text."""

    START_RE = re.compile(r"\n[ ]{0,3}(?:1[.)]|[*+-])[ ]+\S")

    def test(self, parent, block):
        return self.START_RE.search(block) is not None

    def run(self, parent, blocks):
        block = blocks.pop(0)
        start = self.START_RE.search(block).start()
        blocks[:0] = [block[:start], block[start + 1:]]


def _paragraph_for_text(li, last_child):
    """A list becomes loose: the item's bare text moves into a paragraph, as the stock
    processors do (and a tail after its last child too)."""
    if li.text:
        p = etree.Element("p")
        p.text, li.text = li.text, ""
        li.insert(0, p)
    if last_child is not None and last_child.tail:
        p = etree.SubElement(li, "p")
        p.text, last_child.tail = last_child.tail.lstrip(), ""


class IndentedListExtension(Extension):
    """Registers the processors above under the stock names (``olist``, ``ulist``, ``indent``),
    replacing ``sane_lists``'s and the stock ones, ``ParenOListProcessor`` right after ``olist``, and
    ``ParagraphListProcessor``."""

    def extendMarkdown(self, md):
        offsets, markers, paren_lists = weakref.WeakKeyDictionary(), weakref.WeakKeyDictionary(), weakref.WeakSet()
        for name, cls, priority in (("olist", IndentedOListProcessor, 40), ("kb_paren_olist", ParenOListProcessor, 39),
                                    ("ulist", IndentedUListProcessor, 30),
                                    ("indent", ItemContentProcessor, 90),
                                    ("kb_paragraph_list", ParagraphListProcessor, 12)):
            processor = cls(md.parser)
            processor.offsets, processor.markers, processor.paren_lists = offsets, markers, paren_lists
            md.parser.blockprocessors.register(processor, name, priority)


def makeExtension(**kwargs):
    return IndentedListExtension(**kwargs)
