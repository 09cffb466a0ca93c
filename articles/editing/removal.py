"""Removing the fictional sample articles once a real corpus is imported.

    untouched_samples(samples_dir=SAMPLES_DIR) -> QuerySet of Article
    remove_samples(samples_dir=SAMPLES_DIR)    -> [numbers of the articles removed], sorted

A sample is an article none of whose translations holds anything but what the samples folder
gave it: every revision of every translation was made by an import (no author) of a file inside
``samples_dir``, and the article has no lifecycle or audience event (``ArticleEvent``). Such an
article holds nothing a person wrote, so deleting it loses nothing the folder does not hold; one
that was edited, moved through review or re-imported from elsewhere is kept.

The articles go in one transaction with their translations, revisions, events and votes (their
foreign keys cascade) and the products only they named, the index journal's DELETE entries
recorded last in it, as
``search.sync.record_change`` asks; this server's index follows on commit.
"""
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from ..models import Article, ArticleEvent, Product, Revision, Translation
from ..search import sync

SAMPLES_DIR = Path(settings.BASE_DIR) / "samples"


def untouched_samples(samples_dir=SAMPLES_DIR):
    samples_dir = Path(samples_dir).resolve()
    revisions = Revision.objects.filter(translation__article=OuterRef("pk"))
    made_by_import = revisions.filter(author__isnull=True).exclude(import_path="")
    # Only articles with a file whose stored path names the folder are then checked path by path.
    named = made_by_import.filter(import_path__contains=samples_dir.name)
    touched = revisions.filter(Q(author__isnull=False) | Q(import_path=""))
    candidates = (Article.objects.filter(Exists(named)).exclude(Exists(touched))
                  .exclude(Exists(ArticleEvent.objects.filter(article=OuterRef("pk")))))
    paths = Revision.objects.filter(translation__article__in=candidates).values_list(
        "translation__article_id", "import_path")
    outside = {article_id for article_id, path in paths.order_by() if not _inside(path, samples_dir)}
    return candidates.exclude(pk__in=outside)


def _inside(path, folder):
    """True when ``path`` (as the importer stored it: absolute, or relative to where the command
    ran, normally the project folder) names a file inside ``folder``."""
    path = Path(path)
    for candidate in ([path] if path.is_absolute() else [Path.cwd() / path, Path(settings.BASE_DIR) / path]):
        if candidate.resolve().is_relative_to(folder):
            return True
    return False


def remove_samples(samples_dir=SAMPLES_DIR):
    with transaction.atomic(), sync.deferred():
        candidates = list(untouched_samples(samples_dir).values_list("pk", flat=True))
        # Locked as the editing service locks an article before a save: a save waiting here finds
        # the article gone; one committed before the lock is seen by the second look below.
        list(Article.objects.filter(pk__in=candidates).select_for_update().values_list("pk", flat=True))
        articles = untouched_samples(samples_dir).filter(pk__in=candidates)
        numbers = sorted(articles.values_list("number", flat=True))
        translations = Translation.objects.filter(article__number__in=numbers)
        translation_ids = list(translations.values_list("pk", flat=True))
        product_ids = set(translations.values_list("products", flat=True)) - {None}
        Article.objects.filter(number__in=numbers).delete()
        # Their products too, once no translation names them (admin lists, product spellings).
        Product.objects.filter(pk__in=product_ids, translations__isnull=True).delete()
        sync.record_change(translation_ids, sync.DELETE)
    return numbers
