"""Experience League inline markers: ``[!UICONTROL label]``, ``[!DNL name]``, ``[!BADGE text]``.

``[!UICONTROL Save]`` → ``<span class="uicontrol">Save</span>`` (an interface label),
``[!DNL Adobe Target]`` → ``<span class="dnl">Adobe Target</span>`` (a name not to translate),
``[!BADGE Beta]`` → ``<span class="badge">Beta</span>``. Registered after code spans and escapes
(190/180) so a marker inside backticks stays literal, and before links (160) so
``[[!UICONTROL Save]](url)`` keeps its link.
"""
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor


class MarkerProcessor(InlineProcessor):
    # Possessive: from each "[!" the scan ends at the first unpaired bracket (linear time).
    PATTERN = r"\[!(UICONTROL|DNL|BADGE)[ \t]++((?:[^\[\]]++|\[[^\[\]]*+\])*+)\]"
    CLASSES = {"UICONTROL": "uicontrol", "DNL": "dnl", "BADGE": "badge"}

    def handleMatch(self, m, data):
        element = etree.Element("span", {"class": self.CLASSES[m.group(1)]})
        element.text = m.group(2).rstrip(" \t")
        return element, m.start(0), m.end(0)


class InlineMarkerExtension(Extension):
    def extendMarkdown(self, md):
        md.inlinePatterns.register(MarkerProcessor(MarkerProcessor.PATTERN, md), "adobe_marker", 175)


def makeExtension(**kwargs):
    return InlineMarkerExtension(**kwargs)
