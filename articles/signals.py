"""Model signals: the search index follows every save (see ``search.upkeep``)."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Article, Translation
from .search.upkeep import index_on_commit


@receiver(post_save, sender=Translation)
@receiver(post_delete, sender=Translation)
def reindex_translation(sender, instance, **kwargs):
    index_on_commit([instance.pk])


@receiver(post_save, sender=Article)
def reindex_article(sender, instance, created, **kwargs):
    # Status and audience decide whether the translations are public.
    if not created:
        index_on_commit(instance.translations.values_list("pk", flat=True))
