"""The daily run (issue 28, ``manage.py kb_daily``): each published article past its review date
gets a review task for its owner, once; review dates follow the intervals as they are now;
every article has its row. Running it again, on another day, or on several servers at once
never marks an article twice. Reviewing the article closes its task."""
from datetime import timedelta
from io import StringIO
import threading

from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
import pytest

from articles.editing import actions, health
from articles.health.daily import run_daily
from articles.health.models import ArticleHealth, DailyRun, Task
from articles.models import Article
from articles.search import sync
from tests.test_editing import BODY, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def search_index():
    sync.bring_up_to_date()


def today():
    return timezone.localdate()


def articles(publisher, n=3):
    """``n`` published articles, the first two reviewed 200 days ago (past 180), and one work
    in progress also reviewed long ago (never due: unpublished)."""
    numbers = []
    for i in range(n):
        number = actions.create_article(publisher, translation={"language": "en", "title": f"Article {i}",
                                                                "body": BODY}).number
        actions.transition(publisher, number, "validated")
        numbers.append(number)
    draft = actions.create_article(publisher, translation={"language": "en", "title": "Draft", "body": BODY}).number
    long_ago = timezone.now() - timedelta(days=200)
    ArticleHealth.objects.filter(article__number__in=numbers[:2] + [draft]).update(reviewed_at=long_ago)
    return numbers, draft


def kb_daily(*args):
    out = StringIO()
    call_command("kb_daily", *args, stdout=out)
    return out.getvalue()


def review_tasks():
    return sorted(Task.objects.filter(kind="review").values_list("article__number", "state"))


def test_the_daily_run_marks_each_due_article_once_with_a_task_for_its_owner():
    pia = user_with("publisher", "pia")
    (late, later, fresh), draft = articles(pia)
    assert kb_daily() == f"{today()}: 2 articles marked for review, 3 review dates moved, 0 rows made.\n"
    assert review_tasks() == [(late, "open"), (later, "open")]
    assert kb_daily() == f"{today()}: already done (2 marked then).\n"
    assert "0 articles marked" in kb_daily("--again")
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert "0 articles marked" in kb_daily("--date", tomorrow)
    assert review_tasks() == [(late, "open"), (later, "open")]


def test_reviewing_the_article_closes_its_task_and_a_later_due_date_opens_a_new_one():
    pia = user_with("publisher", "pia")
    (late, later, fresh), draft = articles(pia)
    run_daily()
    health.verify(pia, late, "Still right.")
    task = Task.objects.get(article__number=late)
    assert (task.state, task.resolution, task.closed_by) == ("done", "Still right.", pia)
    run_daily(today() + timedelta(days=181), again=True)  # past the new date: due again
    assert review_tasks() == [(late, "done"), (late, "open"), (later, "open"), (fresh, "open")]


def test_the_daily_run_gives_every_article_its_row_and_follows_changed_intervals():
    pia = user_with("publisher", "pia")
    (late, later, fresh), draft = articles(pia)
    ArticleHealth.objects.filter(article__number=fresh).delete()  # made outside the editing service
    ArticleHealth.objects.filter(article__number=later).update(review_due=today() + timedelta(days=999))
    report = run_daily()
    assert (report.rows_made, report.marked) == (1, 2)
    assert ArticleHealth.objects.count() == Article.objects.count()
    assert ArticleHealth.objects.get(article__number=later).review_due < today()


def test_a_date_that_is_not_one_is_refused():
    with pytest.raises(CommandError, match="is not a date"):
        kb_daily("--date", "tomorrow")
    assert not DailyRun.objects.exists()


def at_once(servers, **options):
    """``run_daily(**options)`` on ``servers`` threads started together: (reports, errors)."""
    reports, errors, start = [], [], threading.Barrier(servers)

    def server():
        try:
            start.wait()
            reports.append(run_daily(**options))
        except Exception as error:  # noqa: BLE001 — shown by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=server) for _ in range(servers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return reports, errors


@pytest.mark.django_db(transaction=True)
def test_several_servers_at_once_run_the_day_once_and_mark_each_article_once():
    pia = user_with("publisher", "pia")
    (late, later, fresh), draft = articles(pia)
    reports, errors = at_once(4)
    assert errors == []
    assert sorted(r.ran for r in reports) == [False, False, False, True]
    assert review_tasks() == [(late, "open"), (later, "open")]
    assert DailyRun.objects.get().marked == 2


@pytest.mark.django_db(transaction=True)
def test_runs_forced_again_on_several_servers_at_once_still_mark_each_article_once():
    pia = user_with("publisher", "pia")
    (late, later, fresh), draft = articles(pia)
    reports, errors = at_once(4, again=True)
    assert errors == [] and all(r.ran for r in reports)
    assert sum(r.marked for r in reports) == 2
    assert review_tasks() == [(late, "open"), (later, "open")]
