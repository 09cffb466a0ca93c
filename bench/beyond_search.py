"""Semantic search beyond the search page, measured on the corpus: what the thresholds of
duplicate candidates and of similar articles were chosen from, the time to work duplicates out,
and related articles before and after their vectors.

Built at run time from ``../shared/corpus/kcs`` (nothing of it is stored here): every article in
every language, embedded, then ``--articles`` articles lose their ``--held-out`` translations
(fr and ja): those files become the drafts an editor writes in French or Japanese of an article
that exists in other languages. Printed:

- duplicates: the cosines of a translation's nearest other article and of two translations of one
  article, as stored and with each language's mean taken out (``semantic.centroids``); one
  translation against the vector of its article's other languages (a duplicate written in one
  language) and against the nearest other article's, at each candidate threshold, with the
  article pairs found and the closest ones' titles; the time and memory of
  ``duplicates.duplicate_candidates`` from cold;
- similar articles: for each held-out draft (its title alone; with its description; with its
  body) the cosines of its article and of the closest other one, both ways (``similar``), and
  under several floors (``similar.rank``) how often its article is first and among the five
  shown, and how many articles the off-topic drafts are shown;
- related articles, before (words alone) and after (fused with the article vectors; with the
  translations' own vectors, and with articles of any language, both rejected): the share of
  links shown in another language than the page's, the share sharing a product with the article,
  how alike the lists of one article's languages are (Jaccard of each language's five with the
  English five), and the time a list takes.

    .venv/bin/python bench/beyond_search.py --reuse /tmp/kb-beyond        # imports and embeds once
"""
import argparse
import os
from pathlib import Path
import random
import statistics
import sys
import tempfile
import time
import tracemalloc

import numpy as np

from _setup import SHARED, configure

KCS = SHARED / "corpus" / "kcs"
FOLDERS = ["en", "de-DE", "es-ES", "fr-FR", "ja-JP", "ko-KR", "zh-Hans"]
THRESHOLDS = (0.60, 0.65, 0.70, 0.75, 0.80, 0.85)
# Drafts no troubleshooting article is about (written for this bench).
OFF_TOPIC = [("Quarterly team offsite agenda", "Where we meet and what we plan for the next quarter."),
             ("Recipe for a chocolate cake without eggs", "Ingredients and steps."),
             ("Réservation des salles de réunion", "Comment réserver une salle pour une réunion d'équipe."),
             ("社員食堂のメニュー", "今週の昼食メニューと価格の一覧です。"),
             ("Urlaubsantrag stellen", "So beantragen Sie Urlaub im Personalportal."),
             ("Cómo configurar la impresora de la oficina", "Pasos para añadir la impresora del tercer piso."),
             ("주차 등록 방법", "회사 주차장을 이용하려면 차량을 등록하세요."),
             ("办公室绿植养护", "每周浇水一次,避免阳光直射。")]


def parse(arguments):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=40, help="articles whose held-out translations are drafts")
    parser.add_argument("--held-out", default="fr-FR,ja-JP")
    parser.add_argument("--seed", type=int, default=27)
    parser.add_argument("--related", type=int, default=80, help="articles whose related lists are compared")
    parser.add_argument("--reuse", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="embedding threads (niced)")
    return parser.parse_args(arguments)


def set_up(args):
    scratch = args.reuse or Path(tempfile.mkdtemp(prefix="kb-beyond-"))
    fresh = not (scratch / "kb.sqlite3").exists()
    scratch.mkdir(parents=True, exist_ok=True)
    configure(scratch)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from articles.search import sync
    from articles.search.semantic import model, upkeep
    from articles.search.semantic.compute import catch_up

    if fresh:
        from articles.importing import import_paths

        started = time.monotonic()
        import_paths([KCS / folder / "articles" for folder in FOLDERS])
        sync.rebuild()
        print(f"imported and indexed the corpus in {time.monotonic() - started:.0f} s ({scratch})")
    upkeep.lower_priority()
    model.use_threads(args.threads)
    started = time.monotonic()
    report = catch_up()
    if report.embedded:
        print(f"embedded {report.embedded} translations in {time.monotonic() - started:.0f} s")
    model.forget()
    model.use_threads(1)  # as a web worker answers
    return scratch


def hold_out(args):
    """The drafts: ``[(number, language, title, description, body)]``; their translations are
    deleted from the database and the index (once: a reused database has them deleted)."""
    from articles.importing.frontmatter import parse_document
    from articles.languages import normalize_language
    from articles.models import Translation
    from articles.search import sync

    everywhere = set.intersection(*({p.stem for p in (KCS / folder / "articles").glob("*.md")} for folder in FOLDERS))
    held = sorted(random.Random(args.seed).sample(sorted(everywhere), args.articles))
    drafts = []
    for folder in args.held_out.split(","):
        language = normalize_language(folder)
        for number in held:
            found = parse_document((KCS / folder / "articles" / f"{number}.md").read_text(encoding="utf-8"))
            meta, body = found.front_matter or {}, found.body
            drafts.append((number, language, str(meta.get("title", "")), str(meta.get("description", "")), body))
    gone = Translation.objects.filter(article__number__in=held, language__in={d[1] for d in drafts})
    if gone.exists():
        ids = list(gone.values_list("pk", flat=True))
        gone.delete()
        sync.record_change(ids, sync.VISIBILITY)
        sync.bring_up_to_date()
    return drafts


def matrix_of():
    """``(ids, floats, articles, languages)`` of every stored vector of the current model."""
    from articles.models import Translation
    from articles.search.semantic import vectors
    from articles.search.semantic.model import embedder
    from articles.search.semantic.text import embedding_key

    held = vectors.current(embedding_key(embedder()))
    rows = {pk: (article, lang)
            for pk, article, lang in Translation.objects.values_list("pk", "article_id", "language")}
    keep = np.array([tid in rows for tid in held.ids.tolist()])
    ids = held.ids[keep]
    floats = held.matrix[keep].astype(np.float32) * held.scales[keep, None]
    articles = np.array([rows[tid][0] for tid in ids.tolist()])
    languages = np.array([rows[tid][1] for tid in ids.tolist()])
    return ids, floats, articles, languages


def percentiles(values, points):
    values = np.asarray(values)
    return "  ".join(f"p{p:g} {np.percentile(values, p):.3f}" for p in points) + f"  (n {len(values)})"


def centred_rows(floats, languages):
    from articles.search.semantic.centroids import MIN_LANGUAGE_ROWS

    centred = floats.copy()
    overall = floats.mean(axis=0)
    for language in set(languages.tolist()):
        mine = languages == language
        centred[mine] -= floats[mine].mean(axis=0) if mine.sum() >= MIN_LANGUAGE_ROWS else overall
    return centred / np.linalg.norm(centred, axis=1, keepdims=True)


def nearest_other(floats, articles, languages=None):
    """Each row's cosine to its nearest row of another article (of another language too, when
    ``languages`` is given)."""
    found = np.empty(len(floats), np.float32)
    for start in range(0, len(floats), 2048):
        cosines = floats[start:start + 2048] @ floats.T
        cosines[articles[start:start + 2048, None] == articles[None, :]] = -1
        if languages is not None:
            cosines[languages[start:start + 2048, None] == languages[None, :]] = -1
        found[start:start + len(cosines)] = cosines.max(axis=1)
    return found


def same_article(floats, articles):
    """The cosines between the translations of each article, two by two."""
    found = []
    for article in np.unique(articles):
        rows = np.flatnonzero(articles == article)
        if len(rows) > 1:
            cosines = floats[rows] @ floats[rows].T
            found.extend(cosines[np.triu_indices(len(rows), 1)].tolist())
    return found


def one_against_the_rest(centred, articles):
    """For each article of two or more translations, one of them (alternately its first and last)
    against the vector of its others — a duplicate written in one language — and against the
    nearest other article's vector."""
    numbers, groups = np.unique(articles, return_inverse=True)
    sums = np.zeros((len(numbers), centred.shape[1]), np.float32)
    np.add.at(sums, groups, centred)
    whole = sums / np.linalg.norm(sums, axis=1, keepdims=True)
    own, other = [], []
    for index in range(len(numbers)):
        rows = np.flatnonzero(groups == index)
        if len(rows) < 2:
            continue
        row = rows[0] if index % 2 else rows[-1]
        rest = sums[index] - centred[row]
        own.append(float(centred[row] @ (rest / np.linalg.norm(rest))))
        cosines = whole @ centred[row]
        cosines[index] = -1
        other.append(float(cosines.max()))
    return np.asarray(own), np.asarray(other)


def duplicate_figures():
    from articles.models import Article
    from articles.search.semantic import duplicates
    from articles.search.semantic.centroids import article_vectors

    _, floats, articles, languages = matrix_of()
    centred = centred_rows(floats, languages)
    for label, rows in (("as stored", floats), ("each language's mean taken out", centred)):
        print(f"duplicates, vectors {label}:")
        points = (50, 90, 95, 99, 99.9)
        print(f"  a translation's nearest other article, any language   "
              f"{percentiles(nearest_other(rows, articles), points)}")
        print(f"  a translation's nearest other article, other language "
              f"{percentiles(nearest_other(rows, articles, languages), points)}")
        print(f"  two translations of one article                        "
              f"{percentiles(same_article(rows, articles), (1, 5, 10, 25, 50))}")
    own, other = one_against_the_rest(centred, articles)
    print("duplicates, article vectors: one translation against the vector of its article's other languages")
    print(f"  its own article {percentiles(own, (5, 10, 25, 50))}")
    print(f"  the nearest other {percentiles(other, (50, 90, 95, 99))}")
    vectors_of = article_vectors()
    for threshold in THRESHOLDS:
        i, _, _ = duplicates.close_pairs(vectors_of.matrix, threshold)
        print(f"  at {threshold:.2f}: duplicates found {np.mean(own >= threshold):.3f}, translations with another "
              f"article that close {np.mean(other >= threshold):.3f}; article pairs {len(i)}")
    pairs = duplicates.duplicate_candidates()
    numbers = dict(Article.objects.values_list("pk", "number"))
    print(f"  the closest of the {len(pairs)} pairs at {duplicates.THRESHOLD} (and the last):")
    for pair in pairs[:10] + pairs[-3:]:
        print(f"    {pair.cosine:.3f} {numbers[pair.first]} / {numbers[pair.second]}: {_title(pair.first)[:55]!r} / "
              f"{_title(pair.second)[:55]!r}")


def _title(article):
    from articles.models import Translation

    return Translation.objects.filter(article_id=article, language="en").values_list("title", flat=True).first() or ""


def duplicate_timing():
    from articles.search.semantic import centroids, duplicates, vectors

    for attempt in range(3):
        vectors.forget()
        centroids.forget()
        duplicates._kept.clear()
        vectors.current(_key())  # the vectors read from the database: not timed
        tracemalloc.start()
        started, cpu = time.monotonic(), time.process_time()
        pairs = duplicates.duplicate_candidates()
        wall, cpu = time.monotonic() - started, time.process_time() - cpu
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        again = time.monotonic()
        duplicates.duplicate_candidates()
        print(f"duplicate_candidates cold (article vectors built, pairs found): {wall:.2f} s ({cpu:.2f} s CPU), peak "
              f"{peak / 1e6:.0f} MB traced, {len(pairs)} pairs; kept: {1000 * (time.monotonic() - again):.1f} ms; "
              f"load average {os.getloadavg()[0]:.1f}")


def _key():
    from articles.search.semantic.model import embedder
    from articles.search.semantic.text import embedding_key

    return embedding_key(embedder())


def similar_figures(drafts):
    """Each held-out draft and each off-topic one looked up once (its words and its closeness),
    then ranked by ``similar.rank`` under each pair of floors: how often the draft's article is
    first and among the five shown, and how many articles an off-topic draft is shown."""
    from articles.search import similar
    from articles.search.similar import Draft

    off_topic = [(None, language, title, description, "") for (title, description), language in
                 zip(OFF_TOPIC, ["en", "en", "fr", "ja", "de", "es", "ko", "zh-hans"])]
    for label, cut in (("title alone", lambda d: Draft(d[2], "", "")),
                       ("title and description", lambda d: Draft(d[2], d[3], "")),
                       ("title, description and body", lambda d: Draft(d[2], d[3], d[4]))):
        looked = []
        started = time.monotonic()
        for draft in drafts + off_topic:
            lexical = similar._lexical(similar.query_text(cut(draft)), draft[1])
            looked.append((draft[0], lexical, similar._closeness(cut(draft), draft[1])))
        each = 1000 * (time.monotonic() - started) / len(looked)
        print(f"similar articles, {label} ({each:.0f} ms a draft: its words, two embeddings):")
        for name, part in (("as a query", "query"), ("centred", "centred")):
            right = [getattr(c, part).get(n) for n, _, c in looked if n and getattr(c, part).get(n) is not None]
            wrong = [max([v for k, v in getattr(c, part).items() if k != n] or [0]) for n, _, c in looked if n]
            astray = [max(getattr(c, part).values() or [0]) for n, _, c in looked if n is None]
            print(f"  {name}: its article {percentiles(right, (10, 25, 50))}; the closest other "
                  f"{percentiles(wrong, (50, 90))}; off-topic drafts' closest {sorted(round(v, 3) for v in astray)}")
        expected = [n for n, *_ in looked if n]
        for name, floors in (("words alone", None), ("query ranking alone", (0.0, 9.0)),
                             ("centred ranking alone", (9.0, 0.0)), ("no floor", (0.0, 0.0)),
                             ("floors 0.86 / 0.54", (0.86, 0.54)), ("floors 0.87 / 0.56 (chosen)", (0.87, 0.56)),
                             ("floors 0.88 / 0.58", (0.88, 0.58))):
            if floors is None:
                shown = [(n, similar.rank(lexical, None)[:5]) for n, lexical, _ in looked]
            elif floors == (0.0, 9.0):
                shown = [(n, c.by_query[:5]) for n, _, c in looked]
            elif floors == (9.0, 0.0):
                shown = [(n, sorted(c.centred, key=lambda k: -c.centred[k])[:5]) for n, _, c in looked]
            else:
                shown = [(n, similar.rank(lexical, c, *floors)[:5]) for n, lexical, c in looked]
            first = np.mean([r[:1] == [n] for n, r in shown if n])
            five = np.mean([n in r for n, r in shown if n])
            noise = [len(r) for n, r in shown if n is None]
            count = np.mean([len(r) for n, r in shown if n])
            print(f"  {name:28} first {first:.3f}, in the five {five:.3f}, {count:.1f} shown (n {len(expected)}); "
                  f"off-topic drafts shown {noise}")


def related_figures(args):
    from articles.models import Translation
    from articles.search import get_backend, related
    from articles.search.semantic import neighbours

    numbers = sorted(set(Translation.objects.filter(language="en").values_list("article__number", flat=True)))
    sample = random.Random(args.seed + 1).sample(numbers, min(args.related, len(numbers)))
    translations = list(Translation.objects.filter(article__number__in=sample).select_related("article")
                        .prefetch_related("products", "article__translations__products"))
    products = {}
    for t in translations:
        products.setdefault(t.article.number, set()).update(p.name for p in t.products.all())
    all_products = dict(_products_by_article())
    original = related.neighbour_articles
    variants = {"words alone": lambda t, limit: [],
                "words + translation vectors (page's language)": _translation_neighbours,
                "words + article vectors (page's language)": original,
                "words + article vectors (any language)":
                    lambda t, limit: neighbours.neighbour_articles(t, limit, any_language=True)}
    backend = get_backend()
    for label, function in variants.items():
        related.neighbour_articles = function
        started = time.monotonic()
        shown = {}
        try:
            for t in translations:
                listed = backend.read(lambda view, t=t: related.work_out(view, t))
                shown[(t.article.number, t.language)] = related._links(listed, t.article.number, t.language, None, 5)
        finally:
            related.neighbour_articles = original
        wall = time.monotonic() - started
        links = [link for found in shown.values() for link in found]
        foreign = np.mean([link.language != lang for (_, lang), found in shown.items() for link in found])
        topical = np.mean([bool(products.get(number, set()) & all_products.get(link.article_number, set()))
                           for (number, _), found in shown.items() for link in found])
        alike = []
        for (number, lang), found in shown.items():
            english = shown.get((number, "en"))
            if lang != "en" and english:
                a, b = {link.article_number for link in found}, {link.article_number for link in english}
                alike.append(len(a & b) / max(1, len(a | b)))
        print(f"related, {label}: {len(links) / len(shown):.2f} links a page; in another language than the page's "
              f"{foreign:.3f}; sharing a product {topical:.3f}; alike across languages (Jaccard with English) "
              f"{statistics.mean(alike):.3f}; {1000 * wall / len(translations):.0f} ms a list ({len(shown)} pages)")


def _translation_neighbours(translation, limit):
    """The other way measured: the articles of the translations nearest this one's stored
    vector, in its language."""
    from articles.models import Translation
    from articles.search.semantic import vectors
    from articles.search.semantic.models import TranslationEmbedding

    stored = TranslationEmbedding.objects.get(pk=translation.pk)
    nearest = vectors.current(stored.model).nearest(stored.vector(), limit * 40)
    numbers = dict(Translation.objects.filter(pk__in=[tid for tid, _ in nearest], language=translation.language)
                   .exclude(article_id=translation.article_id).values_list("pk", "article__number"))
    found = []
    for tid, _ in nearest:
        if numbers.get(tid) and numbers[tid] not in found:
            found.append(numbers[tid])
    return found[:limit]


def _products_by_article():
    from articles.models import Translation

    found = {}
    for number, name in Translation.objects.values_list("article__number", "products__name"):
        if name:
            found.setdefault(number, set()).add(name)
    return found.items()


def main(arguments):
    args = parse(arguments)
    if not KCS.is_dir():
        sys.exit(f"skipped: the corpus is not at {KCS}")
    set_up(args)
    drafts = hold_out(args)
    duplicate_figures()
    duplicate_timing()
    similar_figures(drafts)
    related_figures(args)


if __name__ == "__main__":
    main(sys.argv[1:])
