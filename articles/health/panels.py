"""What the editor pages show of articles' health: the panel on an article's editor page, the
owner filter of the lists. Reads only.

``article_panel(article, user)`` returns ``{"health", "owner", "owner_value", "owner_choices"}``:
the ``ArticleHealth`` row, the owner's name ("" for nobody), the owner spelt for the form, and
(publishers only, else ``[]``) everyone who may own it."""
from ..editing.health import health_of
from ..editing.permissions import can_publish
from . import owners


def article_panel(article, user):
    health = health_of(article)
    return {"health": health, "owner": health.owner_name, "owner_value": owners.owner_value(health),
            "owner_choices": owners.owner_choices() if can_publish(user) else []}


def owner_filter(request):
    """The editors' lists' owner filter from ``?owner=``: ``{"value", "choices", "narrow"}``,
    ``narrow`` None for every article (``owners.owner_filter``)."""
    value = request.GET.get("owner", "")
    if owners.parse(value) == ("", ""):
        value = ""
    return {"value": value, "choices": owners.filter_choices(),
            "narrow": owners.owner_filter(value, request.user)}
