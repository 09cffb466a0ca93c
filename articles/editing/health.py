"""Actions of the editing service on what keeps an article trustworthy (``articles.health``):
its owner and its review clock. Each checks the role, locks the article's row and writes in
one transaction, as ``actions`` does.

    set_owner(user, number, owner_user=None, owner_group=None)  -> ArticleHealth   (publishers)
    verify(user, number, comment="")                             -> Verification    (its owner, publishers)
    set_review_interval(user, number, days)                      -> ArticleHealth   (its owner, publishers)
    set_product_interval(user, product, days)                    -> int, articles whose date moved (publishers)
    set_review_settings(user, default_interval_days=, show_last_reviewed=)  -> HealthSettings (publishers)
    article_published(article, user)                             -> [Task] done     (transition to validated)
    start_care(article, creator)                                 -> ArticleHealth   (create_article)
    start_care_on_import(article_id, user, created, front_matter, product_ids)  (import_translation)
    refresh_due_dates(article_ids=None)                          -> int, rows whose date moved
    health_of(article)                                           -> ArticleHealth, made when missing

``owner_user`` is a user name (someone who may edit), ``owner_group`` a group name; neither
means nobody owns the article. An article's **owner** (the user, or any member of the group)
and publishers look after it: they verify it, set its interval and work on its tasks. Owner and
interval changes are recorded as ``ArticleEvent`` rows (``owner``, ``review_interval``), shown
with the article's lifecycle; each review is a ``Verification``.

When readers are shown "last reviewed on" (``HealthSettings.show_last_reviewed``), a review,
and switching that on or off, record the index journal for the translations readers see, so
that their stored pages (``readercache``) are made again.
"""
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..health import dates
from ..health.models import ArticleHealth, HealthSettings, ReviewInterval, Verification
from ..models import Article, Product, Translation
from ..notifications import events as notifications
from ..search import sync
from . import actions, permissions  # actions imports this module: its names are read when called
from .errors import Forbidden, Invalid, InvalidTransition

OWNER_NAME_CHARS = 150  # what auth's username and group name columns hold
COMMENT_CHARS = 5000


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
            notifications.owner_changed(article, user, health)  # its tasks, to the new owner
    return health


def may_look_after(user, health):
    """Publishers, and the article's owner: its user, or a member of its group."""
    if permissions.can_publish(user):
        return True
    if not permissions.can_edit(user):
        return False
    if health.owner_user_id:
        return health.owner_user_id == user.pk
    return bool(health.owner_group_id) and user.groups.filter(pk=health.owner_group_id).exists()


def require_look_after(user, health):
    if not may_look_after(user, health):
        raise Forbidden(_("Only the article's owner or a publisher may do this."))


def verify(user, number, comment=""):
    """The article is still right: its review date moves to today plus its interval, the
    review is recorded with ``comment``, and its review task is done."""
    permissions.require_edit(user)
    comment = actions._clean_message(comment, "comment", limit=COMMENT_CHARS)
    with transaction.atomic(), sync.deferred():
        article = actions._locked_article(number)
        if article.status == Article.Status.ARCHIVED:
            raise InvalidTransition(_("An archived article is not reviewed: restore it first."))
        health = health_of(article)
        require_look_after(user, health)
        now = timezone.now()
        health.reviewed_at, health.reviewed_by = now, user
        health.review_due = dates.due_on(now, interval_for(health)[0])
        health.save(update_fields=["reviewed_at", "reviewed_by", "review_due"])
        verification = Verification.objects.create(article=article, at=now, by=user, comment=comment,
                                                   review_due=health.review_due)
        _tasks().close_review_tasks(article, user, comment)
        if HealthSettings.current().show_last_reviewed:
            sync.record_change(Translation.objects.public().filter(article=article).values_list("pk", flat=True),
                               sync.VISIBILITY)
    return verification


def set_review_interval(user, number, days):
    """The article's own review interval in days (None: its products' or the site's); its
    review date follows at once."""
    permissions.require_edit(user)
    days = clean_interval(days, "interval_days", allow_none=True)
    with transaction.atomic():
        article = actions._locked_article(number)
        health = health_of(article)
        require_look_after(user, health)
        if health.review_interval_days != days:
            actions._event(article, user, "review_interval", str(health.review_interval_days or ""), str(days or ""))
            health.review_interval_days = days
            health.save(update_fields=["review_interval_days"])
            refresh_due_dates([article.pk])
            health.refresh_from_db()
    return health


def set_product_interval(user, product, days):
    """How often the articles of ``product`` (its name) are reviewed; None: as the site says."""
    permissions.require_publish(user)
    days = clean_interval(days, "days", allow_none=True)
    found = Product.objects.filter(name=product).first() if isinstance(product, str) else None
    if found is None:
        raise Invalid("product", _("No product %(name)s.") % {"name": str(product)[:200]}, code="unknown_product")
    with transaction.atomic():
        if days is None:
            ReviewInterval.objects.filter(product=found).delete()
        else:
            ReviewInterval.objects.update_or_create(product=found, defaults={"days": days})
        return refresh_due_dates(Translation.objects.filter(products=found).values("article_id"))


def set_review_settings(user, default_interval_days=None, show_last_reviewed=None, products=None):
    """The site's review interval, whether readers see "last reviewed on", and ``products``
    ``{name: days or None}`` (``set_product_interval`` for each, all or none: an unknown name
    changes nothing); None leaves a value as it is."""
    permissions.require_publish(user)
    if default_interval_days is not None:
        default_interval_days = clean_interval(default_interval_days, "default_interval_days")
    with transaction.atomic(), sync.deferred():
        for product, days in (products or {}).items():
            set_product_interval(user, product, days)
        current = HealthSettings.objects.select_for_update().filter(pk=1).first() or HealthSettings.current()
        if default_interval_days is not None and default_interval_days != current.default_interval_days:
            current.default_interval_days = default_interval_days
            current.save(update_fields=["default_interval_days"])
            refresh_due_dates()
        if show_last_reviewed is not None and bool(show_last_reviewed) != current.show_last_reviewed:
            current.show_last_reviewed = bool(show_last_reviewed)
            current.save(update_fields=["show_last_reviewed"])
            sync.record_change(Translation.objects.public().values_list("pk", flat=True), sync.VISIBILITY)
    return current


def article_published(article, user):
    """``actions.transition`` published the article: its tasks whose owner asked for it are done."""
    return _tasks().close_on_publish(article, user)


def start_care(article, creator):
    """The new article's row: owned by its creator, due its interval after today."""
    owner = creator if getattr(creator, "pk", None) else None
    health = ArticleHealth.objects.create(article=article, owner_user=owner)
    refresh_due_dates([article.pk])
    return health


def start_care_on_import(article_id, user, created, front_matter, product_ids=()):
    """An imported article's row: a new one (``created``: the article's creation time, else
    None) is owned by whoever asked for the import (nobody for the command line) until a
    publisher names an owner, and falls due as ``refresh_due_dates`` would make it, from the
    products (``product_ids``) of its one translation. A review date in the file's front
    matter (``dates.reviewed_on``) later than the one known, and not in the future, becomes
    its last review."""
    reviewed = dates.reviewed_on(front_matter)
    if reviewed is not None and reviewed > timezone.now():
        reviewed = None
    if created is not None:
        product_days = ReviewInterval.objects.filter(product_id__in=product_ids).values_list(
            "days", flat=True) if product_ids else ()
        days = dates.interval_of(None, product_days, HealthSettings.current().default_interval_days)[0]
        ArticleHealth.objects.create(article_id=article_id, reviewed_at=reviewed, review_due=dates.due_on(
            reviewed or created, days), owner_user=user if getattr(user, "pk", None) else None)
        return
    if reviewed is not None:
        health = ArticleHealth.objects.get_or_create(article_id=article_id)[0]
        if health.reviewed_at is not None and health.reviewed_at >= reviewed:
            return
        health.reviewed_at, health.reviewed_by = reviewed, None
        health.save(update_fields=["reviewed_at", "reviewed_by"])
    else:
        return
    refresh_due_dates([article_id])


def refresh_due_dates(article_ids=None):
    """Each article's review date made again from its last review (else its creation) and its
    interval (``dates.interval_of``); ``article_ids`` (ids or a query of them) limits it.
    Returns how many dates moved. The rows are locked while it runs, in the articles' order, so
    a review committed meanwhile is never overwritten with a date made from the one before."""
    with transaction.atomic(savepoint=False):  # a caller's failure rolls its own transaction back
        rows = ArticleHealth.objects.select_for_update(of=("self",)).order_by("article_id")
        links = Translation.products.through.objects.filter(product__review_interval__isnull=False)
        if article_ids is not None:
            rows = rows.filter(article_id__in=article_ids)
            links = links.filter(translation__article_id__in=article_ids)
        rows = list(rows.values_list("article_id", "review_interval_days", "reviewed_at", "article__created_at",
                                     "review_due"))
        product_days = defaultdict(set)
        for article_id, days in links.values_list("translation__article_id", "product__review_interval__days"):
            product_days[article_id].add(days)
        default = HealthSettings.current().default_interval_days
        moved = []
        for pk, own, reviewed, created, due in rows:
            new = dates.due_on(reviewed or created, dates.interval_of(own, product_days.get(pk, ()), default)[0])
            if new != due:
                moved.append(ArticleHealth(article_id=pk, review_due=new))
        ArticleHealth.objects.bulk_update(moved, ["review_due"], batch_size=500)
    return len(moved)


def interval_for(health):
    """``(days, source)`` of one article (``dates.interval_of``)."""
    product_days = ReviewInterval.objects.filter(
        product__translations__article_id=health.article_id).values_list("days", flat=True)
    return dates.interval_of(health.review_interval_days, product_days, HealthSettings.current().default_interval_days)


def clean_interval(value, field, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(field, _("The interval is a whole number of days."), code="invalid_type")
    if not dates.MIN_INTERVAL_DAYS <= value <= dates.MAX_INTERVAL_DAYS:
        raise Invalid(field, _("The interval is from %(min)d to %(max)d days.")
                      % {"min": dates.MIN_INTERVAL_DAYS, "max": dates.MAX_INTERVAL_DAYS}, code="out_of_range")
    return value


def health_of(article):
    """The article's row, made (owned by nobody) for an article that has none: one made before
    this service kept rows, or outside it."""
    health, created = ArticleHealth.objects.select_related("owner_user", "owner_group").get_or_create(article=article)
    if created:
        refresh_due_dates([article.pk])
        health.refresh_from_db()
    return health


def _tasks():
    from ..health import tasks  # it reads who looks after an article here

    return tasks


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
