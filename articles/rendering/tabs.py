"""Experience League tab sets::

    >[!BEGINTABS]

    >[!TAB First title]

    markdown…

    >[!TAB Second title]

    markdown…

    >[!ENDTABS]

become ``<div class="tabs"><div class="tab-panel" id="tabs-1-1"><p class="tab-title">First
title</p>…</div>…</div>``: without JavaScript every panel shows under its title, and
``static/kb/kb.js`` turns the titles into an ARIA tab list (arrow keys, Home, End). The blocks
of a panel are parsed as usual (lists, alerts, code). Without an ``>[!ENDTABS]`` the set runs to
the end of the enclosing block list; a ``>[!TAB …]`` before any ``>[!BEGINTABS]`` is a panel of
its own set.
"""
import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension

MARKER_RE = re.compile(r"^[ ]{0,3}>[ ]?\[!(BEGINTABS|ENDTABS|TAB)(?:[ \t]+([^\]\n]*))?\][ \t]*$", re.IGNORECASE)
MAX_TITLE = 200


class TabsProcessor(BlockProcessor):
    def __init__(self, parser):
        super().__init__(parser)
        self.count = 0  # tab sets in this document, for unique ids

    def test(self, parent, block):
        match = MARKER_RE.match(block.split("\n", 1)[0])
        return bool(match) and match.group(1).upper() in ("BEGINTABS", "TAB")

    def run(self, parent, blocks):
        self.count += 1
        box = etree.SubElement(parent, "div", {"class": "tabs"})
        panels, ended = [], False
        while blocks and not ended:
            lines = blocks.pop(0).split("\n")
            text, after = [], []
            for position, line in enumerate(lines):
                match = MARKER_RE.match(line)
                kind = match.group(1).upper() if match else None
                if kind == "TAB":
                    if panels and text:
                        panels[-1][1].append("\n".join(text))
                    text = []
                    panels.append(((match.group(2) or "").strip()[:MAX_TITLE], []))
                elif kind == "ENDTABS":
                    ended, after = True, lines[position + 1:]
                    break
                elif kind != "BEGINTABS":
                    text.append(line)
            rest = "\n".join(text).strip("\n")
            if rest:
                if panels:
                    panels[-1][1].append(rest)
                else:  # text before the first tab: shown before the set
                    self.parser.parseChunk(parent, rest)
            if "\n".join(after).strip():  # text after the end marker, in the same block
                blocks.insert(0, "\n".join(after))
        for number, (title, chunks) in enumerate(panels, 1):
            panel = etree.SubElement(box, "div", {"class": "tab-panel", "id": f"tabs-{self.count}-{number}"})
            heading = etree.SubElement(panel, "p", {"class": "tab-title"})
            heading.text = title
            self.parser.parseBlocks(panel, chunks)
        if not panels:
            parent.remove(box)


class TabsExtension(Extension):
    def extendMarkdown(self, md):
        processor = TabsProcessor(md.parser)
        md.registerExtension(self)
        self.processor = processor
        # Before alerts (25): ``>[!TAB x]`` would otherwise be an alert titled "Tab".
        md.parser.blockprocessors.register(processor, "adobe_tabs", 26)

    def reset(self):
        self.processor.count = 0


def makeExtension(**kwargs):
    return TabsExtension(**kwargs)
