"""Events of the editing service, told to the people they concern once its transaction commits.

The service calls a hook inside its transaction; the hook registers the work with
``transaction.on_commit`` and returns, so nothing is told of a change that rolled back, and
telling never delays the change's transaction nor fails it: any error while notifying is logged
(logger ``articles.notifications``) and the change stands.

    article_moved(article, user, old, new, comment="")   ``actions.transition``
        → not_validated: ``waiting_for_review`` to its reviewers (``people.reviewers``)
        → wip from not_validated or validated: ``sent_back`` to its authors, with the comment
        → validated: ``published`` to its authors and its owner
    owner_changed(article, user, health)                 ``editing.health.set_owner``
        → ``task_assigned`` to the new owner, for each open or in-progress task of the article
    article_flagged(flag)                                ``health.tasks.flag``
        → ``flagged`` to its owner, with the report's reason and comment
    task_opened(task)                                    ``health.tasks.task_from_votes``
        → ``task_assigned`` to its owner (readers' votes opened it: nobody acted)

``notify(kind, recipients, ...)`` makes the rows: never for the person who acted, only for
users who may edit, as each chose (``Preferences``: off makes none; an e-mail mode for a user
without an address is the inbox only), and sends the ``immediate`` ones (``mail.send_at_once``).
``review_due`` is made by the daily run (``daily``).
"""
import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..health.models import Task
from ..models import Article
from . import mail, people
from .models import EMAILED, Kind, Mode, Notification
from .preferences import preferences_for

logger = logging.getLogger("articles.notifications")
Status = Article.Status
COMMENT_CHARS = 5000


def article_moved(article, user, old, new, comment=""):
    kind = kind_of_move(old, new)
    if kind is not None:
        _after_commit(_article_moved, article.pk, _pk(user), kind, comment or "")


def owner_changed(article, user, health):
    _after_commit(_owner_changed, article.pk, _pk(user), health.owner_user_id, health.owner_group_id)


def article_flagged(flag):
    _after_commit(_article_flagged, flag.task_id, flag.user_id, flag.reason, flag.comment)


def task_opened(task):
    _after_commit(_task_opened, task.pk)


def kind_of_move(old, new):
    if new == Status.NOT_VALIDATED:
        return Kind.WAITING_FOR_REVIEW
    if new == Status.WORK_IN_PROGRESS and old in (Status.NOT_VALIDATED, Status.VALIDATED):
        return Kind.SENT_BACK
    if new == Status.VALIDATED:
        return Kind.PUBLISHED
    return None


def notify(kind, recipients, *, article_id=None, task_id=None, actor_id=None, detail="", comment=""):
    """The notifications of one event, made and (``immediate`` ones) e-mailed: ``[Notification]``."""
    ids = people.editors(set(recipients) - {actor_id})
    if not ids:
        return []
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=ids)}
    now, made = timezone.now(), []
    for pk, preferences in sorted(preferences_for(ids).items()):
        mode = preferences.mode(kind)
        if mode == Mode.OFF:
            continue
        if mode in EMAILED and not users[pk].email:
            mode = Mode.IN_APP
        made.append(Notification(recipient=users[pk], kind=kind, delivery=mode, article_id=article_id,
                                 task_id=task_id, actor_id=actor_id, detail=detail[:40],
                                 comment=(comment or "")[:COMMENT_CHARS], created_at=now))
    Notification.objects.bulk_create(made)
    if any(item.delivery == Mode.IMMEDIATE for item in made):
        made = list(Notification.objects.filter(pk__in=[item.pk for item in made])
                    .select_related("recipient", "article", "actor"))
        mail.send_at_once(made)
    return made


def _article_moved(article_id, actor_id, kind, comment):
    if kind == Kind.WAITING_FOR_REVIEW:
        recipients = people.reviewers(article_id, actor_id)
    elif kind == Kind.SENT_BACK:
        recipients = people.authors(article_id)
    else:
        recipients = people.authors(article_id) | people.owners(article_id)
    notify(kind, recipients, article_id=article_id, actor_id=actor_id,
           comment=comment if kind == Kind.SENT_BACK else "")


def _owner_changed(article_id, actor_id, owner_user_id, owner_group_id):
    recipients = {owner_user_id} if owner_user_id else people.members(owner_group_id) if owner_group_id else set()
    if not recipients:
        return
    for task_id, task_kind in (Task.objects.filter(article_id=article_id, state__in=Task.ACTIVE)
                               .order_by("opened_at", "id").values_list("pk", "kind")):
        notify(Kind.TASK_ASSIGNED, recipients, article_id=article_id, task_id=task_id, actor_id=actor_id,
               detail=task_kind)


def _article_flagged(task_id, actor_id, reason, comment):
    article_id = Task.objects.filter(pk=task_id).values_list("article_id", flat=True).first()
    if article_id is not None:
        notify(Kind.FLAGGED, people.owners(article_id), article_id=article_id, task_id=task_id, actor_id=actor_id,
               detail=reason, comment=comment)


def _task_opened(task_id):
    found = Task.objects.filter(pk=task_id).values_list("article_id", "kind").first()
    if found is not None:
        article_id, kind = found
        notify(Kind.TASK_ASSIGNED, people.owners(article_id), article_id=article_id, task_id=task_id, detail=kind)


def _after_commit(function, *args):
    transaction.on_commit(lambda: _safely(function, *args))


def _safely(function, *args):
    try:
        function(*args)
    except Exception:
        logger.exception("notifying failed (%s%r); the change itself was saved", function.__name__, args)


def _pk(user):
    return getattr(user, "pk", None)
