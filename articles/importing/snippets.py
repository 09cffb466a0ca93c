"""Experience League snippets: a documentation repository keeps shared passages in
``help/_includes/snippets.md``, each under a heading with an id (``## Getting to Setup
{#step-1-to-setup}``), and a page includes one by a line holding only its name
(``{{step-1-to-setup}}``), indented or after a list marker as the page needs.

    expand(body, path, root) -> the body with each such line replaced by the snippet, or the body
                                itself (the same object) when there is nothing to expand

A line ``{{$include /help/_includes/lead-time.md}}`` includes a whole markdown file (its front
matter left out) the same way: a path from the repository's root is read from the nearest folder
above the page where it names a file, another from the page's folder, never from outside ``root``.

The snippets are read from the nearest ``_includes/snippets.md`` from the page's folder up to
``root``, once per process while the file keeps its size and time. A snippet is the text under
its heading up to the next heading of the same or a higher level. It is put at the marker's
column and its later lines indented to it, so a snippet written as a step joins the page's
numbered list, and one under a step stays in it. A marker inside fenced code, one naming no
snippet, and one inside a snippet are left as written (snippets are not expanded twice: nothing
can loop). The importer stores the expanded body, which is what readers see and search finds.
"""
from pathlib import Path
import re

FILE = Path("_includes") / "snippets.md"
MAX_FILE_BYTES = 1024 * 1024
MAX_ADDED_CHARS = 2 * 1024 * 1024  # past this, markers stay as written (and the body is refused as too large)
MARKER_RE = re.compile(r"^([ ]*)((?:\d{1,9}[.)]|[-*+])[ ]+)?\{\{(?:([\w.-]{1,200})|\$include[ \t]+([^{}\s]{1,500}))\}\}[ \t]*$")
HEADING_RE = re.compile(r"^(#{1,6})[ \t]+.*?\{#([\w.-]+)\}[ \t]*$")
ANY_HEADING_RE = re.compile(r"^(#{1,6})[ \t]")
FENCE_RE = re.compile(r"^[ ]*(`{3,}|~{3,})")
COMMENT_LINE_RE = re.compile(r"^[ \t]*<!--.*-->[ \t]*$")

_read = {}  # path -> ((size, mtime_ns), {name: text})


def expand(body, path, root):
    if "{{" not in body:
        return body
    lines, out, fence, changed, snippets, added = body.split("\n"), [], None, False, None, 0
    for line in lines:
        opened = FENCE_RE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if opened:
            fence = opened.group(1)
        marker = MARKER_RE.match(line) if fence is None and "{{" in line else None
        if marker is not None:
            if marker.group(4):
                text = _included(Path(path), Path(root), marker.group(4))
            else:
                if snippets is None:
                    snippets = _snippets_for(Path(path), Path(root))
                text = snippets.get(marker.group(3))
            if text is not None and added + len(text) <= MAX_ADDED_CHARS:
                added += len(text)
                indent, item = marker.group(1), marker.group(2) or ""
                width = len(indent) + len(item)
                first, *rest = text.split("\n")
                out.append(indent + item + first)
                out.extend(" " * width + later if later.strip() else "" for later in rest)
                changed = True
                continue
        out.append(line)
    return "\n".join(out) if changed else body


def _included(path, root, written):
    """The text of the markdown file ``written`` names, front matter left out; None when not found."""
    from .errors import SourceError
    from .frontmatter import parse_document

    if not written.lower().endswith((".md", ".markdown")):
        return None
    try:
        root, folder = root.resolve(), path.parent.resolve()
        bases = (folder, *folder.parents) if written.startswith("/") else (folder,)
        for base in bases:
            candidate = (base / written.lstrip("/")).resolve()
            if candidate.is_relative_to(root) and candidate.is_file() and candidate.stat().st_size <= MAX_FILE_BYTES:
                text = candidate.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
                return parse_document(text).body.strip("\n") if text.startswith("---") else text.strip("\n")
    except (OSError, ValueError, SourceError):  # unreadable, or front matter that does not parse
        return None
    return None


def _snippets_for(path, root):
    try:
        root = root.resolve()
        folder = path.parent.resolve()
    except (OSError, ValueError):
        return {}
    for base in (folder, *folder.parents):
        if not base.is_relative_to(root):
            break
        candidate = base / FILE
        try:
            stat = candidate.stat()
        except (OSError, ValueError):
            continue
        if candidate.is_file():
            return _parse_file(candidate, stat)
    return {}


def _parse_file(candidate, stat):
    key = (stat.st_size, stat.st_mtime_ns)
    known = _read.get(candidate)
    if known is not None and known[0] == key:
        return known[1]
    snippets = {}
    if stat.st_size <= MAX_FILE_BYTES:
        try:
            snippets = parse(candidate.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return {}
    _read[candidate] = (key, snippets)
    return snippets


def parse(text):
    """``{name: text}`` of a snippets file (headings inside fenced code are text)."""
    snippets, current, level, collected, fence = {}, None, 0, [], None

    def close():
        while collected and (not collected[-1].strip() or COMMENT_LINE_RE.match(collected[-1])):
            collected.pop()  # the blank lines and "<!-- Section -->" lines before the next heading
        if current is not None:
            snippets.setdefault(current, "\n".join(collected).strip("\n"))

    for line in text.replace("\r\n", "\n").split("\n"):
        opened = FENCE_RE.match(line)
        if fence is None and opened:
            fence = opened.group(1)
        elif fence is not None and opened and opened.group(1)[0] == fence[0]:
            fence = None
        elif fence is None:
            heading = ANY_HEADING_RE.match(line)
            if heading and (current is None or len(heading.group(1)) <= level):
                close()
                named = HEADING_RE.match(line)
                current, level, collected = (named.group(2), len(named.group(1)), []) if named else (None, 0, [])
                continue
        if current is not None:
            collected.append(line)
    close()
    return snippets
