"""Who may do what (KCS roles). Editors (group ``editor``, permission ``edit_articles``) create,
edit, translate and submit for review; publishers (group ``publisher``, also
``publish_articles``) publish, send back, archive, restore and change the audience; staff and
superusers may do everything. Coaches (group ``coach``: ``edit_articles`` and
``quality.score_articles``), publishers and staff score articles against the quality checklist
(``articles.quality``)."""
from django.utils.translation import gettext as _

from .errors import Forbidden

EDITOR, PUBLISHER, COACH = "editor", "publisher", "coach"
ROLES = (EDITOR, PUBLISHER)
ROLE_PERMISSIONS = {EDITOR: ["edit_articles"], PUBLISHER: ["edit_articles", "publish_articles"]}


def role_group(role):
    """The group of a role, with its permissions (created by a migration; made again here if a
    database was emptied since, as a test's flush does)."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=role)
    if created or not group.permissions.exists():
        group.permissions.add(*Permission.objects.filter(content_type__app_label="articles",
                                                         codename__in=ROLE_PERMISSIONS[role]))
    return group


def _signed_in(user):
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def can_edit(user):
    return _signed_in(user) and (user.is_staff or user.has_perm("articles.edit_articles"))


def can_publish(user):
    return _signed_in(user) and (user.is_staff or user.has_perm("articles.publish_articles"))


def can_coach(user):
    return can_edit(user) and (can_publish(user) or user.has_perm("quality.score_articles"))


def coach_group():
    """The coaches' group with its permissions (made by ``quality``'s migration; again here
    after a database was emptied, as for ``role_group``)."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=COACH)
    if created or not group.permissions.exists():
        group.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename="edit_articles"),
                              *Permission.objects.filter(content_type__app_label="quality", codename="score_articles"))
    return group


def require_edit(user):
    if not can_edit(user):
        raise Forbidden(_("You may not edit articles: ask for the editor or publisher role."))


def require_publish(user):
    if not can_publish(user):
        raise Forbidden(_("Only publishers may do this."))


def require_coach(user):
    if not can_coach(user):
        raise Forbidden(_("Only coaches and publishers may score articles."))
