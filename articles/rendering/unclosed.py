"""HTML containers on lines of their own, read as CommonMark (which Experience League follows)
reads them.

An HTML container tag that opens on a line of its own and is never closed
(``<table style="table-layout:fixed">`` left after a table was turned into markdown) is dropped.

Python-Markdown reads raw HTML up to the tag's end, so everything after such a tag, to the end
of the page, became raw HTML: its headings, links and lists showed as markdown text. CommonMark
(which Experience League follows) ends such a block at the next blank line, and the browser
ignores the lone opening tag. A tag is dropped when, from it to the end of the body, its element
opens more often than it closes; one closed later, even far away, is left to Python-Markdown.
Runs after fenced code is stashed (25) and comment lines are taken out (22), before raw HTML is
read (20); linear in the length of the body.

A ``<div>`` (``section``, ``aside``, ``figure``, ``center``) opened on a line of its own with a
blank line after it holds markdown (``<div class="preview">``, then a heading and steps): in
CommonMark the blank line ends the HTML block. Python-Markdown kept it all raw, so the steps
showed as one paragraph of markdown; such an opener gets ``markdown="1"`` for ``md_in_html``.

Inside such a container, an HTML block (a line opening with a block-level tag, up to the next
blank line) is raw HTML, whose indentation means nothing to a browser. ``md_in_html`` reads a
block-level tag indented four spaces or more as inline text, so its closing tag closed the
container instead (a ``<table>`` of cards, each with an indented ``<div>``, ended the page's
``<div>`` and showed the rest as code): lines of such a block that open with a block-level
tag get the indentation of the block's first line. Lines inside ``<pre>``, ``<textarea>``,
``<script>`` or ``<style>``, where spaces are content, are left as written.
"""
import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

CONTAINERS = "table|div|section|center|aside|figure"
OPENER_LINE_RE = re.compile(r"^ {0,3}<(" + CONTAINERS + r")\b[^<>]*+>[ \t]*$", re.IGNORECASE)
TAG_RE = re.compile(r"<(/?)(" + CONTAINERS + r")\b[^<>]*+>", re.IGNORECASE)


def without_unclosed_openers(lines):
    """``lines`` less the opening-tag lines whose element is never closed after them."""
    openers = {i for i, line in enumerate(lines) if "<" in line and OPENER_LINE_RE.match(line)}
    if not openers:
        return lines
    # Per element, opens minus closes from each line to the end, read backwards once.
    balance, after, dropped = {}, {}, set()
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if "<" in line:
            for tag in TAG_RE.finditer(line):
                name = tag.group(2).lower()
                balance[name] = balance.get(name, 0) + (-1 if tag.group(1) else 1)
        if i in openers:
            after[i] = dict(balance)
    for i in openers:
        name = OPENER_LINE_RE.match(lines[i]).group(1).lower()
        if after[i].get(name, 0) > 0:
            dropped.add(i)
    return [line for i, line in enumerate(lines) if i not in dropped] if dropped else lines


MARKDOWN_CONTAINERS = {"div", "section", "aside", "figure", "center"}


def markdown_inside(lines):
    """A container opened on a line of its own with a blank line after it holds markdown, as in
    CommonMark, where that blank line ends the HTML: ``markdown="1"`` tells ``md_in_html`` so."""
    changed = None
    for i, line in enumerate(lines[:-1]):
        if "<" not in line or lines[i + 1].strip():
            continue
        opener = OPENER_LINE_RE.match(line)
        if opener is None or opener.group(1).lower() not in MARKDOWN_CONTAINERS or "markdown=" in line:
            continue
        if changed is None:
            changed = list(lines)
        end = line.rstrip().rindex(">")
        changed[i] = f'{line[:end].rstrip("/ ")} markdown="1">'
    return changed or lines


TAG_START_RE = re.compile(r"^([ \t]*)</?([A-Za-z][A-Za-z0-9]*)\b")
MARKDOWN_ATTRIBUTE_RE = re.compile(r"\bmarkdown\s*=", re.IGNORECASE)
VERBATIM_TAG_RE = re.compile(r"<(/?)(?:pre|textarea|script|style)\b", re.IGNORECASE)


def aligned_blocks(lines, block_tags):
    """After the first container that holds markdown, each HTML block (a line opening with one
    of ``block_tags`` indented at most three spaces, to the next blank line) has its lines that
    open with a block-level tag indented as its first line, except inside a ``<pre>``,
    ``<textarea>``, ``<script>`` or ``<style>`` element: see the module docstring."""
    start = next((i for i, line in enumerate(lines) if "markdown" in line and MARKDOWN_ATTRIBUTE_RE.search(line)), None)
    if start is None:
        return lines
    changed = None
    verbatim = 0  # elements open whose spaces are content, at the start of the line
    indent = None  # the current HTML block's first line's indentation; None outside a block
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip():
            indent = None
        else:
            tag = TAG_START_RE.match(line)
            is_block_tag = tag is not None and tag.group(2).lower() in block_tags
            if indent is None:
                if is_block_tag and len(tag.group(1).expandtabs(4)) <= 3:
                    indent = tag.group(1)
            elif is_block_tag and not verbatim and len(tag.group(1).expandtabs(4)) > 3:
                if changed is None:
                    changed = list(lines)
                changed[i] = indent + line[len(tag.group(1)):]
        if "<" in line:
            for found in VERBATIM_TAG_RE.finditer(line):
                verbatim = max(0, verbatim + (-1 if found.group(1) else 1))
    return changed or lines


class UnclosedOpenersExtension(Extension):
    def extendMarkdown(self, md):
        class UnclosedOpeners(Preprocessor):
            def run(self, lines):
                block_tags = set(self.md.block_level_elements)
                return aligned_blocks(markdown_inside(without_unclosed_openers(lines)), block_tags)

        md.preprocessors.register(UnclosedOpeners(md), "kb_unclosed_openers", 21)
