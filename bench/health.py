"""Owners, reviews and tasks at scale (issue 28): the editors' "Requires attention" page, the
lists with their "Needs review" section, the API's task list and ``kb_daily``, on a scratch
SQLite database filled with ``--articles`` published articles (one translation each, as many
as the corpus has and more), a third of them past their review date, and ``--tasks`` open
tasks of readers' reports with 1-3 reports each. No corpus needed.
Run: ``.venv/bin/python bench/health.py [--articles 10000] [--tasks 3000] [--repeat 5]``.
Target: each page and kb_daily well under a second.
"""
import argparse
from datetime import timedelta
from pathlib import Path
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import configure  # noqa: E402


def fill(articles, tasks):
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from articles.editing.permissions import role_group
    from articles.health.models import ArticleHealth, Flag, Task
    from articles.models import Article, Translation

    now, today = timezone.now(), timezone.localdate()
    ana = User.objects.create_user("ana", password="x")
    ana.groups.add(role_group("editor"), Group.objects.create(name="ledger-team"))
    team = Group.objects.get(name="ledger-team")
    Article.objects.bulk_create([Article(number=f"KA-{n}", key_source="article-number", source_language="en")
                                 for n in range(1, articles + 1)], batch_size=2000)
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    Translation.objects.bulk_create([Translation(article_id=pk, language="en", title=f"Ledger export stops {pk}",
                                                 body="Body.", latest_revision=1, published_revision=1,
                                                 shown_revision=1) for pk in ids], batch_size=2000)
    ArticleHealth.objects.bulk_create([ArticleHealth(
        article_id=pk, owner_user=ana if pk % 4 == 0 else None, owner_group=team if pk % 4 == 1 else None,
        review_due=today - timedelta(days=pk % 30) if pk % 3 == 0 else today + timedelta(days=30))
        for pk in ids], batch_size=2000)
    Task.objects.bulk_create([Task(article_id=pk, kind="flags", opened_at=now - timedelta(minutes=pk))
                              for pk in ids[:tasks]], batch_size=2000)
    Flag.objects.bulk_create([Flag(task_id=task, language="en", reason="outdated", comment="Menu moved.",
                                   created_at=now, reader=f"{task:064x}"[-64:])
                              for task, n in Task.objects.values_list("pk", "article_id") for _ in range(1 + n % 3)],
                             batch_size=2000)
    return ana


def timed(label, call, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    print(f"{label:<46} median {statistics.median(samples) * 1000:7.1f} ms, max {max(samples) * 1000:7.1f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--tasks", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    configure(Path(tempfile.mkdtemp(prefix="kb-bench-health-")))
    from django.core.management import call_command
    from django.test import Client

    from articles.health.daily import run_daily

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ana = fill(args.articles, args.tasks)
    print(f"{args.articles} articles, {args.tasks} open tasks made in {time.perf_counter() - started:.1f} s")
    client = Client()
    client.force_login(ana)
    for label, path in (("Requires attention", "/en/editor/attention/"),
                        ("Requires attention, ?owner=me", "/en/editor/attention/?owner=me"),
                        ("editors' lists (Needs review first)", "/en/editor/"),
                        ("GET /api/tasks/", "/api/tasks/")):
        assert client.get(path).status_code == 200, path
        timed(label, lambda path=path: client.get(path), args.repeat)
    from articles.editor import lists
    from articles.health import reviews

    timed("  of which the Needs review section", lambda: reviews.due_articles("en"), args.repeat)
    timed("  of which the translation gaps (not health's)", lists.translation_gaps, args.repeat)
    timed("kb_daily (first run of the day, then --again)",
          lambda: run_daily(again=True), args.repeat)


if __name__ == "__main__":
    main()
