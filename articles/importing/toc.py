"""A documentation repository's ``TOC.md``, read as its navigation tree.

``parse_toc(body, toc_path)`` turns the TOC's nested list into ``[{"title", "href", "target",
"fragment", "anchor", "hidden", "children"}]``::

    + [Overview](start/overview.md)
    + Send messages {#send}
      + {hide-from-toc} [Old page](send/old.md)
      + [[!DNL Campaign] channels](send/channels.md)

Items are nested by their indentation (2, 3 or 4 spaces, as authors write them); an item
whose text is a link is a page (``href`` as written), any other is a group heading (``href``
""). ``{hide-from-toc}`` marks a page left out of the sidebar (it still has its place, for its
breadcrumbs); ``{#id}`` is the item's anchor. Titles are shown as text (``inline_text``).
Headings and other lines are not part of the tree. A TOC is untrusted like any file: at most
``MAX_NODES`` items, nested at most ``MAX_DEPTH`` deep (deeper items join the deepest level).
"""
import re

from .. import docpaths
from ..rendering.text import inline_text

ITEM_RE = re.compile(r"^(?P<indent>[ \t]*)[+*-][ \t]+(?P<text>\S.*?)\s*$")
HIDDEN_RE = re.compile(r"\{\s*hide-from-toc\s*\}", re.I)
ANCHOR_RE = re.compile(r"\s*\{\s*#([\w.:-]{1,200})\s*\}\s*$")
TOC_VERSION = 2  # part of a stored tree's hash: a TOC read differently is stored again
MAX_NODES = 5000
MAX_DEPTH = 12
MAX_TITLE = 300
MAX_HREF = 1000


def parse_toc(body, toc_path=""):
    """The tree of a TOC's ``body``; with the TOC's own doc path, each page's ``target`` (its
    doc path, ``docpaths.link_target``) and ``fragment`` are worked out once, here."""
    roots, stack, count = [], [], 0  # stack: [(indent, node)]
    for line in body.splitlines():
        match = ITEM_RE.match(line)
        if not match or count >= MAX_NODES:
            continue
        node = _node(match["text"])
        if node is None:
            continue
        found = docpaths.link_target(toc_path, node["href"]) if node["href"] else None
        node["target"], node["fragment"] = found or ("", "")
        count += 1
        indent = len(match["indent"].expandtabs(4))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if len(stack) >= MAX_DEPTH:
            stack = stack[:MAX_DEPTH - 1]
        (stack[-1][1]["children"] if stack else roots).append(node)
        stack.append((indent, node))
    return roots


def _node(text):
    hidden = bool(HIDDEN_RE.search(text))
    text = HIDDEN_RE.sub(" ", text).strip()
    anchor = ""
    found = ANCHOR_RE.search(text)
    if found:
        anchor, text = found.group(1), text[:found.start()].strip()
    label, href = _link(text)
    title = inline_text(label if href is not None else text)[:MAX_TITLE]
    if not title:
        return None
    return {"title": title, "href": (href or "")[:MAX_HREF], "anchor": anchor, "hidden": hidden, "children": []}


def _link(text):
    """``(label, href)`` when ``text`` is a markdown link ``[label](href)`` (labels may hold
    brackets: ``[[!DNL x] y](z.md)``), else ``(text, None)``."""
    if not text.startswith("["):
        return text, None
    depth = 0
    for i, char in enumerate(text):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                rest = text[i + 1:].strip()
                if rest.startswith("(") and rest.endswith(")"):
                    href = rest[1:-1].strip().split()[0] if rest[1:-1].strip() else ""
                    return text[1:i], href.strip("<>")
                return text, None
    return text, None
