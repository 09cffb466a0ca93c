"""Owners as lists and forms see them. Reads only.

An owner is spelt ``user:<name>`` or ``group:<name>`` in forms and filters. The editors' lists
take an ``owner`` filter:

    ""              every article
    "me"            owned by the signed-in user or by a group they belong to
    "none"          owned by nobody
    "user:<name>"   owned by that user
    "group:<name>"  owned by that group

``owned_by(queryset, spec, user, path)`` applies it to any queryset that reaches the article
through ``path`` (``""`` for articles, ``"article__"`` for translations, tasks).
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q

USER, GROUP, ME, NOBODY = "user:", "group:", "me", "none"


def parse(spec):
    """``(kind, name)`` of a spelt owner: ``("user", "ana")``, ``("group", "fr-team")``,
    ``("me", "")``, ``("none", "")``; ``("", "")`` for every article, and for anything else."""
    spec = (spec or "").strip()
    for prefix in (USER, GROUP):
        if spec.startswith(prefix) and spec[len(prefix):]:
            return prefix[:-1], spec[len(prefix):]
    return (spec, "") if spec in (ME, NOBODY) else ("", "")


def owned_by(queryset, spec, user, path=""):
    kind, name = parse(spec)
    field = f"{path}health__"
    if kind == "user":
        return queryset.filter(**{f"{field}owner_user__username": name})
    if kind == "group":
        return queryset.filter(**{f"{field}owner_group__name": name})
    if kind == NOBODY:
        return queryset.filter(Q(**{f"{field}isnull": True}) | Q(**{f"{field}owner_user__isnull": True,
                                                                      f"{field}owner_group__isnull": True}))
    if kind == ME:
        return queryset.filter(Q(**{f"{field}owner_user": user}) | Q(**{f"{field}owner_group__in": user.groups.all()}))
    return queryset


def owner_filter(spec, user):
    """``narrow(queryset, path="")`` applying ``owned_by`` with ``spec``; None for every article."""
    if parse(spec) == ("", ""):
        return None
    return lambda queryset, path="": owned_by(queryset, spec, user, path)


def owner_value(health):
    """The spelt owner of an ``ArticleHealth`` (None: ""), as a form's initial value."""
    if health is None:
        return ""
    if health.owner_user_id:
        return USER + health.owner_user.get_username()
    return GROUP + health.owner_group.name if health.owner_group_id else ""


def owner_choices():
    """``[(spelt, label)]`` of everyone who may own an article: active users who may edit
    (staff, or holding the edit permission through a group or of their own), then groups."""
    users = (get_user_model().objects.filter(is_active=True)
             .filter(Q(is_staff=True) | Q(is_superuser=True) | Q(groups__permissions__codename="edit_articles")
                     | Q(user_permissions__codename="edit_articles"))
             .distinct().order_by("username").values_list("username", flat=True))
    groups = Group.objects.order_by("name").values_list("name", flat=True)
    return [(USER + name, name) for name in users] + [(GROUP + name, name) for name in groups]


def filter_choices():
    """The owner filter's ``[(value, label)]`` after "everyone", "mine" and "nobody": those who
    own at least one article."""
    from .models import ArticleHealth

    owners = (ArticleHealth.objects.filter(Q(owner_user__isnull=False) | Q(owner_group__isnull=False))
              .values_list("owner_user__username", "owner_group__name").distinct())
    users = sorted({u for u, g in owners if u})
    groups = sorted({g for u, g in owners if g})
    return [(USER + name, name) for name in users] + [(GROUP + name, name) for name in groups]
