"""Translations → front-matter markdown files: ``OUTDIR/<language>/<number>.md``.

The front matter is written from the stored verbatim data and the body unchanged, so an
unchanged import exports a file that parses back to the same front matter and body.
"""
from pathlib import Path

from ..models import Translation
from .frontmatter import dump_document


def export_translations(outdir, queryset=None):
    """Write every translation (or ``queryset``'s); returns the number of files written."""
    outdir = Path(outdir)
    queryset = queryset if queryset is not None else Translation.objects.all()
    written = 0
    for translation in queryset.select_related("article").iterator(chunk_size=500):
        target = outdir / translation.language / f"{translation.article.number}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump_document(translation.front_matter, translation.body), encoding="utf-8")
        written += 1
    return written
