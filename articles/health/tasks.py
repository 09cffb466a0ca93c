"""The one place that writes flags and tasks (``models.Task``, ``models.Flag``).

    flag(article, language, reason, comment="", reader="", user=None)  -> Flag, joining the
                                                  article's open ``flags`` task or opening one
    flag_from_vote(feedback)                   -> Flag or None: a not-helpful vote with a comment
    task_from_votes(article)                   -> Task or None: readers' votes meeting the
                                                  feedback page's low-rating rule
    move(user, task_id, to, comment="", close_on_publish=None)  -> Task  (its owner, publishers)
    close_on_publish(article, user)            -> tasks done because the article was published
    close_review_tasks(article, user, comment) -> tasks done because the article was reviewed
    open_review_task(article_id)               -> Task or None when one is open already

Who may move a task is who looks after its article (``editing.health.may_look_after``: its
owner, a member of its owning group, publishers). Moves: open → in_progress; open or
in_progress → done (a comment optional) or declined (a reason required). Comments are text
the text gate lets through, at most ``COMMENT_CHARS``.
"""
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..editing import actions
from ..editing.errors import Invalid, InvalidTransition, NotFound
from ..editing.health import health_of, may_look_after, require_look_after
from ..models import MAX_DATABASE_INTEGER
from ..notifications import events as notifications
from .models import Flag, Task

COMMENT_CHARS = 2000
State, Kind = Task.State, Task.Kind
MOVES = {State.IN_PROGRESS: {State.OPEN}, State.DONE: set(Task.ACTIVE), State.DECLINED: set(Task.ACTIVE)}


def flag(article, language, reason, comment="", reader="", user=None, feedback=None):
    """A report on ``article`` as read in ``language``; the reporter's earlier report on the
    same open task is replaced. Raises ``Invalid`` (``reason``: ``invalid_choice``; ``comment``)."""
    allowed = Flag.Reason.values if feedback is not None else Flag.FLAGGED
    if reason not in allowed:
        raise Invalid("reason", _("Choose what is wrong: incorrect, outdated, a step is missing, or other."),
                      code="invalid_choice")
    comment = clean_comment(comment)
    user = user if getattr(user, "pk", None) else None
    with transaction.atomic():
        task = _active_task(article.pk, Kind.FLAGS)
        found = _earlier(task, reader, user, feedback) or Flag(task=task, feedback=feedback)
        found.language, found.reason, found.comment, found.created_at = language, reason, comment, timezone.now()
        found.reader, found.user = ("", user) if user else (reader, None)
        found.save()
        notifications.article_flagged(found)  # to the owner, once committed
    return found


def flag_from_vote(vote):
    """A reader's vote (``analytics.models.Feedback``) that is "no" with a comment reports the
    article to its owner; any other vote reports nothing."""
    if vote.helpful or not vote.comment.strip():
        return None
    try:
        return flag(vote.article, vote.language, Flag.Reason.NOT_HELPFUL, vote.comment[:COMMENT_CHARS],
                    reader=vote.reader, feedback=vote)
    except Invalid:  # a comment the text gate refuses is kept with the vote, not sent on
        return None


def task_from_votes(article):
    """A ``low_rated`` task for the article's owner when its votes (every language) cast since
    its last such task closed meet the rule of the feedback page (``analytics.feedback.low_rated``:
    at least ``LOW_RATED_MIN_VOTES``, fewer than ``LOW_RATED_BELOW`` of them helpful); None when
    they do not, or when one is open already (safe when votes arrive at once: the constraint
    keeps one). A task done or declined thus only comes back with new votes."""
    from ..analytics.feedback import LOW_RATED_BELOW, LOW_RATED_MIN_VOTES
    from ..analytics.models import Feedback

    tasks = Task.objects.filter(article=article, kind=Kind.LOW_RATED)
    if tasks.filter(state__in=Task.ACTIVE).exists():
        return None
    votes = Feedback.objects.filter(article=article)
    closed = tasks.aggregate(last=Max("closed_at"))["last"]
    if closed is not None:
        votes = votes.filter(updated_at__gt=closed)
    counted = votes.aggregate(votes=Count("id"), helpful=Count("id", filter=Q(helpful=True)))
    if counted["votes"] < LOW_RATED_MIN_VOTES or counted["helpful"] / counted["votes"] >= LOW_RATED_BELOW:
        return None
    try:
        with transaction.atomic():
            task = Task.objects.create(article=article, kind=Kind.LOW_RATED, opened_at=timezone.now())
    except IntegrityError:
        return None
    notifications.task_opened(task)  # to the owner, once committed
    return task


def votes_since_opened(task):
    """``(votes, helpful)`` cast on a ``low_rated`` task's article since the task before it closed."""
    from ..analytics.models import Feedback

    before = (Task.objects.filter(article_id=task.article_id, kind=Kind.LOW_RATED, closed_at__lt=task.opened_at)
              .aggregate(last=Max("closed_at"))["last"])
    votes = Feedback.objects.filter(article_id=task.article_id)
    if before is not None:
        votes = votes.filter(updated_at__gt=before)
    counted = votes.aggregate(votes=Count("id"), helpful=Count("id", filter=Q(helpful=True)))
    return counted["votes"], counted["helpful"]


def move(user, task_id, to, comment="", close_on_publish=None):
    """Move the task to ``to`` (None: leave its state); ``close_on_publish`` (while it stays
    open or in progress) says whether it is done when the article is next published."""
    comment = clean_comment(comment)
    to = to or None
    if to not in MOVES and (to is not None or close_on_publish is None):
        raise Invalid("to", _("'%(to)s' is not a step of a task (in_progress, done, declined).")
                      % {"to": str(to)[:30]}, code="invalid_choice")
    if to == State.DECLINED and not comment:
        raise Invalid("comment", _("Say why the task is declined."), code="required")
    with transaction.atomic():
        task = (Task.objects.select_for_update().filter(pk=task_id).select_related("article").first()
                if isinstance(task_id, int) and 0 < task_id <= MAX_DATABASE_INTEGER else None)
        if task is None:
            raise NotFound(_("No task %(id)s.") % {"id": str(task_id)[:30]})
        require_look_after(user, health_of(task.article))
        if to is not None:
            _step(task, user, to, comment)
        if close_on_publish is not None:
            if not task.is_active:
                raise InvalidTransition(_("This task is closed already."))
            task.close_on_publish = bool(close_on_publish)
        task.save()
    return task


def close_on_publish(article, user):
    """Done: the article's open tasks whose owner asked for it when it is published."""
    tasks = list(Task.objects.select_for_update().filter(article=article, state__in=Task.ACTIVE,
                                                         close_on_publish=True))
    now = timezone.now()
    for task in tasks:
        task.state, task.closed_at, task.closed_by, task.closed_on_publish = State.DONE, now, _person(user), True
        task.save(update_fields=["state", "closed_at", "closed_by", "closed_on_publish"])
    return tasks


def close_review_tasks(article, user, comment=""):
    """Done: the article's review task, since it was just reviewed."""
    tasks = list(Task.objects.select_for_update().filter(article=article, kind=Kind.REVIEW, state__in=Task.ACTIVE))
    for task in tasks:
        _step(task, user, State.DONE, comment[:COMMENT_CHARS])
        task.save()
    return tasks


def open_review_task(article_id):
    """A review task for the article unless one is open or in progress; safe when several
    servers ask at once (the constraint keeps one)."""
    try:
        with transaction.atomic():
            return Task.objects.create(article_id=article_id, kind=Kind.REVIEW, opened_at=timezone.now())
    except IntegrityError:
        return None


def may_move(user, task):
    return may_look_after(user, health_of(task.article))


def clean_comment(value):
    if isinstance(value, str):
        value = value.replace("\r\n", "\n")
    return actions._clean_message(value, "comment", limit=COMMENT_CHARS)


def _step(task, user, to, comment):
    if task.state not in MOVES[to]:
        raise InvalidTransition(_("A task that is %(old)s cannot become %(new)s.")
                                % {"old": State(task.state).label, "new": State(to).label})
    now = timezone.now()
    task.state = to
    if to == State.IN_PROGRESS:
        task.started_at, task.started_by = now, _person(user)
    else:
        task.closed_at, task.closed_by, task.resolution = now, _person(user), comment


def _earlier(task, reader, user, feedback):
    """The reporter's report on this task that a new one replaces: the same vote's, else the
    same editor's or reader's flag. A vote's report on a closed task lets go of the vote, which
    now reports on the open one."""
    if feedback is not None:
        found = Flag.objects.filter(feedback=feedback).select_related("task").first()
        if found is not None and found.task_id != task.pk:
            found.feedback = None
            found.save(update_fields=["feedback"])
            return None
        return found
    mine = {"user": user} if user else {"reader": reader} if reader else None
    return task.flags.filter(feedback__isnull=True, **mine).first() if mine else None


def _active_task(article_id, kind):
    """The article's open or in-progress task of ``kind``, locked; made when there is none
    (another request making it at the same moment: theirs is used)."""
    for _attempt in range(2):
        found = Task.objects.select_for_update().filter(article_id=article_id, kind=kind,
                                                        state__in=Task.ACTIVE).first()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                return Task.objects.create(article_id=article_id, kind=kind, opened_at=timezone.now())
        except IntegrityError:
            continue
    raise IntegrityError("no active task could be made or found")  # never: one of the two exists


def _person(user):
    return user if getattr(user, "pk", None) else None
