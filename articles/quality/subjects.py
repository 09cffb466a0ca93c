"""What the automatic checks read of a revision, gathered from the database and the media folder.

    subject_for(translation, revision, user) -> checks.Subject

A link resolves when it names a page of kb the article's readers can open: for an external
article, a public translation (``/en/articles/KA-1/``, or a documentation ``.md`` link that
``docpaths``/``listings.doc_index`` resolve); for an internal one, any article ``user`` sees.
Links to other sites are not kb's to tell (None). An image resolves when the translation's
copies (else another translation's, as pages show it: ``pages.image_resolver``) name a file
that is in the media folder; an image on another site is not kb's to tell.
"""
import re
from urllib.parse import unquote, urlsplit

from django.conf import settings

from .. import docpaths, listings
from ..media import media_file
from ..models import Article, Translation
from ..pages import image_resolver
from .checks import Subject

ARTICLE_PATH_RE = re.compile(r"^/(?:[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8}){0,2}/)?articles/([^/]+)/?$")


def subject_for(translation, revision, user):
    external = translation.article.audience == Article.Audience.EXTERNAL
    siblings = list(Translation.objects.filter(article_id=translation.article_id).only("id", "assets"))
    return Subject(title=revision.title, body=revision.body, external=external,
                   internal_notes=translation.internal_notes or "",
                   link_resolves=link_resolver(translation, None if external else user),
                   image_resolves=media_resolver(image_resolver(translation, siblings)))


def link_resolver(translation, reader):
    """``resolves(href)`` for links of ``translation`` read by ``reader`` (None: anyone)."""
    readable = Translation.objects.visible_to(reader)
    index = []  # the documentation index, read once when a .md link asks for it

    def resolves(href):
        target = docpaths.link_target(translation.doc_path, href)
        if target is not None:
            index[:] = index or [listings.doc_index(reader)]
            return index[0].find(target[0]) is not None
        try:
            parts = urlsplit(href)
        except ValueError:
            return False
        found = ARTICLE_PATH_RE.match(unquote(parts.path)) if not (parts.scheme or parts.netloc) else None
        if found is None:
            return None
        return readable.filter(article__number__iexact=found.group(1)).exists()

    return resolves


def media_resolver(resolve):
    """``resolves(src)`` for image sources: a relative one through ``resolve`` (the translation's
    copies) and then the media folder; one under the media address straight to the folder."""
    prefix = "/" + urlsplit(settings.MEDIA_URL).path.strip("/") + "/"

    def in_media(url):
        path = unquote(urlsplit(url).path)
        if not path.startswith(prefix):
            return None
        return media_file(settings.MEDIA_ROOT, path[len(prefix):]) is not None

    def resolves(src):
        try:
            parts = urlsplit(src)
        except ValueError:
            return False
        if parts.scheme or parts.netloc:
            return None
        if src.startswith("/"):
            return in_media(src)
        url = resolve(src)
        return bool(url) and in_media(url) is not False

    return resolves
