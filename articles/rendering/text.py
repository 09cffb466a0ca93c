"""Markdown → plain text, for search and snippets (never for display).

Keeps what a reader or a search may look for — code and log lines included, since error codes
live there — and drops markup: ``[!UICONTROL Save]`` → ``Save``, ``[text](url)`` → ``text``,
images, HTML tags, ``{#id}`` attributes, heading and list markers; entities are unescaped.
"""
import html
import re

# Each scan stops at the next opening bracket, so text with thousands of "![" or "<" is read
# in linear time (possessive quantifiers never give back).
REPLACEMENTS = [
    (re.compile(r"^[ ]{0,3}(`{3,}|~{3,}).*$", re.MULTILINE), " "),  # fence lines, not their content
    (re.compile(r"!\[[^\[\]]*+\]\([^()]*+\)"), " "),  # images
    (re.compile(r"\[!(?:UICONTROL|DNL|BADGE)[ \t]++([^\[\]]*+)\]"), r"\1"),
    (re.compile(r"^[ ]{0,3}>?[ ]?\[!VIDEO\]\([^()\n]*+\)", re.MULTILINE), " "),
    (re.compile(r"\[!\w++\]"), " "),  # alert markers
    (re.compile(r"\[([^\[\]]*+)\]\([^()]*+\)(\{[^{}]*+\})?"), r"\1"),  # links
    (re.compile(r"\{[#.:][^{}\n]*+\}"), " "),  # attribute lists
    (re.compile(r"<[^<>\n]{0,300}+>"), " "),  # HTML tags
    # "+++" (a collapsible's markers) before a list's "+", which would leave "++" behind.
    (re.compile(r"^[ \t]*+(?:#{1,6}|>+|\+\+\+|[-*+]|\d++[.)])[ \t]*", re.MULTILINE), ""),
    (re.compile(r"[*_`|]{1,3}"), " "),
]


def plain_text(markdown):
    """The readable text of a markdown fragment, whitespace folded to single spaces."""
    text = markdown
    for pattern, replacement in REPLACEMENTS:
        text = pattern.sub(replacement, text)
    return " ".join(html.unescape(text).split())
