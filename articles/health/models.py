"""What keeps an article trustworthy, beside its content: data only.

``ArticleHealth`` is one row per article (made with the article by the editing service; a
daily run adds any missing one): its owner, a user or a group of editors, never both, and its
review clock. An article is verified until ``review_due``: the day its last review (a
``Verification``, or a date its file's front matter gave), else its creation, plus its review
interval (``dates``). Past it, a validated article needs review.

The interval is the article's own (``review_interval_days``), else the shortest of its
products' (``ReviewInterval``), else the site's (``HealthSettings.default_interval_days``).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ArticleHealth(models.Model):
    article = models.OneToOneField("articles.Article", primary_key=True, related_name="health",
                                   on_delete=models.CASCADE)
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="owned_articles")
    owner_group = models.ForeignKey("auth.Group", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="owned_articles")
    created_at = models.DateTimeField(auto_now_add=True)
    review_interval_days = models.PositiveIntegerField(null=True, blank=True)  # None: the products' or the site's
    reviewed_at = models.DateTimeField(null=True, blank=True)  # the last review; None: never reviewed
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="reviewed_articles")  # None with a date: its file said so
    review_due = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(owner_user__isnull=True) | Q(owner_group__isnull=True),
                                              name="health_one_owner")]

    def __str__(self):
        return f"{self.article_id}: {self.owner_name or '-'}"

    @property
    def owner_name(self):
        """The owner's user or group name; "" when nobody owns the article."""
        if self.owner_user_id:
            return self.owner_user.get_username()
        return self.owner_group.name if self.owner_group_id else ""


class Verification(models.Model):
    """One review of an article: who said it is still right, when, with what comment, and the
    review date it set. Never updated."""

    article = models.ForeignKey("articles.Article", related_name="verifications", on_delete=models.CASCADE)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="article_verifications")
    comment = models.TextField(blank=True)
    review_due = models.DateField()

    class Meta:
        ordering = ["article", "-at", "-id"]


class ReviewInterval(models.Model):
    """How often the articles of a product are reviewed, in days."""

    product = models.OneToOneField("articles.Product", primary_key=True, related_name="review_interval",
                                   on_delete=models.CASCADE)
    days = models.PositiveIntegerField()


class HealthSettings(models.Model):
    """The site's choices, one row (pk 1), changed by publishers: the review interval of
    articles without one of their own or of their products', and whether readers see when an
    article was last reviewed."""

    DEFAULT_INTERVAL_DAYS = 180

    default_interval_days = models.PositiveIntegerField(default=DEFAULT_INTERVAL_DAYS)
    show_last_reviewed = models.BooleanField(default=False)

    @classmethod
    def current(cls):
        return cls.objects.get_or_create(pk=1)[0]


class Task(models.Model):
    """Work for an article's owner: readers' reports on it (``flags``: its ``Flag`` rows, and
    not-helpful votes with a comment), its review date passed (``review``), or readers' votes
    meeting the feedback page's low-rating rule (``low_rated``). An article has at
    most one open or in-progress task of each kind: a new report joins the open one.

    open → in_progress → done | declined (with a reason); an open task may also be done or
    declined at once. ``close_on_publish``: the owner asked for it to be done when the article
    is next published (``closed_on_publish`` then says it was)."""

    class Kind(models.TextChoices):
        FLAGS = "flags", _("readers' reports")
        REVIEW = "review", _("review date passed")
        LOW_RATED = "low_rated", _("rated unhelpful by readers")

    class State(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DECLINED = "declined", _("declined")

    ACTIVE = (State.OPEN, State.IN_PROGRESS)

    article = models.ForeignKey("articles.Article", related_name="tasks", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="started_tasks")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="closed_tasks")
    resolution = models.TextField(blank=True)  # what was done, or why it was declined
    close_on_publish = models.BooleanField(default=False)
    closed_on_publish = models.BooleanField(default=False)

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "kind"], condition=Q(state__in=["open", "in_progress"]),
                                               name="health_one_active_task_per_kind")]
        indexes = [models.Index(fields=["state", "opened_at"], name="health_task_state_opened")]

    def __str__(self):
        return f"{self.article_id} {self.kind} ({self.state})"

    @property
    def is_active(self):
        return self.state in self.ACTIVE


class Flag(models.Model):
    """One report on an article: a reader's or an editor's flag from its page or the API, or a
    reader's not-helpful vote with a comment (``feedback``). A reader (the keyed hash of the
    anonymous cookie, as votes keep it) or an editor has one report per task: a second one
    replaces the first."""

    class Reason(models.TextChoices):
        INCORRECT = "incorrect", _("incorrect")
        OUTDATED = "outdated", _("outdated")
        MISSING_STEP = "missing_step", _("a step is missing")
        OTHER = "other", _("other")
        NOT_HELPFUL = "not_helpful", _("did not solve the problem")

    FLAGGED = (Reason.INCORRECT, Reason.OUTDATED, Reason.MISSING_STEP, Reason.OTHER)  # what a flag may say

    task = models.ForeignKey(Task, related_name="flags", on_delete=models.CASCADE)
    language = models.CharField(max_length=20)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()
    reader = models.CharField(max_length=64, blank=True)  # HMAC-SHA256 of the anonymous cookie id, hex
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="article_flags")
    feedback = models.OneToOneField("analytics.Feedback", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="flag")

    class Meta:
        ordering = ["task", "created_at", "id"]

    def __str__(self):
        return f"{self.task_id}: {self.reason}"


class DailyRun(models.Model):
    """One day's run of ``kb_daily``: made by the first server to start it, row-locked while it
    runs, so another server starting the same day waits and then finds it finished."""

    day = models.DateField(unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_made = models.PositiveIntegerField(default=0)
    dates_moved = models.PositiveIntegerField(default=0)
    marked = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
