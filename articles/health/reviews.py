"""What is known of articles' reviews, for editors' lists, the editor bar and readers. Reads only.

An article **needs review** when it is validated (published) and its review date is today or
past; work in progress, articles waiting for review and archived ones never do.

    needs_review(health, today=None)         -> bool
    due_articles(language, narrow=None)      -> (total, [Article]) oldest date first, each with
                                                ``.translation`` and ``.health``; at most LISTED
    bar(article)                             -> {"owner", "review_due", "needs_review", "tasks"}: the
                                                editor bar's (``tasks``: how many are open or in progress)
    last_reviewed(article)                   -> the day readers are told it was last reviewed, or None
"""
from django.db.models import Prefetch
from django.utils import timezone

from .. import languages
from ..models import Article, Translation
from .models import ArticleHealth, HealthSettings, Task

LISTED = 50


def today():
    return timezone.localdate()


def needs_review(health, article=None, on=None):
    article = article or health.article
    return (article.status == Article.Status.VALIDATED and health.review_due is not None
            and health.review_due <= (on or today()))


def due_articles(language, narrow=None, on=None, limit=LISTED):
    found = Article.objects.filter(status=Article.Status.VALIDATED, health__review_due__lte=on or today())
    if narrow is not None:
        found = narrow(found)
    total = found.count()
    rows = list(found.select_related("health", "health__owner_user", "health__owner_group")
                .order_by("health__review_due", "number")[:limit]
                .prefetch_related(Prefetch("translations", queryset=Translation.objects.only(
                    "id", "article_id", "language", "title"))))
    for article in rows:
        article.translation = languages.pick_by_language(list(article.translations.all()), language)
    return total, rows


def bar(article):
    health = (ArticleHealth.objects.select_related("owner_user", "owner_group")
              .filter(article_id=article.pk).first())
    tasks = Task.objects.filter(article_id=article.pk, state__in=Task.ACTIVE).count()
    if health is None:
        return {"owner": "", "review_due": None, "needs_review": False, "tasks": tasks}
    return {"owner": health.owner_name, "review_due": health.review_due,
            "needs_review": needs_review(health, article), "tasks": tasks}


def last_reviewed(article):
    """The day of the article's last review when publishers chose to show it to readers
    (``HealthSettings.show_last_reviewed``), else None."""
    if not HealthSettings.current().show_last_reviewed:
        return None
    reviewed = ArticleHealth.objects.filter(article_id=article.pk).values_list("reviewed_at", flat=True).first()
    return timezone.localdate(reviewed) if reviewed else None
