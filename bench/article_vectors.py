"""Article vectors after a save (issue 27): what ``centroids.article_vectors()`` costs the first
request that asks for them once this process's vectors have merged one save's new embedding.

A synthetic site in a scratch SQLite database, ``--factor`` times the corpus's size: 1,200
articles, each in English and in each of six other languages with probability 0.94 (about 8,000
translations); their embeddings are random vectors with a mean of their own per language
(written straight into ``TranslationEmbedding`` an hour ago, as after a catch-up: timing needs no
model). One save is embedded and merged first: every row was written within ``SKEW_SECONDS`` of
the latest, so that look reads them all again and builds in full, as the first save after a
catch-up does. Then ``--saves`` times, a save is embedded (a new vector for an existing
translation; every fourth time a new article with one translation), the holder looks again
(``vectors.current``, timed apart: the merge), and ``article_vectors()`` is timed, then
``build()`` of the same vectors (a full build: what ``article_vectors()`` did at every change
before it kept its articles up to date). Printed per factor: medians and maxima, wall and CPU,
and how far the articles kept up to date are from a full build at the end (the language means of
the last full build against fresh ones). For an older checkout's figures, copy this file into
its bench/ and run it there.

    nice -n 10 .venv/bin/python bench/article_vectors.py [--factor 1] [--factor 12] [--saves 20]

The scratch database goes when its factor is done. Never writes into the project.
"""
import argparse
from datetime import timedelta
import os
from pathlib import Path
import shutil
import statistics
import sys
import tempfile
import time

import numpy as np

from _setup import configure

KEY = "bench-random@0 text1-300"
LANGUAGES = ["en", "de", "es", "fr", "ja", "ko", "zh-hans"]
ARTICLES = 1200
OTHER_LANGUAGE_SHARE = 0.94
DIM = 384


def parse(arguments):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factor", type=int, action="append", help="times the corpus's size (default 1 and 12)")
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--seed", type=int, default=27)
    return parser.parse_args(arguments)


def populate(factor, rng):
    """Articles, translations and their embeddings; returns ``(translations, {language: offset})``."""
    from django.db import transaction
    from django.utils import timezone

    from articles.models import Article, Translation
    from articles.search.semantic.models import TranslationEmbedding

    offsets = {language: rng.normal(size=DIM).astype(np.float32) for language in LANGUAGES}
    with transaction.atomic():
        articles = Article.objects.bulk_create(
            [Article(number=f"BV-{index}", key_source=Article.KeySource.ARTICLE_NUMBER, source_language="en")
             for index in range(ARTICLES * factor)], batch_size=2000)
        translations = [Translation(article=article, language=language, title=f"{article.number} {language}", body="")
                        for article in articles for language in LANGUAGES
                        if language == "en" or rng.random() < OTHER_LANGUAGE_SHARE]
        Translation.objects.bulk_create(translations, batch_size=2000)
        pks = Translation.objects.values_list("pk", "language")
        TranslationEmbedding.objects.bulk_create([_embedding(pk, offsets[language], rng) for pk, language in pks],
                                                 batch_size=2000)
        TranslationEmbedding.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    return len(translations), offsets


def _embedding(pk, offset, rng):
    from django.utils import timezone

    from articles.search.semantic.models import TranslationEmbedding, vector_to_quantized

    vector = offset + rng.normal(size=DIM).astype(np.float32)
    data, scale = vector_to_quantized(vector / np.linalg.norm(vector))
    return TranslationEmbedding(translation_id=pk, model=KEY, text_hash="-", source_updated_at=timezone.now(),
                                vector_bytes=data, scale=scale)


def save(round_number, offsets, rng):
    """One save embedded: an existing translation's new vector, or (every fourth) a new article."""
    from articles.models import Article, Translation

    if round_number % 4 == 3:
        # bulk_create: no signals, so no journal entry for an index this bench has not built
        article, = Article.objects.bulk_create([Article(number=f"BV-new-{round_number}", source_language="fr",
                                                        key_source=Article.KeySource.ARTICLE_NUMBER)])
        pk = Translation.objects.bulk_create([Translation(article=article, language="fr", title="new", body="")])[0].pk
        language = "fr"
    else:
        pk, language = Translation.objects.order_by("?").values_list("pk", "language").first()
    row = _embedding(pk, offsets[language], rng)
    row.save()  # inserts or replaces; updated_at now


def timed(function):
    started, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, 1000 * (time.perf_counter() - started), 1000 * (time.process_time() - cpu)


def _merge():
    """The holder looks at the table now, as the request after a save does within its 5 s."""
    from articles.search.semantic import vectors

    every = vectors.REFRESH_SECONDS
    vectors.REFRESH_SECONDS = 0.0
    try:
        return vectors.current(KEY)
    finally:
        vectors.REFRESH_SECONDS = every


def measure(factor, saves, rng):
    from articles.search.semantic import centroids, vectors

    _, offsets = populate(factor, rng)
    vectors.forget()
    centroids.forget()
    _, first, _ = timed(lambda: centroids.article_vectors(KEY))
    figures = {"merge": [], "article_vectors": [], "article_vectors cpu": [], "build": [], "build cpu": []}
    # The first look after the bulk write reads every row again (all were written within
    # SKEW_SECONDS of the latest): as after a catch-up, not measured.
    save(-1, offsets, rng)
    _merge()
    _, warm, _ = timed(lambda: centroids.article_vectors(KEY))
    for round_number in range(saves):
        save(round_number, offsets, rng)
        held, wall, _ = timed(_merge)
        figures["merge"].append(wall)
        kept, wall, cpu = timed(lambda: centroids.article_vectors(KEY))
        figures["article_vectors"].append(wall)
        figures["article_vectors cpu"].append(cpu)
        full, wall, cpu = timed(lambda: centroids.build(held))
        figures["build"].append(wall)
        figures["build cpu"].append(cpu)
    print(f"x{factor}: {len(held)} translations, {len(kept)} articles; first build {first:.0f} ms, "
          f"after the first save {warm:.0f} ms; after each of {saves} saves more (ms, median / max):")
    for name, values in figures.items():
        print(f"  {name:22} {statistics.median(values):7.1f} / {max(values):7.1f}")
    rows = [full.row_of(number) for number in kept.numbers]
    cosines = np.einsum("ij,ij->i", kept.matrix, full.matrix[rows])
    print(f"  kept against a full build: same articles {sorted(kept.numbers) == sorted(full.numbers)}, same "
          f"languages {kept.languages == [full.languages[row] for row in rows]}, lowest cosine {cosines.min():.6f}; "
          f"load average {os.getloadavg()[0]:.1f}")


def main(arguments):
    options = parse(arguments)
    for factor in options.factor or [1, 12]:
        scratch = Path(tempfile.mkdtemp(prefix="kb-bench-vectors-"))
        if "django" not in sys.modules:
            configure(scratch)
        else:  # a second factor: a fresh database file of its own
            from django.db import connections

            connections.close_all()
            connections["default"].settings_dict["NAME"] = str(scratch / "kb.sqlite3")
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        try:
            measure(factor, options.saves, np.random.default_rng(options.seed))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
