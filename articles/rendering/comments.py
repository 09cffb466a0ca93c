"""HTML comments that stand on lines of their own are authors' notes, never shown: they are
taken out before the page is read as blocks, so they separate nothing.

Left in, Python-Markdown keeps such a comment as a raw HTML block, and a block at the left margin
between two steps ends the numbered list: the next step starts a new list at 1 (an author who
comments out a bullet between steps 1 and 2 gets steps 1, 1, 2, …); indented under a step, it
was shown as text. A comment is taken out when it opens at the start of a line (at any
indentation: under a step too) and nothing but spaces follows its ``-->`` on the line it closes
on; the lines it spans go with it. A comment inside
a line, one followed by text, and one never closed are left as they are (the sanitizer drops
comments from the page either way). Runs after fenced code is stashed, so code is never touched.
"""
import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

OPENING_RE = re.compile(r"^[ \t]*+<!--", re.MULTILINE)
CLOSING = "-->"


def without_comment_lines(text):
    """``text`` less the comments that fill lines of their own (see the module docstring);
    linear in the length of ``text``."""
    if "<!--" not in text:
        return text
    kept, at, scanned = [], 0, 0
    for opening in OPENING_RE.finditer(text):
        start = opening.start()
        if start < scanned:
            continue  # inside a comment met already: each character is read once
        close = text.find(CLOSING, opening.end())
        if close < 0:
            break  # never closed: nothing after it is a comment's end either
        scanned = close + len(CLOSING)
        line_end = text.find("\n", close)
        line_end = len(text) if line_end < 0 else line_end
        if text[scanned:line_end].strip():
            continue  # text follows the comment on its line: a block of its own, left alone
        kept.append(text[at:start])
        at = line_end + 1  # the comment's lines go, the line break after them too
    if not kept:
        return text
    kept.append(text[at:])
    return "".join(kept)


class CommentLinesExtension(Extension):
    def extendMarkdown(self, md):
        class CommentLines(Preprocessor):
            def run(self, lines):
                return without_comment_lines("\n".join(lines)).split("\n")

        # After ``fenced_code_block`` (25) stashed code, before ``html_block`` (20) reads HTML.
        md.preprocessors.register(CommentLines(md), "kb_comment_lines", 22)
