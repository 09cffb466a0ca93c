"""Markdown → plain text, for search and snippets (never for display); and a title or a
description as readers see it (``inline_text``, ``shown_description``).

Keeps what a reader or a search may look for — code and log lines included, since error codes
live there — and drops markup: ``[!UICONTROL Save]`` → ``Save``, ``[text](url)`` → ``text``,
images and their attribute lists, HTML tags (not other names in angle brackets), ``{#id}`` and
other attribute lists a reader never sees, heading and list markers; entities are unescaped.
"""
import html
import re

from .attributes import STRICT_RE

# The tags authors format a page with; other tags in a page (``<form name="x">``,
# ``<mta autoStart="false"/>``, ``<md:SingleLogoutService …/>``) are code or a log shown as text.
HTML_TAGS = ("a|abbr|b|blockquote|br|caption|center|code|col|colgroup|dd|del|details|div|dl|dt|em|font|h[1-6]|hr|"
             "i|iframe|img|ins|kbd|li|ol|p|pre|s|small|source|span|strike|strong|sub|summary|sup|table|tbody|td|"
             "tfoot|th|thead|tr|tt|u|ul|video")
# Each scan stops at the next opening bracket, so text with thousands of "![" or "<" is read
# in linear time (possessive quantifiers never give back). Each pattern comes with a string
# every match of it holds: a text without it is not scanned.
MARKER_RE = re.compile(r"\[!(?:UICONTROL|DNL|BADGE)[ \t]++([^\[\]]*+)\]")  # [!UICONTROL label] → label
# A badge's attribute list (``[!BADGE Beta]{type=Positive tooltip="Since May"}``) is not shown:
# ``inline.BADGE_ATTRIBUTES_RE``, read where the renderer reads it, right after the badge.
# An attribute list the renderer reads and no reader sees as text: ``attributes.STRICT_RE`` whose
# first part is an ``#id``, a ``.class`` or one of the presentation attributes authors write.
PRESENTATION = "style|class|width|height|align|target|zoomable|modal|size|float|border|title|alt|rel"
SHOWN_NOWHERE_RE = (r"(?=\{:?[ ]*+(?:[#.]|(?:" + PRESENTATION + r")=))" + STRICT_RE.pattern)
BADGE_ATTRIBUTES_RE = re.compile(r"(\[!BADGE[ \t]++[^\[\]]*+\])\{[^{}\n]{0,300}+\}")
EMPHASIS_UNDERSCORES_RE = re.compile(r"(?<![\w`])(_{1,3})(?=[^\s_])((?:[^\n_`]|(?<=[^\W_])_++(?=[^\W_]))*?)"
                                     r"(?<=[^\s_])\1(?!\w)")
REPLACEMENTS = [
    ("", re.compile(r"^[ ]{0,3}(`{3,}|~{3,}).*$", re.MULTILINE), " "),  # fence lines, not their content
    # Images, and the attribute list after one (``{zoomable="yes" width="300"}``).
    ("![", re.compile(r"!\[[^\[\]]*+\]\([^()]*+\)(?:[ ]?" + SHOWN_NOWHERE_RE + ")?"), " "),
    ("[!BADGE", BADGE_ATTRIBUTES_RE, r"\1"),
    ("[!", MARKER_RE, r"\1"),
    ("[!BADGE", BADGE_ATTRIBUTES_RE, r"\1"),  # a badge around a nested marker, now plain
    ("[!", MARKER_RE, r"\1"),  # again: the marker around a nested one
    ("[!VIDEO]", re.compile(r"^[ ]{0,3}>?[ ]?\[!VIDEO\]\([^()\n]*+\)", re.MULTILINE), " "),
    ("[!", re.compile(r"\[!\w++\]"), " "),  # alert markers
    ("](", re.compile(r"\[([^\[\]]*+)\]\([^()]*+\)(\{[^{}]*+\})?"), r"\1"),  # links
    ("{", re.compile(r"\{[#.:][^{}\n]*+\}"), " "),  # attribute lists
    # A presentation attribute list (``SHOWN_NOWHERE_RE``) after a closing bracket
    # (``(GDPR){target=_blank}``) or on a line of its own (``{style="table-layout:auto"}`` under a
    # table); ``{name}``, ``{a b}`` and ``{requestId=abc123}`` (a log line) stay.
    ("{", re.compile(r"(?:(?<=[)\]])[ ]?|^[ \t]*+)" + SHOWN_NOWHERE_RE + r"(?:[ \t]*+$)?", re.MULTILINE), " "),
    # Formatting tags go; any other name in angle brackets is kept as text (HTML_TAGS).
    ("<", re.compile(rf"</?(?:{HTML_TAGS})(?![\w:-])[^<>\n]{{0,300}}+>", re.IGNORECASE), " "),
    # A thematic break (``---``, ``* * *``) or a setext heading's underline, before a list's "-".
    ("", re.compile(r"^[ ]{0,3}+(?:(?:-[ \t]*+){3,}+|(?:_[ \t]*+){3,}+|(?:\*[ \t]*+){3,}+|=++[ \t]*+)$", re.MULTILINE), " "),
    # "+++" (a collapsible's markers) before a list's "+", which would leave "++" behind.
    ("", re.compile(r"^[ \t]*+(?:#{1,6}|>+|\+\+\+|[-*+]|\d++[.)])[ \t]*", re.MULTILINE), ""),
    # Emphasis by underscores: a run of one to three that follows no word character nor a
    # backtick (code is no emphasis), closed on the line by the same run that no word character
    # follows, with only text between them (an underscore inside a word too: ``__aem_program_id__``).
    # Every other underscore is part of a name and stays: ``aem_program_id``, ``_jcr_content``,
    # ``_setAccount``, ``adobe_id_``. Each scan stops at the next underscore, backtick or line end.
    ("_", EMPHASIS_UNDERSCORES_RE, r"\2"),
    ("", re.compile(r"[*`|]{1,3}"), " "),  # emphasis and code marks, table bars
]


def plain_text(markdown):
    """The readable text of a markdown fragment, whitespace folded to single spaces."""
    text = markdown
    for needle, pattern, replacement in REPLACEMENTS:
        if needle in text:
            text = pattern.sub(replacement, text)
    return " ".join(html.unescape(text).split())


# Inline syntax of a one-line field (a title, a description): each pattern scans in linear time.
INLINE_REPLACEMENTS = [
    (BADGE_ATTRIBUTES_RE, r"\1"),
    (MARKER_RE, r"\1"),
    (BADGE_ATTRIBUTES_RE, r"\1"),  # a badge around a nested marker, now plain
    (MARKER_RE, r"\1"),  # again: the marker around a nested one
    (re.compile(r"\[([^\[\]]*+)\]\([^()]*+\)(\{[^{}]*+\})?"), r"\1"),  # links
    (re.compile(r"\{[#.:][^{}\n]*+\}"), " "),  # attribute lists
    (re.compile(r"</?(?:b|i|em|strong|code|span|u|sup|sub|kbd)\b[^<>]{0,200}+>", re.IGNORECASE), ""),
    (re.compile(r"\*\*(?=\S)([^*\n]*+)(?<=\S)\*\*"), r"\1"),  # **bold** (not __x__: identifiers)
    (re.compile(r"`([^`\n]++)`"), r"\1"),  # `code`
]
# A description that is only its label: "Description", as authors' templates leave it.
DESCRIPTION_LABELS = {"description", "beschreibung", "descripción", "descripcion", "説明", "설명", "描述", "说明",
                      "description:", "descrição", "descrizione"}


def inline_text(text):
    """A title or description as its text: ``[!UICONTROL Hot clicks] report`` → ``Hot clicks
    report``, ``**x**`` → ``x``, ``<b>x</b>`` → ``x``, links → their text, ``{#id}`` dropped, entities read,
    a zero-width space beside a space dropped (``without_spaced_zero_widths``). The source
    (front matter, revisions) keeps what the author wrote; this is what every page shows."""
    if not text:
        return ""
    for pattern, replacement in INLINE_REPLACEMENTS:
        text = pattern.sub(replacement, text)
    return " ".join(without_spaced_zero_widths(html.unescape(text)).split())


# A zero-width space beside a space (``[!UICONTROL 自動ターゲット &#x200B;] アクティビティ``, as
# translation memories leave it) marks no break a space does not: with it, two spaces show.
SPACED_ZERO_WIDTH_RE = re.compile("(?<=\\s)\u200b++|\u200b++(?=\\s)")


def without_spaced_zero_widths(text):
    """``text`` without the zero-width spaces that stand beside a space (kept elsewhere: between
    two words they mark where a line may break)."""
    return SPACED_ZERO_WIDTH_RE.sub("", text) if "\u200b" in text else text


def shown_description(text):
    """``inline_text`` of a description, or "" when it is only the word "Description" (in any
    of the site's languages)."""
    text = inline_text(text)
    return "" if text.casefold().rstrip(" :.：。") in DESCRIPTION_LABELS else text
