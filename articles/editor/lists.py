"""What editors work through: translations outdated or missing per language, drafts waiting to
be published, articles in work in progress or waiting for review. Reads only.

``translation_gaps()`` returns ``{language: {"outdated": [Row], "missing": [Row]}}`` for every
served language, archived articles left out; a ``Row`` names the article, its title (in that
language when it has one, else the source's) and the translation's revisions."""
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import F, Prefetch

from .. import languages
from ..editing.queries import content_keys, is_outdated, may_be_outdated
from ..models import Article, Translation

Status = Article.Status
FIELDS = ("pk", "article__number", "article__source_language", "language", "title", "source_revision",
          "published_revision", "latest_revision")


@dataclass
class Row:
    number: str
    title: str
    language: str = ""
    source_language: str = ""


def translation_gaps():
    by_article = {}
    rows = Translation.objects.exclude(article__status=Status.ARCHIVED).values_list(*FIELDS)
    for pk, number, source_language, language, title, source_revision, published, latest in rows.iterator():
        by_article.setdefault((number, source_language), {})[language] = SimpleNamespace(
            pk=pk, language=language, title=title, source_revision=source_revision, published_revision=published,
            latest_revision=latest)
    candidates = [(translation, translations.get(source_language))
                  for (number, source_language), translations in by_article.items()
                  for translation in translations.values()]
    keys = content_keys([(source.pk, n) for translation, source in candidates if may_be_outdated(translation, source)
                         for n in (translation.source_revision, source.published_revision)])
    gaps = {code: {"outdated": [], "missing": []} for code in languages.site_languages()}
    for (number, source_language), translations in sorted(by_article.items()):
        source = translations.get(source_language)
        source_title = source.title if source else next(iter(translations.values())).title
        for code, gap in gaps.items():
            translation = translations.get(code)
            if translation is None:
                gap["missing"].append(Row(number, source_title, code, source_language))
            elif is_outdated(translation, source, keys):
                gap["outdated"].append(Row(number, translation.title, code, source_language))
    return gaps


def drafts(narrow=None):
    """Translations whose latest revision is newer than the published one. ``narrow`` (the
    owner filter, ``health.owners.owner_filter``) keeps some of them."""
    found = (Translation.objects.exclude(article__status=Status.ARCHIVED)
             .filter(published_revision__isnull=False, latest_revision__gt=F("published_revision")))
    if narrow is not None:
        found = narrow(found, "article__")
    return list(found.select_related("article").order_by("article__number", "language"))


def articles_in(statuses, language, narrow=None):
    """Articles in ``statuses`` with ``.translation``: the one in ``language``, else the best other."""
    found = Article.objects.filter(status__in=statuses)
    if narrow is not None:
        found = narrow(found)
    found = list(found.order_by("-updated_at")
                 .prefetch_related(Prefetch("translations", queryset=Translation.objects.only(
                     "id", "article_id", "language", "title", "latest_revision", "published_revision"))))
    for article in found:
        article.translation = languages.pick_by_language(list(article.translations.all()), language)
    return found


def work_in_progress(language, narrow=None):
    return articles_in([Status.WORK_IN_PROGRESS, Status.NOT_VALIDATED], language, narrow)


def waiting_for_review(language, narrow=None):
    return articles_in([Status.NOT_VALIDATED], language, narrow)
