"""What the editor pages show of articles' health: the panel on an article's editor page, the
owner filter of the lists, the "Requires attention" page and a task's page. Reads only.

``article_panel(article, user)`` returns ``{"health", "owner", "owner_value", "owner_choices",
"may_look_after", "needs_review", "interval_days", "interval_source", "verifications",
"editable", "tasks"}``: the ``ArticleHealth`` row, the owner's name ("" for nobody), the owner spelt for
the form and (publishers only, else ``[]``) everyone who may own it; whether ``user`` may
verify the article and set its interval; its review state; its last ten reviews, newest first;
whether it can be reviewed at all (not archived); ``tasks``, its open and in-progress tasks.
"""
from babel.dates import format_timedelta
from django.db.models import Prefetch
from django.utils import timezone, translation

from .. import languages
from ..editing.health import health_of, interval_for, may_look_after
from ..editing.permissions import can_publish
from ..models import Article, Translation
from . import owners, reviews
from .models import Task

ATTENTION_LISTED = 200


def article_panel(article, user):
    health = health_of(article)
    days, source = interval_for(health)
    return {"health": health, "owner": health.owner_name, "owner_value": owners.owner_value(health),
            "owner_choices": owners.owner_choices() if can_publish(user) else [],
            "may_look_after": may_look_after(user, health), "needs_review": reviews.needs_review(health, article),
            "interval_days": days, "interval_source": source,
            "verifications": list(article.verifications.select_related("by")[:10]),
            "editable": article.status != Article.Status.ARCHIVED,
            "tasks": list(article.tasks.filter(state__in=Task.ACTIVE).order_by("opened_at"))}


def owner_filter(request):
    """The editors' lists' owner filter from ``?owner=``: ``{"value", "choices", "narrow"}``,
    ``narrow`` None for every article (``owners.owner_filter``)."""
    value = request.GET.get("owner", "")
    if owners.parse(value) == ("", ""):
        value = ""
    return {"value": value, "choices": owners.filter_choices(),
            "narrow": owners.owner_filter(value, request.user)}


def attention(request, language, limit=ATTENTION_LISTED):
    """The "Requires attention" page: open and in-progress tasks, longest open first, narrowed
    by ``?owner=`` (as the lists), ``?kind=`` (``flags``, ``review``) and ``?article=`` (a
    number). ``{"total", "tasks", "owner_filter", "kind", "article"}``; each task has
    ``.translation`` (its article's, in ``language`` else the best other), ``.reasons`` (the
    distinct reasons of its reports, in order) and ``.time_open``."""
    owner = owner_filter(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Task.Kind.values else ""
    number = request.GET.get("article", "")[:100]
    found = Task.objects.filter(state__in=Task.ACTIVE)
    if owner["narrow"] is not None:
        found = owner["narrow"](found, "article__")
    if kind:
        found = found.filter(kind=kind)
    if number:
        found = found.filter(article__number__iexact=number)
    total = found.count()
    tasks = list(found.select_related("article", "article__health__owner_user", "article__health__owner_group")
                 .order_by("opened_at", "id")[:limit]
                 .prefetch_related("flags", Prefetch("article__translations", queryset=Translation.objects.only(
                     "id", "article_id", "language", "title"))))
    now = timezone.now()
    for task in tasks:
        task.translation = languages.pick_by_language(list(task.article.translations.all()), language)
        task.reasons = list(dict.fromkeys(flag.reason for flag in task.flags.all()))
        task.time_open = duration(now - task.opened_at)
    return {"total": total, "tasks": tasks, "owner_filter": owner, "kind": kind, "article": number}


def task_panel(task, user):
    """One task's page: ``{"task", "flags", "votes", "may_move", "owner", "time_open", "translation"}``
    (``votes``: ``(votes, helpful)`` behind a ``low_rated`` task, else None)."""
    from .tasks import votes_since_opened

    health = health_of(task.article)
    end = task.closed_at or timezone.now()
    votes = votes_since_opened(task) if task.kind == task.Kind.LOW_RATED else None
    return {"task": task, "flags": list(task.flags.select_related("user")), "votes": votes,
            "may_move": may_look_after(user, health),
            "owner": health.owner_name, "time_open": duration(end - task.opened_at),
            "translation": languages.pick_by_language(list(task.article.translations.only("id", "language", "title")),
                                                      translation.get_language())}


def duration(delta):
    """``delta`` in the interface language, rounded as people say it: "3 days", "3日"."""
    code = languages.normalize_language(translation.get_language()) or "en"
    return format_timedelta(delta, locale=languages.babel_locale(code))
