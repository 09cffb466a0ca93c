"""The notifications' part of ``manage.py kb_daily``: remind owners of articles due for review,
then send each user one digest of every e-mail they are owed.

    run_daily(day=None) -> DailyNotifications(reminders, digests, notifications, failed)

**Reminders**: each open or in-progress review task (``health.daily`` opens them) gives its
article's owner (the user, or each member of the owning group) one ``review_due``
notification, once (a unique constraint per task and recipient, so running again, or on two
servers at once, makes none twice). An owner who wants them by e-mail, at once or in the digest,
gets them in today's digest: many articles falling due make one mail, not one each.

**Digests**: every user owed e-mails (``digest`` notifications, reminders, and ``immediate``
ones whose sending failed) gets one mail listing them, newest first, in their language. A day
has at most one digest per user: its ``Digest`` row is made first, and on several servers at
once the second waits on the unique constraint and then finds the day's digest made. The
notifications are claimed (``emailed_at``, ``digest``) in the same transaction, so none is
ever mailed twice. Sending happens after the claim commits; a failed send gives the
notifications and the day back (the next run tries again), and is logged and counted in
``failed``. Kinds the user has since turned to the inbox only, or off, are not mailed.
"""
from dataclasses import dataclass
from datetime import date
import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..health.models import ArticleHealth, Task
from . import mail, people
from .models import EMAILED, Digest, Kind, Mode, Notification
from .preferences import email_language, preferences_for, preferences_of

logger = logging.getLogger("articles.notifications")


@dataclass
class DailyNotifications:
    day: date
    reminders: int = 0  # review_due notifications made
    digests: int = 0  # digest e-mails sent
    notifications: int = 0  # notifications they carried
    failed: int = 0  # digests that could not be sent (logged)


def run_daily(day=None):
    report = DailyNotifications(day or timezone.localdate())
    report.reminders = remind_review_due()
    for user_id in owed_recipients():
        try:
            carried = send_digest(user_id, report.day)
        except Exception:
            logger.exception("the digest of user %s could not be sent; the next run tries again", user_id)
            report.failed += 1
        else:
            report.digests += bool(carried)
            report.notifications += carried
    return report


def remind_review_due():
    """``review_due`` notifications for review tasks whose owner has none yet: how many made."""
    reminded = Notification.objects.filter(kind=Kind.REVIEW_DUE, task_id__isnull=False).values("task_id")
    due = list(Task.objects.filter(kind=Task.Kind.REVIEW, state__in=Task.ACTIVE).exclude(pk__in=reminded)
               .values_list("pk", "article_id"))
    if not due:
        return 0
    owners = _owners({article_id for _pk, article_id in due})
    recipients = people.editors(set().union(*owners.values())) if owners else set()
    preferences, now, made = preferences_for(recipients), timezone.now(), []
    emails = dict(get_user_model().objects.filter(pk__in=recipients).values_list("pk", "email"))
    for task_id, article_id in due:
        for user_id in sorted(owners.get(article_id, set()) & recipients):
            mode = preferences[user_id].mode(Kind.REVIEW_DUE)
            if mode == Mode.OFF:
                continue
            # A reminder comes with the day's digest: falling due is what the daily run found.
            delivery = Mode.DIGEST if mode in EMAILED and emails.get(user_id) else Mode.IN_APP
            made.append(Notification(recipient_id=user_id, kind=Kind.REVIEW_DUE, delivery=delivery,
                                     article_id=article_id, task_id=task_id, created_at=now))
    before = Notification.objects.filter(kind=Kind.REVIEW_DUE).count()
    Notification.objects.bulk_create(made, batch_size=500, ignore_conflicts=True)
    return Notification.objects.filter(kind=Kind.REVIEW_DUE).count() - before


def owed_recipients():
    return sorted(set(Notification.objects.filter(emailed_at__isnull=True, delivery__in=EMAILED)
                      .values_list("recipient_id", flat=True).distinct()))


def send_digest(user_id, day):
    """The day's digest of ``user_id``: how many notifications it carried (0: none owed, or the
    day's digest was made already)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    preferences = preferences_of(user_id)
    _not_mailed_any_more(user, user_id, preferences)
    with transaction.atomic():
        try:
            with transaction.atomic():
                digest = Digest.objects.create(recipient_id=user_id, day=day, made_at=timezone.now(),
                                               language=email_language(preferences))
        except IntegrityError:
            return 0  # made today, here or on another server
        owed = list(Notification.objects.select_for_update().filter(recipient_id=user_id, emailed_at__isnull=True,
                                                                    delivery__in=EMAILED).values_list("pk", flat=True))
        if not owed:
            transaction.set_rollback(True)  # no digest today after all
            return 0
        Notification.objects.filter(pk__in=owed).update(emailed_at=timezone.now(), digest=digest)
        Digest.objects.filter(pk=digest.pk).update(count=len(owed))
    rows = list(Notification.objects.filter(digest=digest).select_related("article", "actor")
                .order_by("-created_at", "-id"))
    try:
        mail.message_for(user, rows, digest.language, digest=True).send()
    except Exception:
        with transaction.atomic():
            Notification.objects.filter(digest=digest).update(emailed_at=None, digest=None)
            digest.delete()
        raise
    Digest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
    return len(rows)


def _not_mailed_any_more(user, user_id, preferences):
    """Owed notifications of kinds the user now wants in the inbox only (or off), or of a user
    without an address or no longer active, become inbox-only: no digest carries them."""
    if user is None or not user.email:
        kinds = Kind.values
    else:
        kinds = [kind for kind in Kind.values if preferences.mode(kind) not in EMAILED]
    if kinds:
        Notification.objects.filter(recipient_id=user_id, emailed_at__isnull=True, delivery__in=EMAILED,
                                    kind__in=kinds).update(delivery=Mode.IN_APP)


def _owners(article_ids):
    """``{article id: {user id}}``: the owner user, or the owning group's members."""
    found, groups = {}, {}
    for article_id, user_id, group_id in ArticleHealth.objects.filter(article_id__in=article_ids).values_list(
            "article_id", "owner_user_id", "owner_group_id"):
        if user_id:
            found[article_id] = {user_id}
        elif group_id:
            groups.setdefault(group_id, set()).add(article_id)
    memberships = get_user_model().groups.through.objects.filter(group_id__in=list(groups), user__is_active=True)
    for user_id, group_id in memberships.values_list("user_id", "group_id") if groups else ():
        for article_id in groups[group_id]:
            found.setdefault(article_id, set()).add(user_id)
    return found
