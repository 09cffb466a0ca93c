"""Actions of the editing service on what keeps an article trustworthy (``articles.health``):
its owner. Each checks the role, locks the article's row and writes in one transaction, as
``actions`` does.

    set_owner(user, number, owner_user=None, owner_group=None)  -> ArticleHealth   (publishers)
    start_care(article, creator)                                 -> ArticleHealth   (create_article)
    start_care_on_import(article_id, user, created)              -> None            (import_translation)
    health_of(article)                                           -> ArticleHealth, made when missing

``owner_user`` is a user name (someone who may edit), ``owner_group`` a group name; neither
means nobody owns the article. A change is recorded as an ``ArticleEvent`` (``owner``: old
and new names), shown with the article's lifecycle.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from ..health.models import ArticleHealth
from . import actions, permissions  # actions imports this module: its names are read when called
from .errors import Invalid

OWNER_NAME_CHARS = 150  # what auth's username and group name columns hold


def set_owner(user, number, owner_user=None, owner_group=None):
    """Give the article an owner (a user or a group), or none. Raises ``Invalid`` naming the
    field: ``unknown_user``, ``not_an_editor``, ``unknown_group``, ``one_owner`` (both given)."""
    permissions.require_publish(user)
    new_user, new_group = _owner_user(owner_user), _owner_group(owner_group)
    if new_user is not None and new_group is not None:
        raise Invalid("group", _("An article has one owner: a user or a group, not both."), code="one_owner")
    with transaction.atomic():
        article = actions._locked_article(number)
        health = health_of(article)
        before, old = (health.owner_user_id, health.owner_group_id), health.owner_name
        health.owner_user, health.owner_group = new_user, new_group
        if (health.owner_user_id, health.owner_group_id) != before:
            health.save(update_fields=["owner_user", "owner_group"])
            actions._event(article, user, "owner", old[:30], health.owner_name[:30])
    return health


def start_care(article, creator):
    """The new article's row: owned by its creator."""
    owner = creator if getattr(creator, "pk", None) else None
    return ArticleHealth.objects.create(article=article, owner_user=owner)


def start_care_on_import(article_id, user, created):
    """An imported article's row: a new one is owned by whoever asked for the import (nobody
    for the command line) until a publisher names an owner."""
    if created:
        ArticleHealth.objects.create(article_id=article_id, owner_user=user if getattr(user, "pk", None) else None)


def health_of(article):
    """The article's row, made (owned by nobody) for an article that has none: one made before
    this service kept rows, or outside it."""
    return ArticleHealth.objects.select_related("owner_user", "owner_group").get_or_create(article=article)[0]


def _owner_user(name):
    if name in (None, ""):
        return None
    if not isinstance(name, str) or len(name) > OWNER_NAME_CHARS:
        raise Invalid("user", _("No user %(name)s.") % {"name": str(name)[:OWNER_NAME_CHARS]}, code="unknown_user")
    found = get_user_model().objects.filter(username=name, is_active=True).first()
    if found is None:
        raise Invalid("user", _("No user %(name)s.") % {"name": name}, code="unknown_user")
    if not permissions.can_edit(found):
        raise Invalid("user", _("%(name)s may not edit articles: only an editor or a publisher may own one.")
                      % {"name": name}, code="not_an_editor")
    return found


def _owner_group(name):
    if name in (None, ""):
        return None
    found = Group.objects.filter(name=name).first() if isinstance(name, str) else None
    if found is None:
        raise Invalid("group", _("No group %(name)s.") % {"name": str(name)[:OWNER_NAME_CHARS]},
                      code="unknown_group")
    return found
