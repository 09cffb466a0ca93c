"""The Article Quality Index on the whole corpus (issue 28): ../shared/corpus/kcs imported into a
scratch SQLite database, its revisions given authors (``--authors`` editors in teams of five),
each article scored once through the editing service (the automatic checks included: their time
per score is printed), then ``--per-article`` more scores each spread over twelve months in
bulk; then the editors' report page (every month, one month), ``GET /api/quality/report/``, an
article's editor page with its quality panel and the scoring form, timed.
Run: ``.venv/bin/python bench/quality.py [--per-article 5] [--repeat 5] [--reuse DIR]``.
Target: the report under a second.
"""
import argparse
from datetime import timedelta
from pathlib import Path
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import SHARED, configure  # noqa: E402

KCS = SHARED / "corpus" / "kcs"


def prepare(args):
    """Imports the corpus and gives its revisions authors, once per scratch folder."""
    from django.contrib.auth.models import Group, User

    from articles.editing.permissions import coach_group, role_group
    from articles.importing import import_paths
    from articles.models import Revision

    if User.objects.filter(username="coach-0").exists():
        return
    started = time.perf_counter()
    import_paths([KCS])
    print(f"corpus imported in {time.perf_counter() - started:.0f} s")
    editor, teams = role_group("editor"), [Group.objects.create(name=f"team-{n}") for n in range(args.authors // 5)]
    authors = []
    for n in range(args.authors):
        user = User.objects.create_user(f"author-{n}", password="x")
        user.groups.add(editor, teams[n % len(teams)])
        authors.append(user)
    for n in range(5):
        User.objects.create_user(f"coach-{n}", password="x").groups.add(coach_group())
    ids = list(Revision.objects.order_by("pk").values_list("pk", flat=True))
    for n, author in enumerate(authors):
        Revision.objects.filter(pk__in=ids[n::len(authors)]).update(author=author)


def score_everything(per_article):
    """One score per article through the service (timed), then ``per_article`` copies of each
    with other answers, spread over twelve months, in bulk."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from articles.editing import quality as scoring
    from articles.models import Article
    from articles.quality import aqi
    from articles.quality.checklist import active_questions
    from articles.quality.models import Answer, Score

    if Score.objects.exists():
        return
    coaches = list(User.objects.filter(username__startswith="coach-"))
    manual = {q.key: "yes" for q in active_questions() if not q.automatic_check}
    numbers = list(Article.objects.order_by("number").values_list("number", "source_language"))
    started = time.perf_counter()
    for n, (number, language) in enumerate(numbers):
        scoring.score_article(coaches[n % len(coaches)], number, language, manual)
    elapsed = time.perf_counter() - started
    print(f"{len(numbers)} scores through the service in {elapsed:.1f} s ({elapsed / len(numbers) * 1000:.1f} ms each, "
          "automatic checks included)")
    chance, now = random.Random(28), timezone.now()
    originals = list(Score.objects.prefetch_related("answers", "authors"))
    for copy in range(per_article):
        made = []
        for original in originals:
            when = now - timedelta(days=chance.randrange(365))
            values = [(a.question_id, chance.choice(aqi.VALUES[:2] * 4 + aqi.VALUES), a.weight)
                      for a in original.answers.all()]
            yes, applicable, index = aqi.weigh((value, weight) for _, value, weight in values)
            made.append((Score(article_id=original.article_id, translation_id=original.translation_id,
                               language=original.language, revision=original.revision,
                               coach=chance.choice(coaches), scored_at=when,
                               month=timezone.localdate(when).replace(day=1), yes_weight=yes,
                               applicable_weight=applicable, aqi=index), values, original))
        Score.objects.bulk_create([score for score, _, _ in made], batch_size=1000)
        Answer.objects.bulk_create([Answer(score=score, question_id=question, value=value, weight=weight)
                                    for score, values, _ in made for question, value, weight in values],
                                   batch_size=5000)
        Score.authors.through.objects.bulk_create(
            [Score.authors.through(score_id=score.pk, user_id=author.pk)
             for score, _, original in made for author in original.authors.all()], batch_size=5000)
    print(f"{Score.objects.count()} scores, {Answer.objects.count()} answers over "
          f"{Score.objects.dates('month', 'month').count()} months")


def timed(label, call, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    print(f"{label:<52} median {statistics.median(samples) * 1000:7.1f} ms, max {max(samples) * 1000:7.1f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-article", type=int, default=5, help="bulk scores per article beside the service's")
    parser.add_argument("--authors", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", type=Path, help="a scratch folder kept between runs (the import takes minutes)")
    args = parser.parse_args()
    if not KCS.is_dir():
        sys.exit(f"skipped: the corpus is not at {KCS}")
    scratch = args.reuse or Path(tempfile.mkdtemp(prefix="kb-bench-quality-"))
    scratch.mkdir(parents=True, exist_ok=True)
    configure(scratch)
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from articles.models import Article
    from articles.quality.models import Score

    call_command("migrate", verbosity=0)
    prepare(args)
    score_everything(args.per_article)
    print(f"{Article.objects.count()} articles, scratch folder {scratch}")
    client = Client()
    client.force_login(User.objects.get(username="coach-0"))
    month = Score.objects.dates("month", "month").last().strftime("%Y-%m")
    lowest = Score.objects.filter(aqi__isnull=False).order_by("aqi").first().article.number
    for label, path in (("AQI report page, every month", "/en/editor/quality/"),
                        (f"AQI report page, ?month={month}", f"/en/editor/quality/?month={month}"),
                        ("GET /api/quality/report/", "/api/quality/report/"),
                        (f"GET /api/quality/report/?month={month}&limit=500",
                         f"/api/quality/report/?month={month}&limit=500"),
                        ("an article's editor page (quality panel)", f"/en/editor/articles/{lowest}/"),
                        ("the scoring form (automatic checks)", f"/en/editor/articles/{lowest}/quality/")):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        timed(label, lambda path=path: client.get(path), args.repeat)


if __name__ == "__main__":
    main()
