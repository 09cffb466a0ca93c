"""What a notification says, in the active language, and where it leads.

    entries(notifications, language) -> [Entry]

``Entry``: ``notification``; ``text``, one sentence ("pia published KA-12."); ``title``, the
article's title in ``language`` (else English, else any: ``languages.pick_by_language``) and
``title_language``; ``comment`` (the send-back or report comment, "" when none); ``path``, the
page it leads to in ``language`` (the task's page for reports, reminders and tasks; else the
article's editor page; "" when the article is gone). Notifications should come with
``article`` and ``actor`` selected; titles are read in one query.
"""
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from .. import languages
from ..models import Translation
from .models import Kind


@dataclass
class Entry:
    notification: object
    text: str
    title: str
    title_language: str
    comment: str
    path: str


def entries(notifications, language):
    notifications = list(notifications)
    titles = _titles({n.article_id for n in notifications if n.article_id}, language)
    found = []
    for item in notifications:
        title, title_language = titles.get(item.article_id, ("", ""))
        found.append(Entry(item, sentence(item), title, title_language, item.comment, path_of(item, language)))
    return found


def sentence(item):
    actor = item.actor.get_username() if item.actor_id and item.actor else _("Someone")
    number = item.article.number if item.article_id else "—"
    values = {"actor": actor, "number": number}
    if item.kind == Kind.WAITING_FOR_REVIEW:
        return _("%(actor)s submitted %(number)s for review.") % values
    if item.kind == Kind.SENT_BACK:
        return _("%(actor)s sent %(number)s back to work in progress.") % values
    if item.kind == Kind.PUBLISHED:
        return _("%(actor)s published %(number)s.") % values
    if item.kind == Kind.FLAGGED:
        values["reason"] = reason_label(item.detail)
        if not item.actor_id:
            return _("A reader reported a problem with %(number)s: %(reason)s.") % values
        return _("%(actor)s reported a problem with %(number)s: %(reason)s.") % values
    if item.kind == Kind.TASK_ASSIGNED:
        values["task"] = task_label(item.detail)
        return _("%(actor)s gave you the task “%(task)s” on %(number)s.") % values
    return _("%(number)s passed its review date.") % values


def task_label(kind):
    """A task's kind as its pages name it (``health/_reasons.html``)."""
    return {"review": _("Review date passed"), "low_rated": _("Rated unhelpful by readers")}.get(
        kind, _("Readers' reports"))


def reason_label(reason):
    """A report's reason as the task pages say it (``health/_reasons.html``)."""
    return {"incorrect": _("incorrect"), "outdated": _("outdated"), "missing_step": _("a step is missing"),
            "not_helpful": _("did not solve the problem")}.get(reason, _("other"))


def path_of(item, language):
    if item.task_id:
        return reverse("health:task", kwargs={"lang": language, "task_id": item.task_id})
    if item.article_id:
        return reverse("editor:article", kwargs={"lang": language, "number": item.article.number})
    return ""


def _titles(article_ids, language):
    """``{article id: (title, its language)}`` in the best language for ``language``."""
    by_article = {}
    for row in Translation.objects.filter(article_id__in=article_ids).only("id", "article_id", "language", "title"):
        by_article.setdefault(row.article_id, []).append(row)
    picked = {pk: languages.pick_by_language(rows, language) for pk, rows in by_article.items()}
    return {pk: (row.title, row.language) for pk, row in picked.items() if row is not None}
