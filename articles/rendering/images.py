"""Article images: resolved to copied media, or shown as a visible placeholder.

A relative ``![alt](assets/x.png)`` is looked up with the ``resolve_image(reference)`` callable
given to the renderer (the importer's copies the file to media storage and answers its URL;
a page re-render answers from the translation's stored map). When it answers None the image
becomes ``<span class="image-missing">`` naming the file, and the reference is listed in
``missing``. A site-absolute source (``/help/assets/x.svg``, as documentation repositories write
them from their root) is offered to the resolver too; when it answers None (or without a
resolver: a preview) the image is left as written if it is one of this site's media or static
files (``MEDIA_URL``, ``STATIC_URL``: an editor's upload), and is missing like a relative one
otherwise (``/assets/banner.png`` above the imported folder would show a broken image). Sources with a scheme (``https:``,
``data:``) are left to the sanitizer. Images written as HTML (``<img src="assets/x.png">``)
follow the same rules (``RawHtmlImages``). A markdown link to a local file a reader downloads
(``LINKED_FILE_SUFFIXES``: a PDF, a certificate, a spreadsheet) is offered to the resolver too,
and left as written when it answers None.
"""
from html import escape as html_escape, unescape as html_unescape
from posixpath import basename
import re

from django.conf import settings
from django.utils.translation import gettext as _
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

MISSING = object()  # ``ImageExtension.shown``: no file for it, a placeholder instead
EXTERNAL_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|/)", re.IGNORECASE)  # any scheme: the sanitizer judges it


# Files a page may link to for download (``[certificate](assets/client.crt)``): copied like its
# images when the resolver finds them. Never HTML, markdown or anything a browser would run.
LINKED_FILE_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".pdf", ".zip", ".gz", ".tgz", ".csv", ".tsv",
    ".txt", ".log", ".json", ".xml", ".yaml", ".yml", ".xlsx", ".xls", ".docx", ".doc", ".pptx", ".ppt",
    ".crt", ".cer", ".pem", ".har", ".mp4", ".webm", ".mp3",
})


def linked_file_suffix(href):
    """The lowercase suffix of a link to a file of ``LINKED_FILE_SUFFIXES``, else ""."""
    path = href.split("#", 1)[0].split("?", 1)[0]
    dot = path.rfind(".")
    suffix = path[dot:].lower() if dot > path.rfind("/") else ""
    return suffix if suffix in LINKED_FILE_SUFFIXES else ""


def is_relative_image(src):
    return bool(src) and not EXTERNAL_RE.match(src)


def is_site_image(src):
    """``/path/x.png``: from the root of the page's repository, or of a site."""
    return src.startswith("/") and not src.startswith("//")


def is_served_here(src):
    """A site-absolute source naming one of this site's media or static files."""
    return any(prefix.startswith("/") and src.startswith(prefix)
               for prefix in (settings.MEDIA_URL or "", settings.STATIC_URL or ""))


class ImageProcessor(Treeprocessor):
    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, root):
        resolve_image = self.extension.resolve_image
        if resolve_image:
            for link in root.iter("a"):  # a file the page links to: its copy, else left as written
                href = link.get("href", "")
                if (is_relative_image(href) or is_site_image(href)) and linked_file_suffix(href):
                    url = resolve_image(href)
                    if url:
                        link.set("href", url)
        for image in root.iter("img"):
            src = image.get("src", "")
            url = self.extension.shown(src)
            if url is MISSING:
                image.tag = "span"
                image.attrib.clear()
                image.set("class", "image-missing")
                image.text = _("Image not available: %(name)s") % {"name": basename(src) or src}
            elif url:
                image.set("src", url)
                image.set("loading", "lazy")


class RawHtmlImages(Postprocessor):
    """``<img src="assets/x.png">`` written as HTML follows the rules of markdown images: the
    raw HTML Python-Markdown stashed is rewritten before it is put back (``raw_html``, 30).
    Escaped HTML (code samples) holds no ``<img`` and is never touched."""

    TAG_RE = re.compile(r"<img\b[^<>]*+>", re.IGNORECASE)
    SRC_RE = re.compile(r"""(\bsrc\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'<>`=]+))""", re.IGNORECASE)

    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, text):
        stash = self.md.htmlStash
        stash.rawHtmlBlocks = [self.TAG_RE.sub(self._image, block) if isinstance(block, str) and "<img" in
                               block.lower() else block for block in stash.rawHtmlBlocks]
        return text

    def _image(self, match):
        tag = match.group(0)
        found = self.SRC_RE.search(tag)
        if found is None:
            return tag
        src = html_unescape(next(group for group in found.groups()[1:] if group is not None))
        url = self.extension.shown(src)
        if url is None:
            return tag
        if url is not MISSING:
            return f'{tag[:found.start()]}{found.group(1)}"{html_escape(url)}" loading="lazy"{tag[found.end():]}'
        return (f'<span class="image-missing">{html_escape(_("Image not available: %(name)s") % {"name": basename(src) or src})}'
                "</span>")


class ImageExtension(Extension):
    """Holds the per-document resolver and the list of missing references it fills."""

    def __init__(self, **kwargs):
        self.resolve_image = None
        self.missing = []
        super().__init__(**kwargs)

    def configure(self, resolve_image, missing):
        self.resolve_image, self.missing = resolve_image, missing

    def shown(self, src):
        """What an image's ``src`` becomes (the rules of the module docstring): the resolver's
        URL; None to leave it as written (a scheme, this site's own media or static file); or
        ``MISSING``, listed in ``missing``."""
        if not is_relative_image(src) and not is_site_image(src):
            return None
        url = self.resolve_image(src) if self.resolve_image else None
        if url or (is_site_image(src) and is_served_here(src)):
            return url
        self.missing.append(src)
        return MISSING

    def extendMarkdown(self, md):
        md.treeprocessors.register(ImageProcessor(md, self), "kb_images", 15)
        md.postprocessors.register(RawHtmlImages(md, self), "kb_raw_images", 35)


class HeadingAttributeSpacing(Extension):
    """``# Title{#id}`` → ``# Title {#id}``: Experience League glues the id to the title, while
    ``attr_list`` wants a space. Runs after fenced code is stashed, so code is never touched."""

    GLUED_RE = re.compile(r"^(#{1,6}[ \t].*?\S)(\{[#.:][^{}\n]*+\})[ \t]*+$", re.MULTILINE)

    def extendMarkdown(self, md):
        from markdown.preprocessors import Preprocessor

        pattern = self.GLUED_RE

        class Spacing(Preprocessor):
            def run(self, lines):
                return pattern.sub(r"\1 \2", "\n".join(lines)).split("\n")

        md.preprocessors.register(Spacing(md), "kb_heading_attr_spacing", 15)
