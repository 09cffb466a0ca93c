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

from markdown.extensions.toc import unique

from .. import languages
from ..rendering import heading_slug
from ..rendering.text import inline_text
from .snippets import _Fences, expand, markdown_body

HEADING_RE = re.compile(r"^[ ]{0,3}(#{1,6})[ \t]+(.*?)[ \t]*$")
EXPLICIT_ID_RE = re.compile(r"\{[^{}]*?#([\w.:-]+)[^{}]*\}$")


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
    ids, counters, wanted = set(), {}, {}
    for (_, _, text, explicit), (index, _, _, own) in zip(theirs, mine):
        english_id = explicit or unique(heading_slug(inline_text(text)), ids, counters)
        ids.add(english_id)
        if not own and english_id:
            wanted[index] = english_id
    if not wanted:
        return body
    lines = body.split("\n")
    for index, english_id in wanted.items():
        lines[index] = f"{lines[index].rstrip()} {{#{english_id}}}"
    return "\n".join(lines)


def _headings(body):
    """``[(line index, level, text, explicit id or "")]`` of the ATX headings outside fenced code."""
    found, fences = [], _Fences()
    for index, line in enumerate(body.split("\n")):
        if fences.inside(line) or "#" not in line:
            continue
        heading = HEADING_RE.match(line)
        if heading is None or heading.group(2).endswith("#"):
            continue
        text = heading.group(2)
        explicit = EXPLICIT_ID_RE.search(text)
        found.append((index, len(heading.group(1)), text[:explicit.start()] if explicit else text,
                      explicit.group(1) if explicit else ""))
    return found


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
