"""Serving the images copied from imported articles (``MEDIA_ROOT``), in every mode.

Media came from article sources, not from us: each answer forbids sniffing, runs under a policy
that allows no script (``sandbox``), and an SVG is a download when opened by itself — in an
``<img>`` it still shows, but a ``<script>`` inside it never runs on our origin. Names are
content-addressed by the importer, so a file never changes under its name: cache for a year.
"""
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

MEDIA_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
ONE_YEAR = 365 * 24 * 3600


def media_file(root, name):
    """The file ``name`` under ``root``, or None when it is missing or lies outside ``root``
    (``../settings.py``, an absolute path, a symlink out)."""
    root = Path(root).resolve()
    try:
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        return None
    return path


@require_safe
def serve_media(request, path):
    """``GET /media/<path>``: the file with the headers above, or 404."""
    found = media_file(settings.MEDIA_ROOT, path)
    if found is None:
        raise Http404("no such media file")
    is_svg = found.suffix.lower() in {".svg", ".svgz"}
    try:
        opened = found.open("rb")
    except OSError:  # removed or unreadable since it was found
        raise Http404("no such media file") from None
    response = FileResponse(opened, as_attachment=is_svg)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_POLICY
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
