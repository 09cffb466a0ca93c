"""Links and images whose text and target are looked for within a bounded stretch.

Python-Markdown's ``LinkInlineProcessor.getText`` scans from every ``[`` to the end of the
paragraph for its ``]``, and ``getLink`` from every ``](`` for its ``)``: quadratic, minutes
for a paragraph of 60,000 ``[``. Here a link text holding more than ``MAX_BRACKETS`` brackets, or
nesting them deeper than ``MAX_NESTING``, is not a link: the brackets stay literal text, as
for any unclosed bracket. A plain target is read whatever its length; one with a title or nested
parentheses within ``MAX_TARGET`` characters.
"""
import re

from markdown import inlinepatterns as stock
from markdown.extensions import Extension

MAX_NESTING = 8  # brackets open at once inside a link text
MAX_BRACKETS = 32  # brackets a link text may hold
BRACKET_RE = re.compile(r"[\[\]]")
PLAIN_TEXT_RE = re.compile(r"[^\[\]]*+\]")
TOO_DEEP = "[" * MAX_NESTING
MAX_TARGET = 2000  # for a target with a title or parentheses
TARGET_END_RE = re.compile(r"[()<\"']")


class BoundedText:
    """Mixin for the stock link processors: ``getText`` and ``getLink`` in linear time."""

    def getText(self, data, index):
        # Only brackets are visited, at most MAX_BRACKETS of them: any stretch of text is crossed
        # by at most MAX_BRACKETS scans, whatever its length (a data: image inside a link is
        # 100 KB of link text).
        plain = PLAIN_TEXT_RE.match(data, index)  # most link texts hold no bracket
        if plain:
            return data[index:plain.end() - 1], plain.end(), True
        if data.startswith(TOO_DEEP, index):  # "[[[[…": fail without a scan
            return "", index, False
        depth = 1
        for count, bracket in enumerate(BRACKET_RE.finditer(data, index)):
            if count == MAX_BRACKETS:
                break
            if bracket.group() == "]":
                depth -= 1
                if depth == 0:
                    return data[index:bracket.start()], bracket.end(), True
            else:
                depth += 1
                if depth > MAX_NESTING:
                    break
        return "", index, False

    def getLink(self, data, index):
        # A plain target, "(" up to a ")" with no quote, "<" or "(" before it, is read at once
        # whatever its length (a data: image is 100 KB): the scan stops at the first of these
        # characters, and as each link's "(" is one of them, scans never overlap.
        if data.startswith("(", index):
            end = TARGET_END_RE.search(data, index + 1)
            if end is None:
                return "", None, index, False
            if end.group() == ")":
                return self.unescape(data[index + 1:end.start()]).strip(), None, end.end(), True
        # Titles and nested parentheses: the stock character loop, within a bounded window.
        close = data.find(")", index, index + MAX_TARGET)
        if close < 0 or data.count("(", index, close) > MAX_NESTING:
            return "", None, index, False
        href, title, end, handled = super().getLink(data[index:index + MAX_TARGET], 0)
        return href, title, index + end, handled


class LinkProcessor(BoundedText, stock.LinkInlineProcessor):
    pass


class ImageProcessor(BoundedText, stock.ImageInlineProcessor):
    pass


class ReferenceProcessor(BoundedText, stock.ReferenceInlineProcessor):
    pass


class ImageReferenceProcessor(BoundedText, stock.ImageReferenceInlineProcessor):
    pass


class ShortReferenceProcessor(BoundedText, stock.ShortReferenceInlineProcessor):
    pass


class ShortImageReferenceProcessor(BoundedText, stock.ShortImageReferenceInlineProcessor):
    pass


# (name, class, pattern, priority) as Python-Markdown registers them.
PROCESSORS = [
    ("reference", ReferenceProcessor, stock.REFERENCE_RE, 170),
    ("link", LinkProcessor, stock.LINK_RE, 160),
    ("image_link", ImageProcessor, stock.IMAGE_LINK_RE, 150),
    ("image_reference", ImageReferenceProcessor, stock.IMAGE_REFERENCE_RE, 140),
    ("short_reference", ShortReferenceProcessor, stock.REFERENCE_RE, 130),
    ("short_image_ref", ShortImageReferenceProcessor, stock.IMAGE_REFERENCE_RE, 125),
]


class BoundedLinkExtension(Extension):
    """Replaces the stock link, image and reference processors under their own names."""

    def extendMarkdown(self, md):
        for name, processor, pattern, priority in PROCESSORS:
            md.inlinePatterns.register(processor(pattern, md), name, priority)


def makeExtension(**kwargs):
    return BoundedLinkExtension(**kwargs)
