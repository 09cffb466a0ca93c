"""Model signals: every save or deletion that search can see writes an index-journal entry
in the same transaction (see ``search.upkeep``), whoever made it: the admin, the shell, a page."""
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Article, Translation
from .search import journal
from .search.upkeep import changed


@receiver(post_save, sender=Translation)
def translation_saved(sender, instance, **kwargs):
    changed([instance.pk], journal.SAVE)


@receiver(post_delete, sender=Translation)
def translation_deleted(sender, instance, **kwargs):
    changed([instance.pk], journal.DELETE)


@receiver(m2m_changed, sender=Translation.products.through)
def translation_products_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        changed([instance.pk] if not reverse else list(pk_set or []), journal.SAVE)


@receiver(post_save, sender=Article)
def article_saved(sender, instance, created, **kwargs):
    # Status and audience decide whether the translations are public.
    if not created:
        changed(instance.translations.values_list("pk", flat=True), journal.VISIBILITY)
