"""A translated documentation page keeps the English page's heading anchors.

Translators of a documentation repository keep its links as written, anchors included: the
Japanese page's ``[定義ビルダー](#definition-builder)`` still names the English heading's id. A
heading's id is made from its text, so ``## 定義ビルダー`` had an id of its own (``_2``: nothing of
it is ASCII) and every such link went nowhere. Here, when the page's English counterpart is found
(the same path with its locale segment made English: ``analytics.ja-JP/help/x.md`` →
``analytics.en/help/x.md``, inside the imported folder) and both have the same headings, level
by level, each heading of the translation without an id of its own is given the English one's,
as ``{#id}``; otherwise the page is left as it is.

    with_english_anchors(body, path, root) -> the body, with ids added, or itself when none is
"""
from pathlib import Path
import re

from .. import languages
from ..rendering import render_markdown
from .snippets import _Fences, expand, markdown_body

# Linear in the line's length, however odd the line: its text is stripped apart, and an id is
# looked for only in the attribute list that ends it, from its last "{" (``_explicit``).
HEADING_RE = re.compile(r"^[ ]{0,3}(#{1,6})[ \t]+(.*)$")
ATTRIBUTES_ID_RE = re.compile(r"\{[^{}]*?#([\w.:-]+)[^{}]*\}")
ATTRIBUTES_RE = re.compile(r"\{[^{}\n]*\}")
# An id written back as ``{#id}`` must read the same: one attribute-list id, with no "_…_" that
# emphasis could take (``-_map_``).
SAFE_ID_RE = re.compile(r"[\w.:-]+")
EMPHASIS_RE = re.compile(r"(?<![^\W_])_[^_]*_(?![^\W_])")
COMMENT_START_RE = re.compile(r"^[ ]{0,3}<!--")


def with_english_anchors(body, path, root):
    mine = _headings(body)
    if not mine or all(explicit for _, _, _, explicit in mine):
        return body
    english = _english_body(Path(path), Path(root))
    if english is None:
        return body
    theirs = _headings(expand(english, _english_path(Path(path)), root))
    if [level for _, level, _, _ in theirs] != [level for _, level, _, _ in mine]:
        return body  # not the same outline: no heading can be paired with confidence
    english_ids = _rendered_ids(theirs)
    if english_ids is None:
        return body
    wanted = {index: english_id for (index, _, _, own), english_id in zip(mine, english_ids)
              if not own and SAFE_ID_RE.fullmatch(english_id) and not EMPHASIS_RE.search(english_id)}
    if not wanted:
        return body
    lines = body.split("\n")
    for index, english_id in wanted.items():
        lines[index] = _with_id(lines[index].rstrip(), english_id)
    return "\n".join(lines)


def _rendered_ids(headings):
    """The ids the renderer gives ``headings`` (``_headings`` of the English page), in order: the
    headings alone rendered as a page, so each id is exactly the English page's (its own
    rules for markers, links, emphasis and repeated titles); None when they cannot be told."""
    source = "\n\n".join("#" * level + " " + text + (f" {{#{explicit}}}" if explicit else "")
                          for _, level, text, explicit in headings)
    try:
        toc = render_markdown(source, resolve_image=lambda reference: "#").toc  # an image is no text
    except Exception:  # noqa: BLE001 — a heading the renderer refuses: the page keeps its own ids
        return None
    return [english_id for _, english_id, _ in toc] if len(toc) == len(headings) else None


def _with_id(line, english_id):
    """The heading ``line`` with ``{#english_id}``, inside the attribute list that ends it if any
    (``## Setup {.hidden}`` → ``## Setup {.hidden #setup}``)."""
    if line.endswith("}"):
        start = _heading_attributes(line)
        if start >= 0 and ATTRIBUTES_RE.fullmatch(line, start):
            return f"{line[:-1].rstrip()} #{english_id}}}"
    return f"{line} {{#{english_id}}}"


def _heading_attributes(text):
    """Where the attribute list that ends ``text`` starts, when it is the heading's, as the
    renderer reads it (``attributes``, ``images.HeadingAttributeSpacing``): after a space or a
    no-break space, or glued to the title when it opens with ``#``, ``.`` or ``:``
    (``(FDA){#gs-fda}``); ``{type=Positive}`` glued to a badge is the badge's. Else -1."""
    start = text.rfind("{")
    if start > 0 and (text[start - 1] in " \t\u00a0" or text[start + 1:start + 2] in ("#", ".", ":")):
        return start
    return -1


def _headings(body):
    """``[(line index, level, text, explicit id or "")]`` of the ATX headings a reader sees: outside
    fenced code and HTML comments. A comment hides what the renderer hides: one that opens a line
    (indented 3 spaces at most) and is closed, on that line or a later one."""
    found, fences, commented = [], _Fences(), False
    lines = body.split("\n")
    last_close = max((index for index, line in enumerate(lines) if "-->" in line), default=-1)
    for index, line in enumerate(lines):
        if commented:
            commented = _still_commented(line, True)
            continue
        if not fences.open and COMMENT_START_RE.match(line):
            commented = _still_commented(line, False) and last_close > index
            continue
        if fences.inside(line) or "#" not in line:
            continue
        heading = HEADING_RE.match(line)
        text = heading.group(2).rstrip(" \t") if heading else ""
        if heading is None or text.endswith("#"):
            continue
        start, explicit = _explicit(text)
        found.append((index, len(heading.group(1)), text[:start].rstrip(" \t\u00a0"), explicit))
    return found


def _still_commented(line, commented):
    """Whether an HTML comment is still open after ``line`` (``commented``: one was before it)."""
    at = 0 if commented else line.index("<!--") + 4
    while True:
        end = line.find("-->", at)
        if end < 0:
            return True
        start = line.find("<!--", end + 3)
        if start < 0:
            return False
        at = start + 4


def _explicit(text):
    """``(where the heading's own text ends, its explicit id or "")``: an id is the ``#id`` of
    an attribute list ``{…}`` that ends the text."""
    if text.endswith("}"):
        start = _heading_attributes(text)
        attributes = ATTRIBUTES_ID_RE.fullmatch(text, start) if start >= 0 else None
        if attributes:
            return start, attributes.group(1)
    return len(text), ""


def _english_path(path):
    """``path`` with its locale segment made English (``x.ja-JP`` → ``x.en``, ``ja-JP`` → ``en``)."""
    parts = list(path.parts)
    for position in range(len(parts) - 2, -1, -1):
        segment = parts[position]
        name, _, suffix = segment.rpartition(".")
        if name and languages.normalize_language(suffix) not in (None, "en"):
            parts[position] = f"{name}.en"
            return Path(*parts)
        if languages.normalize_language(segment) not in (None, "en"):
            parts[position] = "en"
            return Path(*parts)
    return None


def _english_body(path, root):
    english = _english_path(path)
    return None if english is None else markdown_body(english, root)
