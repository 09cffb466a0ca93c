"""Links and images whose text and target are looked for within a bounded stretch.

Python-Markdown's ``LinkInlineProcessor.getText`` scans from every ``[`` to the end of the
paragraph for its ``]``, and ``getLink`` from every ``](`` for its ``)``: a paragraph of
60,000 ``[`` took minutes. Here a link text longer than ``MAX_TEXT`` characters, or nesting
brackets deeper than ``MAX_NESTING``, and a target longer than ``MAX_TARGET`` characters, are
not a link: the brackets stay literal text, as for any unclosed bracket.
"""
from markdown import inlinepatterns as stock
from markdown.extensions import Extension

MAX_TEXT = 2000
MAX_NESTING = 16
MAX_TARGET = 2000


class BoundedText:
    """Mixin for the stock link processors: ``getText`` and ``getLink`` see a bounded window."""

    def getText(self, data, index):
        window = data[index:index + MAX_TEXT]
        depth = 1
        for position, char in enumerate(window):
            if char == "]":
                depth -= 1
                if depth == 0:
                    return window[:position], index + position + 1, True
            elif char == "[":
                depth += 1
                if depth > MAX_NESTING:
                    break
        return "", index, False

    def getLink(self, data, index):
        # The stock loop reads a character at a time: look for a closing ")" in C first.
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
