"""Experience League alerts: ``>[!NOTE]`` … and ``>[!VIDEO](url)`` blockquotes.

    >[!NOTE]
    >
    >Text, *markdown* allowed.

becomes ``<div class="alert alert-note"><p class="alert-title">Note</p><p>Text…</p></div>``.
Known types come from ``ALERT_TYPES``; any other type falls back to a neutral alert titled with
its own (escaped) name. ``>[!VIDEO](https://…)`` becomes a link to the video: no third-party
frame is embedded in the page.
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


class AlertProcessor(BlockProcessor):
    """A blockquote whose first line is ``[!TYPE]`` or ``[!VIDEO](url)``."""

    MARKER_RE = re.compile(r"^[ ]{0,3}>[ ]?\[!([A-Za-z][\w-]*)\](?:\((.*)\))?[ \t]*$")
    QUOTE_PREFIX_RE = re.compile(r"^[ ]{0,3}>[ ]?")
    VIDEO = "VIDEO"
    SAFE_URL_RE = re.compile(r"^https?://", re.IGNORECASE)

    def test(self, parent, block):
        return bool(self.MARKER_RE.match(block.split("\n", 1)[0]))

    def run(self, parent, blocks):
        lines = blocks.pop(0).split("\n")
        kind, url = self.MARKER_RE.match(lines[0]).groups()
        kind = kind.upper()
        content = "\n".join(self.QUOTE_PREFIX_RE.sub("", line) for line in lines[1:])
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


class AlertExtension(Extension):
    def extendMarkdown(self, md):
        # Before the stock blockquote (20) so the marker line is seen first.
        md.parser.blockprocessors.register(AlertProcessor(md.parser), "adobe_alert", 25)


def makeExtension(**kwargs):
    return AlertExtension(**kwargs)
