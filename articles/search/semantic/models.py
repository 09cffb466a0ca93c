"""Embeddings as data: one row per translation, shared by every server, the translations a server
is embedding now, and the pairs of articles editors said are not duplicates (the ``search`` app's
tables)."""
import numpy as np
from django.conf import settings
from django.db import models


class TranslationEmbedding(models.Model):
    """The embedding of one translation's ``text.passage_text``, by the model and text recipe
    named ``model`` (``text.embedding_key``). Rows of another key are stale; so are those whose translation
    was saved after ``source_updated_at`` with another text (``text_hash``). The vector is
    int8, ``vector_bytes`` of ``dim`` bytes, times ``scale``: 384 bytes a translation."""

    translation = models.OneToOneField("articles.Translation", on_delete=models.CASCADE, primary_key=True,
                                       related_name="embedding")
    model = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=64)
    # The translation's ``updated_at`` when its text was read: a later one may have changed it.
    source_updated_at = models.DateTimeField()
    vector_bytes = models.BinaryField()
    scale = models.FloatField()
    # When the vector was written: each process reloads the rows written since its last look.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "search_translation_embedding"
        indexes = [models.Index(fields=["model", "updated_at"], name="embedding_model_updated")]

    def vector(self):
        """The stored vector as float32 (``dim``,)."""
        return quantized_to_vector(bytes(self.vector_bytes), self.scale)


class EmbeddingClaim(models.Model):
    """One translation a server's ``compute.catch_up`` is embedding now, so that the other servers
    leave it alone until ``expires_at``: at most one row a translation (the primary key), taken
    by an insert that does nothing when the row exists, deleted once the embedding is written.
    ``holder`` is ``host:pid:thread`` of the one embedding it. No foreign key: a claim is a few
    seconds old, and a translation deleted meanwhile leaves a row that expires like any other."""

    translation_id = models.BigIntegerField(primary_key=True)
    holder = models.CharField(max_length=300)
    expires_at = models.DateTimeField()

    class Meta:
        db_table = "search_embedding_claim"


def vector_to_quantized(vector):
    """float32 (dim,) → ``(bytes, scale)``: int8 times a scale of the row's largest value over
    127 (an L2-normalised vector keeps its cosines to within about 0.005)."""
    largest = float(np.abs(vector).max()) or 1.0
    scale = largest / 127.0
    return np.round(vector / scale).astype(np.int8).tobytes(), scale


def quantized_to_vector(data, scale):
    return np.frombuffer(data, dtype=np.int8).astype(np.float32) * np.float32(scale)


class DismissedDuplicate(models.Model):
    """Two articles an editor said are not duplicates (``duplicates``): the pair is never offered
    again. ``first`` is the one of the lower primary key, so a pair has one row
    (``one_dismissal_per_pair``); deleting either article deletes the row."""

    first = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "search_dismissed_duplicate"
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_dismissal_per_pair"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="dismissal_first_lower"),
        ]
