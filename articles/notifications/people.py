"""Who an event concerns, as sets of user ids. Reads only.

    editors(ids)            -> the active users among ``ids`` who may edit (roles of ``editing.permissions``)
    publishers()            -> every active user who may publish
    owners(article_id)      -> its owner: the user, or every member of the owning group
    authors(article_id)     -> who wrote it: the authors of each translation's latest revision and
                               whoever last submitted it for review
    reviewers(article_id, actor_id)  -> who reviews it: the members of its owning group (but the
                               actor) when a group owns it and has such members who may edit; else the publishers

Events never reach the person who acted (``events``) nor anyone who may not edit.
"""
from django.contrib.auth import get_user_model
from django.db.models import F, Q

from ..health.models import ArticleHealth
from ..models import Article, ArticleEvent, Revision


def _holding(codename):
    return (Q(is_staff=True) | Q(is_superuser=True)
            | Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label="articles")
            | Q(user_permissions__codename=codename, user_permissions__content_type__app_label="articles"))


def editors(ids):
    ids = {pk for pk in ids if pk}
    if not ids:
        return set()
    return set(get_user_model().objects.filter(pk__in=ids, is_active=True).filter(_holding("edit_articles"))
               .values_list("pk", flat=True).distinct())


def publishers():
    return set(get_user_model().objects.filter(is_active=True).filter(_holding("publish_articles"))
               .values_list("pk", flat=True).distinct())


def owners(article_id):
    health = ArticleHealth.objects.filter(article_id=article_id).values("owner_user_id", "owner_group_id").first()
    if health is None:
        return set()
    if health["owner_user_id"]:
        return {health["owner_user_id"]}
    if health["owner_group_id"]:
        return members(health["owner_group_id"])
    return set()


def members(group_id):
    return set(get_user_model().objects.filter(groups=group_id, is_active=True).values_list("pk", flat=True))


def authors(article_id):
    latest = Revision.objects.filter(translation__article_id=article_id, author__isnull=False,
                                     number=F("translation__latest_revision"))
    found = set(latest.values_list("author_id", flat=True))
    submitted = (ArticleEvent.objects.filter(article_id=article_id, action="transition",
                                             new=Article.Status.NOT_VALIDATED, actor__isnull=False)
                 .order_by("-at", "-id").values_list("actor_id", flat=True).first())
    return found | ({submitted} if submitted else set())


def reviewers(article_id, actor_id=None):
    group = ArticleHealth.objects.filter(article_id=article_id).values_list("owner_group_id", flat=True).first()
    team = editors(members(group) - {actor_id}) if group else set()
    return team or publishers()

