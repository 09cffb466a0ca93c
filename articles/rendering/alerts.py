"""Experience League alerts: ``>[!NOTE]`` … and ``>[!VIDEO](url)`` blockquotes, and shade boxes.

    >[!NOTE]
    >
    >Text, *markdown* allowed.

becomes ``<div class="alert alert-note"><p class="alert-title">Note</p><p>Text…</p></div>``.
Known types come from ``ALERT_TYPES``; any other type falls back to a neutral alert (the
``alert`` style alone) titled with its own (escaped) name. ``>[!VIDEO](https://…)`` becomes a
link to the video: no third-party frame is embedded in the page. The marker line may follow a
line of text without a blank line (``Watch it:`` then ``>[!VIDEO](…)`` in a step): the text
before it is parsed first.

``>[!CONTEXTUALHELP]`` blocks (``>id=…``, ``>title=…``: help shown inside the product) are
not shown on the page, nor is an end marker (``>[!ENDTABS]``, ``>[!ENDSHADEBOX]``) without its
start. A shade box::

    >[!BEGINSHADEBOX]

    markdown…

    >[!ENDSHADEBOX]

becomes ``<div class="shadebox">…</div>``, its blocks parsed as usual; ``>[!BEGINSHADEBOX
Title]`` shows the title first. A start marker with no end marker after it in the enclosing
block list is dropped, its blocks shown as they are.
"""
import re
import xml.etree.ElementTree as etree

from django.utils.translation import gettext_lazy as _
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension

ALERT_TYPES = {
    "NOTE": _("Note"),
    "TIP": _("Tip"),
    "IMPORTANT": _("Important"),
    "CAUTION": _("Caution"),
    "WARNING": _("Warning"),
    "INFO": _("Information"),
    "AVAILABILITY": _("Availability"),
    "PREREQUISITES": _("Prerequisites"),
    "ADMINISTRATION": _("Administration"),
    "MORELIKETHIS": _("More like this"),
    "ERROR": _("Error"),
    "SUCCESS": _("Success"),
}
HIDDEN = "CONTEXTUALHELP"
STRAY_ENDS = {"ENDTABS", "ENDSHADEBOX"}
QUOTE_LINE_RE = re.compile(r"^[ ]{0,3}>")


class AlertProcessor(BlockProcessor):
    """A blockquote whose first line is ``[!TYPE]`` or ``[!VIDEO](url)``."""

    MARKER_RE = re.compile(r"^[ ]{0,3}>[ ]?\[!([A-Za-z][\w-]*)\](?:\((.*)\))?[ \t]*$")
    QUOTE_PREFIX_RE = re.compile(r"^[ ]{0,3}>[ ]?")
    VIDEO = "VIDEO"
    SAFE_URL_RE = re.compile(r"^https?://", re.IGNORECASE)

    def _marker_line(self, lines):
        """The index of the first marker line not inside a quote already, or None."""
        for index, line in enumerate(lines):
            if self.MARKER_RE.match(line) and not (index and QUOTE_LINE_RE.match(lines[index - 1])):
                return index
        return None

    def test(self, parent, block):
        return ">" in block and self._marker_line(block.split("\n")) is not None

    def run(self, parent, blocks):
        lines = blocks[0].split("\n")
        start = self._marker_line(lines)
        if start:  # the text before, then the marker's block as any block (a tab set too)
            blocks[0] = "\n".join(lines[start:])
            self.parser.parseBlocks(parent, ["\n".join(lines[:start])])
            return
        blocks.pop(0)
        kind, url = self.MARKER_RE.match(lines[0]).groups()
        kind = kind.upper()
        content = "\n".join(self.QUOTE_PREFIX_RE.sub("", line) for line in lines[1:])
        if kind == HIDDEN:
            return
        if kind in STRAY_ENDS:
            if content.strip():
                self.parser.parseChunk(parent, content)
            return
        if kind == self.VIDEO:
            self._video(parent, url or "")
            if content.strip():
                self.parser.parseChunk(parent, content)
            return
        box = etree.SubElement(parent, "div", {"class": f"alert alert-{kind.lower()}"})
        title = etree.SubElement(box, "p", {"class": "alert-title"})
        title.text = str(ALERT_TYPES.get(kind, kind.capitalize()))
        self.parser.parseChunk(box, content.strip("\n"))

    def _video(self, parent, url):
        box = etree.SubElement(parent, "p", {"class": "video"})
        if self.SAFE_URL_RE.match(url):
            link = etree.SubElement(box, "a", {"href": url, "target": "_blank", "class": "video-link"})
            link.text = str(_("Watch the video"))
        else:
            box.text = str(_("Video unavailable"))


class ShadeBoxProcessor(BlockProcessor):
    """From ``>[!BEGINSHADEBOX]`` to ``>[!ENDSHADEBOX]`` (see the module docstring)."""

    BEGIN_RE = re.compile(r"^[ ]{0,3}>[ ]?\[!BEGINSHADEBOX(?:[ \t]+([^\]\n]*))?\][ \t]*$", re.IGNORECASE)
    END_RE = re.compile(r"^[ ]{0,3}>[ ]?\[!ENDSHADEBOX\][ \t]*$", re.IGNORECASE | re.MULTILINE)
    MAX_TITLE = 200

    def test(self, parent, block):
        return bool(self.BEGIN_RE.match(block.split("\n", 1)[0]))

    def run(self, parent, blocks):
        first, _, rest = blocks.pop(0).partition("\n")
        if rest.strip():
            blocks.insert(0, rest)
        # One search over the joined blocks: markers without an end cost no loop in Python.
        found = self.END_RE.search("\n\n".join(blocks))
        if found is None:  # no end marker: the start marker alone is dropped
            return
        index, position = 0, found.start()
        while position > len(blocks[index]):
            position -= len(blocks[index]) + 2
            index += 1
        block = blocks[index]
        chunks = blocks[:index] + [block[:position]]
        after = block[found.end() - found.start() + position:].lstrip("\n")
        del blocks[:index + 1]
        if after.strip():
            blocks.insert(0, after)
        title = (self.BEGIN_RE.match(first).group(1) or "").strip().strip('"').strip()[:self.MAX_TITLE]
        box = etree.SubElement(parent, "div", {"class": "shadebox"})
        if title:
            etree.SubElement(box, "p", {"class": "shadebox-title"}).text = title
        self.parser.parseBlocks(box, [chunk for chunk in chunks if chunk.strip()])


class AlertExtension(Extension):
    def extendMarkdown(self, md):
        # Before the stock blockquote (20) so the marker line is seen first; shade boxes before
        # tab sets (26) and alerts.
        md.parser.blockprocessors.register(AlertProcessor(md.parser), "adobe_alert", 25)
        md.parser.blockprocessors.register(ShadeBoxProcessor(md.parser), "adobe_shadebox", 27)


def makeExtension(**kwargs):
    return AlertExtension(**kwargs)
