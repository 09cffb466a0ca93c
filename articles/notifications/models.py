"""Notifications as data.

``Notification``: one event for one recipient, kept in their inbox until deleted with the
article or the user. ``delivery`` is how the recipient chose, when it was made, to hear of
its kind: ``in_app`` (the inbox only), ``immediate`` (also an e-mail at once) or ``digest``
(also the next daily digest). An e-mail is owed while ``emailed_at`` is None and ``delivery``
is not ``in_app``; an immediate e-mail that failed stays owed and goes with the next digest.

``Preferences``: one row per user, made on the first change; a user without one has the
defaults (``DEFAULT_MODES``). ``Digest``: the day's digest e-mail of one user, at most one
(a unique constraint: two servers running ``kb_daily`` at once make one).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    WAITING_FOR_REVIEW = "waiting_for_review", _("An article is waiting for review")
    SENT_BACK = "sent_back", _("Your article was sent back")
    PUBLISHED = "published", _("Your article was published")
    FLAGGED = "flagged", _("An article you own was reported")
    TASK_ASSIGNED = "task_assigned", _("A task was given to you")
    REVIEW_DUE = "review_due", _("An article you own is due for review")


class Mode(models.TextChoices):
    OFF = "off", _("Off")
    IN_APP = "in_app", _("In the inbox only")
    IMMEDIATE = "immediate", _("Inbox and an e-mail at once")
    DIGEST = "digest", _("Inbox and the daily digest e-mail")


EMAILED = (Mode.IMMEDIATE, Mode.DIGEST)
# What a user who chose nothing gets: a mail at once for what waits on them alone (their work
# sent back, a task given to them), the rest gathered in the daily digest or only in the inbox.
DEFAULT_MODES = {
    Kind.WAITING_FOR_REVIEW: Mode.DIGEST,
    Kind.SENT_BACK: Mode.IMMEDIATE,
    Kind.PUBLISHED: Mode.IN_APP,
    Kind.FLAGGED: Mode.DIGEST,
    Kind.TASK_ASSIGNED: Mode.IMMEDIATE,
    Kind.REVIEW_DUE: Mode.DIGEST,
}


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="notifications", on_delete=models.CASCADE)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    delivery = models.CharField(max_length=20, choices=[c for c in Mode.choices if c[0] != Mode.OFF])
    article = models.ForeignKey("articles.Article", null=True, blank=True, related_name="notifications",
                                on_delete=models.CASCADE)
    task = models.ForeignKey("health.Task", null=True, blank=True, related_name="notifications",
                             on_delete=models.CASCADE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+",
                              on_delete=models.SET_NULL)  # None: a reader, the daily run, or a deleted user
    detail = models.CharField(max_length=40, blank=True)  # flagged: the reason; task_assigned: the task's kind
    comment = models.TextField(blank=True)  # the send-back comment, the report's comment
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey("Digest", null=True, blank=True, related_name="notifications",
                               on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notify_inbox"),
            # The editor menu's count reads this index only.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notify_unread"),
            models.Index(fields=["recipient"], condition=Q(emailed_at__isnull=True) & ~Q(delivery="in_app"),
                         name="notify_owed"),
        ]
        constraints = [
            # The daily run reminds each owner once of each review task, however often it runs.
            models.UniqueConstraint(fields=["recipient", "task"], condition=Q(kind="review_due"),
                                    name="notify_one_reminder_per_task"),
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.kind} ({self.article_id})"

    @property
    def is_read(self):
        return self.read_at is not None


class Preferences(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, related_name="notification_preferences",
                                on_delete=models.CASCADE)
    modes = models.JSONField(default=dict, blank=True)  # {kind: mode}; a kind absent has DEFAULT_MODES'
    language = models.CharField(max_length=20, blank=True)  # of e-mails; "": the editor's, below
    editor_language = models.CharField(max_length=20, blank=True)  # the site's language last used in the editor

    def __str__(self):
        return f"{self.user_id}: {self.modes}"

    def mode(self, kind):
        chosen = (self.modes or {}).get(kind)
        return Mode(chosen) if chosen in Mode.values else DEFAULT_MODES[kind]


class Digest(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="notification_digests",
                                  on_delete=models.CASCADE)
    day = models.DateField()
    made_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)  # None: being sent
    count = models.PositiveIntegerField(default=0)
    language = models.CharField(max_length=20)

    class Meta:
        ordering = ["-day", "recipient"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="notify_one_digest_per_day")]

    def __str__(self):
        return f"{self.recipient_id} {self.day}: {self.count}"
