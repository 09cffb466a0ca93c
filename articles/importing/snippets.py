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
MAX_LEAD = 64  # a marker indented further than this is left as written
# What leads a marker: quote marks and indentation (">", "   ", "> "), then a list marker.
MARKER_RE = re.compile(r"^((?:[ \t]*>)*[ \t]*)((?:\d{1,9}[.)]|[-*+])[ ]+)?"
                       r"\{\{(?:([\w.-]{1,200})|\$include[ \t]+([^{}\s]{1,500}))\}\}[ \t]*$")
HEADING_RE = re.compile(r"^(#{1,6})[ \t]+.*?\{#([\w.-]+)\}[ \t]*$")
ANY_HEADING_RE = re.compile(r"^(#{1,6})[ \t]")
# A fence opens on its own line or after a list marker or quote marks; it closes on a line of the
# same character, at least as long, with nothing after it.
FENCE_RE = re.compile(r"^(?:[ \t]*>)*[ \t]*(?:(?:\d{1,9}[.)]|[-*+])[ ]+)?(`{3,}|~{3,})(.*)$")
COMMENT_LINE_RE = re.compile(r"^[ \t]*<!--.*-->[ \t]*$")

_read = {}  # resolved path -> ((size, mtime_ns), {name: text})


class _Fences:
    """Whether each line, in order, is inside fenced code (the line opening or closing a fence is)."""

    def __init__(self):
        self.open = None

    def inside(self, line):
        found = FENCE_RE.match(line)
        if self.open is not None:
            if found and found.group(1)[0] == self.open[0] and len(found.group(1)) >= len(self.open) \
                    and not found.group(2).strip():
                self.open = None
            return True
        if found and not (found.group(1)[0] == "`" and "`" in found.group(2)):
            self.open = found.group(1)
            return True
        return False


def expand(body, path, root):
    if "{{" not in body:
        return body
    out, fences, changed, snippets, included, added = [], _Fences(), False, None, {}, 0
    for line in body.split("\n"):
        marker = MARKER_RE.match(line) if not fences.inside(line) and "{{" in line else None
        if marker is None or len(marker.group(1)) > MAX_LEAD or added >= MAX_ADDED_CHARS:
            out.append(line)
            continue
        if marker.group(4):
            text = _included(Path(path), Path(root), marker.group(4), included, MAX_ADDED_CHARS - added)
        else:
            if snippets is None:
                snippets = _snippets_for(Path(path), Path(root))
            text = snippets.get(marker.group(3))
        lead, item = marker.group(1), marker.group(2) or ""
        continued = lead + " " * len(item)
        cost = None if text is None else len(text) + len(continued) * text.count("\n")
        if cost is None or added + cost > MAX_ADDED_CHARS:
            out.append(line)
            continue
        added += cost
        first, *rest = text.split("\n")
        out.append(lead + item + first)
        out.extend(continued + later if later.strip() else continued.rstrip(" \t") for later in rest)
        changed = True
    return "\n".join(out) if changed else body


def _included(path, root, written, read, room):
    """The text of the markdown file ``written`` names, front matter left out; None when not found
    or longer than ``room`` characters. ``read``: {resolved path: text or None} of this page's
    includes, so that a file named many ways (``a/../x.md``, ``b/../x.md``) is read once, and
    one too long is not kept."""
    if not written.lower().endswith((".md", ".markdown")):
        return None
    try:
        folder = path.parent.resolve()
        for base in (folder, *folder.parents) if written.startswith("/") else (folder,):
            candidate = (base / written.lstrip("/")).resolve()
            if candidate not in read:
                body = markdown_body(candidate, root, max_bytes=4 * room)  # UTF-8: 4 bytes a character at most
                read[candidate] = None if body is None or len(body) > room else body.strip("\n")
            if read[candidate] is not None:
                return read[candidate]
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a loop of symbolic links
        return None
    return None


def markdown_body(path, root, max_bytes=MAX_FILE_BYTES):
    """The body of the markdown file at ``path`` (its front matter, if any, left out), or None
    when it is not a file inside ``root`` of at most ``MAX_FILE_BYTES`` (or ``max_bytes``), or cannot be read as
    text (not UTF-8, or holding a NUL: what a page of its own would be refused for)."""
    from .errors import SourceError
    from .frontmatter import parse_document

    try:
        candidate = path.resolve()
        limit = min(MAX_FILE_BYTES, max_bytes)
        if not candidate.is_relative_to(root.resolve()) or not candidate.is_file() \
                or candidate.stat().st_size > limit:
            return None
        text = _text(_head(candidate, limit))
        if text is None:
            return None
        return parse_document(text).body if text.startswith("---") else text
    except (OSError, ValueError, RuntimeError, SourceError):  # unreadable, or front matter that does not parse
        return None


def _head(path, limit):
    """The bytes of the file at ``path``, or None when it holds more than ``limit`` (it grew since
    its size was read)."""
    with path.open("rb") as opened:
        data = opened.read(limit + 1)
    return data if len(data) <= limit else None


def _text(data):
    """``data`` as text (a BOM dropped, CRLF made LF), or None when it is None, is not UTF-8 or
    holds a NUL."""
    if data is None or b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None


def _snippets_for(path, root):
    try:
        root = root.resolve()
        folder = path.parent.resolve()
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a loop of symbolic links
        return {}
    for base in (folder, *folder.parents):
        if not base.is_relative_to(root):
            break
        try:
            candidate = (base / FILE).resolve()  # a symbolic link is followed, and must stay inside
            if not candidate.is_relative_to(root) or not candidate.is_file():
                continue
            stat = candidate.stat()
        except (OSError, ValueError, RuntimeError):  # RuntimeError: a loop of symbolic links
            continue
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
            text = _text(_head(candidate, MAX_FILE_BYTES))
        except OSError:
            return {}
        snippets = parse(text) if text is not None else {}
    _read[candidate] = (key, snippets)
    return snippets


def parse(text):
    """``{name: text}`` of a snippets file: each heading with an id starts one, which runs to the
    next heading of the same or a higher level (so a snippet holds the ones nested in it).
    Headings inside fenced code are text."""
    snippets, open_ones, fences = {}, [], _Fences()  # open_ones: [(name, level, lines)]

    def close(name, lines):
        while lines and (not lines[-1].strip() or COMMENT_LINE_RE.match(lines[-1])):
            lines.pop()  # the blank lines and "<!-- Section -->" lines before the next heading
        snippets.setdefault(name, "\n".join(lines).strip("\n"))

    for line in text.replace("\r\n", "\n").split("\n"):
        heading = None if fences.inside(line) else ANY_HEADING_RE.match(line)
        if heading:
            level = len(heading.group(1))
            while open_ones and open_ones[-1][1] >= level:
                close(*open_ones.pop()[::2])
            named = HEADING_RE.match(line)
            if named:
                for _, _, lines in open_ones:
                    lines.append(line)
                open_ones.append((named.group(2), level, []))
                continue
        for _, _, lines in open_ones:
            lines.append(line)
    while open_ones:
        close(*open_ones.pop()[::2])
    return snippets
