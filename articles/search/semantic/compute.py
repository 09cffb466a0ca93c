"""Keeping the stored embeddings current: ``catch_up(limit=None, batch=BATCH)``.

A translation is *due* when it has no embedding, one of another model or text recipe
(``text.embedding_key``), or was saved after its
embedding read it (``Translation.updated_at`` past ``source_updated_at``). Each due translation's
``passage_text`` is hashed: an unchanged hash only records the newer ``updated_at`` (a save that
left the title, description and symptoms alone costs no embedding); the others are embedded
``batch`` at a time, the public translations first (what most readers search), and written in
one transaction per batch. A queryset ``update()`` that changes these columns must set
``updated_at`` too, as the importer does; ``catch_up(recheck=True)`` hashes every translation
again (after a migration that rewrote texts without it).

Returns a ``CatchUpReport``. Raises ``model.SemanticUnavailable`` without the model.
"""
from dataclasses import dataclass
import logging

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ...models import Translation
from .model import PASSAGE, embedder
from .models import TranslationEmbedding, vector_to_quantized
from .text import embedding_key, passage_text, text_hash

BATCH = 32  # texts per call to the model: its matrix products share the weights' reads
COLUMNS = ("id", "title", "description", "sections", "body", "updated_at")

logger = logging.getLogger(__name__)


@dataclass
class CatchUpReport:
    embedded: int = 0  # texts given to the model
    unchanged: int = 0  # due translations whose text was what their embedding holds
    remaining: bool = False  # ``limit`` was reached with translations still due


def due(key):
    """The translations whose embedding of ``key`` (``text.embedding_key``) is missing or may be stale."""
    return Translation.objects.filter(
        Q(embedding__isnull=True) | ~Q(embedding__model=key)
        | Q(updated_at__gt=F("embedding__source_updated_at")))


def catch_up(limit=None, batch=BATCH, recheck=False, should_stop=lambda: False):
    """See the module docstring. ``limit``: at most about this many texts embedded (whole
    batches); ``should_stop()`` is asked between batches."""
    model = embedder()
    report = CatchUpReport()
    for scope in (Translation.objects.public(), Translation.objects.all()):
        queryset = scope if recheck else scope.filter(pk__in=due(embedding_key(model)).values("pk"))
        after = 0
        while True:
            if should_stop() or (limit is not None and report.embedded >= limit):
                report.remaining = bool(queryset.filter(pk__gt=after).exists())
                return report
            rows = list(queryset.filter(pk__gt=after).order_by("pk").select_related("embedding")
                        .only(*COLUMNS, "embedding__model", "embedding__text_hash")[:batch])
            if not rows:
                break
            after = rows[-1].pk
            _embed_batch(model, rows, report)
    return report


def _embed_batch(model, translations, report):
    key = embedding_key(model)
    texts, wanted, unchanged = {}, [], []
    for translation in translations:
        text = passage_text(translation)
        texts[translation.pk] = (text, text_hash(text))
        stored = getattr(translation, "embedding", None)  # None: no embedding yet
        if stored is not None and stored.model == key and stored.text_hash == texts[translation.pk][1]:
            unchanged.append(translation)
        else:
            wanted.append(translation)
    vectors = model.embed([texts[t.pk][0] for t in wanted], PASSAGE) if wanted else []
    now = timezone.now()
    rows = []
    for translation, vector in zip(wanted, vectors):
        data, scale = vector_to_quantized(vector)
        rows.append(TranslationEmbedding(translation_id=translation.pk, model=key,
                                         text_hash=texts[translation.pk][1], source_updated_at=translation.updated_at,
                                         vector_bytes=data, scale=scale, updated_at=now))
    _write(rows)
    for translation in unchanged:  # the vector stands; only the newer save is recorded
        TranslationEmbedding.objects.filter(pk=translation.pk).update(source_updated_at=translation.updated_at)
    report.embedded += len(wanted)
    report.unchanged += len(unchanged)


def _write(rows):
    """Insert or replace ``rows``; a translation deleted meanwhile is left out."""
    if not rows:
        return
    fields = ["model", "text_hash", "source_updated_at", "vector_bytes", "scale", "updated_at"]
    try:
        with transaction.atomic():
            TranslationEmbedding.objects.bulk_create(rows, update_conflicts=True, unique_fields=["translation"],
                                                     update_fields=fields)
    except IntegrityError:
        present = set(Translation.objects.filter(pk__in=[r.translation_id for r in rows]).values_list("pk", flat=True))
        with transaction.atomic():
            TranslationEmbedding.objects.bulk_create([r for r in rows if r.translation_id in present],
                                                     update_conflicts=True, unique_fields=["translation"],
                                                     update_fields=fields)
