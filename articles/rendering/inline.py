"""Experience League inline markers: ``[!UICONTROL label]``, ``[!DNL name]``, ``[!BADGE text]``.

``[!UICONTROL Save]`` → ``<span class="uicontrol">Save</span>`` (an interface label),
``[!DNL Adobe Target]`` → ``<span class="dnl">Adobe Target</span>`` (a name not to translate),
``[!BADGE Beta]{type=Positive tooltip="Since May"}`` → ``<span class="badge badge-positive"
title="Since May">Beta</span>`` (the attribute list is the badge's: its ``type``, one of
``BADGE_TYPES``, colours it). Registered after code spans and escapes (190/180) so a marker
inside backticks stays literal, and before links (160) so ``[[!UICONTROL Save]](url)`` keeps its
link. A marker nested in another's label is a span inside it. The same markers written inside raw HTML (a table authored as HTML) are rewritten in the
HTML Python-Markdown stashed (``RawHtmlMarkers``), outside ``<code>`` and ``<pre>``.
"""
from html import escape as html_escape, unescape as html_unescape
import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

CLASSES = {"UICONTROL": "uicontrol", "DNL": "dnl", "BADGE": "badge"}
BADGE_TYPES = {"informative", "positive", "negative", "neutral", "caution", "notice"}
# A badge's attribute list, right after it: {type=Informative}, {type="Neutral" tooltip="…"}.
BADGE_ATTRIBUTES_RE = re.compile(r"\{([^{}\n]{0,300})\}")
# From a name's first character only: from each of "a-a-a-…" the scan would be quadratic.
_ATTRIBUTE_RE = re.compile(r"""(?<![\w-])([\w-]++)\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s"'}]++))""")


def _attribute_values(text):
    """``{name (lowercase): value}`` of an attribute list's text (``type=Positive tooltip="…"``)."""
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTRIBUTE_RE.finditer(text)}


def badge_attributes(text, values=None):
    """``{"class": "badge badge-…", "title": …}`` from a badge's attribute list text (or its
    ``_attribute_values``, when read already)."""
    found = _attribute_values(text) if values is None else values
    attributes = {"class": "badge"}
    kind = found.get("type", "").strip().lower()
    if kind in BADGE_TYPES:
        attributes["class"] += f" badge-{kind}"
    if found.get("tooltip", "").strip():
        attributes["title"] = found["tooltip"].strip()
    return attributes


# A front matter key declaring a page badge: ``badge``, ``badgePremium``, ``badgeBeta``.
FRONT_MATTER_BADGE_RE = re.compile(r"badge[A-Za-z0-9_-]{0,40}", re.IGNORECASE)
MAX_PAGE_BADGES = 5


def front_matter_badges(front_matter):
    """The badges a documentation page declares in its front matter, in the file's order
    (``badgePremium: label="Premium" type="Positive" url="https://…" tooltip="…"``):
    ``[{"label", "class", "title", "url"}]``, at most ``MAX_PAGE_BADGES``. One without a label
    is left out; ``url`` is its first word when that is an http(s) address, else ""; the
    tooltip is plain text (``inline_text``)."""
    from .text import inline_text

    badges = []
    for key, value in (front_matter or {}).items():
        if not (isinstance(key, str) and isinstance(value, str) and FRONT_MATTER_BADGE_RE.fullmatch(key)):
            continue
        found = _attribute_values(value[:1000])
        label = inline_text(found.get("label", ""))[:60]
        if not label:
            continue
        attributes = badge_attributes("", found)
        words = found.get("url", "").split()
        url = words[0] if words and words[0].lower().startswith(("https://", "http://")) else ""
        badges.append({"label": label, "class": attributes["class"], "url": url,
                       "title": inline_text(attributes.get("title", ""))[:300]})
        if len(badges) == MAX_PAGE_BADGES:
            break
    return badges


class MarkerProcessor(InlineProcessor):
    # Possessive: from each "[!" the scan ends at the first unpaired bracket (linear time).
    PATTERN = r"\[!(UICONTROL|DNL|BADGE)[ \t]++((?:[^\[\]]++|\[[^\[\]]*+\])*+)\]"

    def handleMatch(self, m, data):
        attributes, end = {"class": CLASSES[m.group(1)]}, m.end(0)
        if m.group(1) == "BADGE":
            listed = BADGE_ATTRIBUTES_RE.match(data, end)
            if listed:
                attributes, end = badge_attributes(listed.group(1)), listed.end()
        element = etree.Element("span", attributes)
        element.text = m.group(2).rstrip(" \t")
        return element, m.start(0), end


INNER_RE = re.compile(r"\[!(UICONTROL|DNL|BADGE)[ \t]++([^\[\]]*+)\]")
LITERAL_TAGS = {"code", "pre", "kbd", "samp"}


class NestedMarkerProcessor(Treeprocessor):
    """A marker nested in another's label (``[!UICONTROL [!DNL Jira] Activity Log]``) is left as
    text by the inline pattern (which does not run on its own output): after inline processing,
    such a marker left in any text, outside code, becomes its span. Its label holds no brackets."""

    def run(self, root):
        for parent in list(root.iter()):
            if parent.tag in LITERAL_TAGS:
                continue
            children, changed = [], False
            if _has_marker(parent.text):
                pieces = _pieces(parent.text)
                parent.text, changed = pieces[0], True
                children.extend(pieces[1:])
            for child in parent:
                children.append(child)
                if _has_marker(child.tail):
                    pieces = _pieces(child.tail)
                    child.tail, changed = pieces[0], True
                    children.extend(pieces[1:])
            if changed:
                parent[:] = children


def _has_marker(text):
    return bool(text) and "[!" in text and not isinstance(text, AtomicString) and INNER_RE.search(text)


def _pieces(text):
    """``[text before, span, span, …]``, each span's tail the text after it."""
    pieces, last = [None], 0
    for inner in INNER_RE.finditer(text):
        before = text[last:inner.start()]
        if len(pieces) == 1:
            pieces[0] = before
        else:
            pieces[-1].tail = before
        span = etree.Element("span", {"class": CLASSES[inner.group(1)]})
        span.text = inner.group(2).rstrip(" \t")
        pieces.append(span)
        last = inner.end()
    pieces[-1].tail = text[last:]
    return pieces


class RawHtmlMarkers(Postprocessor):
    """The markers inside raw HTML blocks, rewritten before the blocks are put back (``raw_html``,
    30). The label is HTML already (it is raw HTML's text), so it is kept as written."""

    MARKER_RE = re.compile(MarkerProcessor.PATTERN + r"(?:" + BADGE_ATTRIBUTES_RE.pattern + r")?")
    TAG_RE = re.compile(r"<(/?)([A-Za-z][\w-]*+)?[^<>]*+>")

    def run(self, text):
        stash = self.md.htmlStash
        stash.rawHtmlBlocks = [self._rewrite(block) if isinstance(block, str) and "[!" in block else block
                               for block in stash.rawHtmlBlocks]
        return text

    def _rewrite(self, block):
        """Rewrite the text between tags (never inside one: an ``alt`` or ``title`` keeps its
        marker as written) outside ``<pre>``/``<code>`` elements, in one pass over the tags."""
        out, start, literal = [], 0, 0
        for tag in self.TAG_RE.finditer(block):
            text = block[start:tag.start()]
            out.append(self.MARKER_RE.sub(self._marker, text) if not literal and "[!" in text else text)
            out.append(tag.group(0))
            start = tag.end()
            if (tag.group(2) or "").lower() in ("pre", "code"):
                literal = max(literal - 1, 0) if tag.group(1) else literal + 1
        rest = block[start:]
        out.append(self.MARKER_RE.sub(self._marker, rest) if not literal and "[!" in rest else rest)
        return "".join(out)

    @staticmethod
    def _marker(match):
        kind, label, listed = match.group(1), match.group(2).rstrip(" \t"), match.group(3)
        label = INNER_RE.sub(lambda inner: f'<span class="{CLASSES[inner.group(1)]}">{inner.group(2).rstrip()}</span>', label)
        after = ""
        if kind == "BADGE" and listed is not None:
            attributes = badge_attributes(html_unescape(listed))
        else:
            attributes = {"class": CLASSES[kind]}
            after = f"{{{listed}}}" if listed is not None else ""
        shown = "".join(f' {name}="{html_escape(value)}"' for name, value in attributes.items())
        return f"<span{shown}>{label}</span>{after}"


class InlineMarkerExtension(Extension):
    def extendMarkdown(self, md):
        md.inlinePatterns.register(MarkerProcessor(MarkerProcessor.PATTERN, md), "adobe_marker", 175)
        md.postprocessors.register(RawHtmlMarkers(md), "kb_raw_markers", 34)
        # After ``inline`` (20), before the table of contents (5) reads the headings' text.
        md.treeprocessors.register(NestedMarkerProcessor(md), "kb_nested_markers", 19)


def makeExtension(**kwargs):
    return InlineMarkerExtension(**kwargs)
