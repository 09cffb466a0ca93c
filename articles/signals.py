"""Model signals: every save or deletion that search can see writes an index-journal entry
in the same transaction (``search.sync.record_change``), whoever made it: the admin, the shell,
a page. Inside ``sync.deferred()`` they record nothing: the code making the change records it
(``articles/editing/``)."""
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Article, Translation
from .search import sync


@receiver(post_save, sender=Translation)
def translation_saved(sender, instance, created, **kwargs):
    # A new translation may be a page other pages link to (``readercache``): as a visibility change.
    if not sync.is_deferred():
        sync.record_change([instance.pk], sync.VISIBILITY if created else sync.SAVE)


@receiver(post_delete, sender=Translation)
def translation_deleted(sender, instance, **kwargs):
    if not sync.is_deferred():
        sync.record_change([instance.pk], sync.DELETE)


@receiver(m2m_changed, sender=Translation.products.through)
def translation_products_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not sync.is_deferred():
        sync.record_change([instance.pk] if not reverse else list(pk_set or []), sync.SAVE)


@receiver(post_save, sender=Article)
def article_saved(sender, instance, created, **kwargs):
    # Status and audience decide whether the translations are public. Deferred: before reading
    # the ids, a query an import would waste on every article.
    if not created and not sync.is_deferred():
        sync.record_change(instance.translations.values_list("pk", flat=True), sync.VISIBILITY)
