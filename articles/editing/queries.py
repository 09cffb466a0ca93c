"""What editors and the API read about an article: its translations, their revisions, whether
they are outdated, and diffs between any two revisions."""
from django.db.models import F
from django.utils.translation import gettext as _

from ..models import Article, Revision, Translation, sees_unpublished
from .diff import changed_fields
from .errors import NotFound


def get_article(number, user):
    """The article when ``user`` may see it (readers: validated, external, with a public
    translation); else ``NotFound``."""
    article = Article.objects.by_number(number)
    if article is None or not (sees_unpublished(user) or Translation.objects.public().filter(article=article).exists()):
        raise NotFound(_("No article %(number)s.") % {"number": str(number)[:100]})
    return article


def source_of(article, translations=None):
    translations = translations if translations is not None else list(article.translations.all())
    return next((t for t in translations if t.language == article.source_language), None)


def is_outdated(translation, source, keys=None):
    """The source's published content (title, description, body) differs from that of the
    source revision this translation was written from; a source saved again with the same
    text, or restored to it, leaves its translations up to date. ``keys`` (from
    ``content_keys``) saves the query when many translations are checked."""
    if not may_be_outdated(translation, source):
        return False
    wanted = [(source.pk, translation.source_revision), (source.pk, source.published_revision)]
    keys = keys if keys is not None else content_keys(wanted)
    return keys.get(wanted[0]) != keys.get(wanted[1])


def may_be_outdated(translation, source):
    """Whether the source's published revision moved past this translation's base at all."""
    if source is None or translation.language == source.language or translation.source_revision is None:
        return False
    return bool(source.published_revision) and translation.source_revision < source.published_revision


def content_keys(pairs):
    """``{(translation id, revision number): content key}`` for the given pairs, in one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    rows = Revision.objects.filter(translation_id__in={t for t, _ in pairs}, number__in={n for _, n in pairs})
    return {(t, n): key for t, n, key in rows.values_list("translation_id", "number", "content_key")
            if (t, n) in pairs}


def article_summary(article, user):
    """``{"number", "status", "audience", "source_language", "translations": [{"language",
    "title", "revision", "published_revision", "outdated"}]}``; readers see public translations only."""
    translations = list(Translation.objects.visible_to(user).filter(article=article).order_by("language"))
    source = source_of(article, list(article.translations.all()))
    keys = content_keys([(source.pk, n) for t in translations if may_be_outdated(t, source)
                         for n in (t.source_revision, source.published_revision)])
    return {
        "number": article.number, "status": article.status, "audience": article.audience,
        "source_language": article.source_language,
        "translations": [{
            "language": t.language, "title": t.title, "revision": revision_seen_by(t, user),
            "published_revision": t.published_revision, "outdated": is_outdated(t, source, keys),
        } for t in translations],
    }


def revision_seen_by(translation, user):
    """The latest revision for those who see unpublished work; for readers the published one,
    so that nothing tells them a draft exists."""
    return translation.latest_revision if sees_unpublished(user) else translation.published_revision


def get_translation(article, language, user):
    translation = Translation.objects.visible_to(user).filter(article=article, language=language).first()
    if translation is None:
        raise NotFound(_("No %(language)s translation of %(number)s.") % {"language": language, "number": article.number})
    return translation


def revisions_of(translation):
    return list(Revision.objects.filter(translation=translation).select_related("author").order_by("-number"))


def get_revision(translation, number):
    revision = Revision.objects.filter(translation=translation, number=number).select_related("author").first()
    if revision is None:
        raise NotFound(_("No revision %(revision)s of this translation.") % {"revision": number})
    return revision


def has_drafts(article):
    """Whether publishing would change what readers see: a translation's latest revision is
    not its published one."""
    return article.translations.filter(latest_revision__gt=0).exclude(
        published_revision=F("latest_revision")).exists()


def revision_or_none(translation, number):
    return Revision.objects.filter(translation=translation, number=number).first()


def revision_fields(revision):
    return {"title": revision.title, "description": revision.description, "keywords": revision.keywords,
            "products": revision.products, "body": revision.body}


def diff_revisions(translation, old, new):
    """``{field: diff}`` between revisions ``old`` and ``new`` (any two, either order)."""
    return changed_fields(revision_fields(get_revision(translation, old)),
                          revision_fields(get_revision(translation, new)), translation.language)
