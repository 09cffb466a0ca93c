"""Semantic search, measured: a cross-language held-out set, embedding throughput, query latency.

Built at run time from ``../shared/corpus/kcs`` (nothing of it is stored here): ``--articles``
articles present in every language are imported WITHOUT their ``--held-out`` translations (fr
and ja), beside ``--distractors`` other articles in every language; each left-out translation's
title (read from its file) is then searched in its language, and we count how often the
article is first and in the top 3, lexical-only (``service.search``) and fused with the
semantic candidates (``semantic.hybrid``: ``fuse`` of both rankings). Also printed: embedding
throughput (translations/s while ``catch_up`` embeds everything imported, and per CPU second),
query latency (the query's embedding, the nearest vectors, the whole semantic candidates, the
lexical search) and, with ``--recipe``, the held-out figures for other lengths of the symptoms
part of the embedded text (``text.DETAIL_CHARS``).

    .venv/bin/python bench/semantic.py                         # 40 held out, 20 distractors (small)
    .venv/bin/python bench/semantic.py --distractors all       # the whole KCS corpus imported
    .venv/bin/python bench/semantic.py --recipe 0,300,600 --reuse /tmp/kb-semantic

``--reuse DIR`` keeps the imported database and index in DIR (imported there when absent; the
embeddings are kept too). ``--misses`` lists the queries fused search did not find in the top 3.
"""
import argparse
import os
from pathlib import Path
import random
import re
import statistics
import sys
import tempfile
import time

from _setup import SHARED, configure

KCS = SHARED / "corpus" / "kcs"
FOLDERS = ["en", "de-DE", "es-ES", "fr-FR", "ja-JP", "ko-KR", "zh-Hans"]
TITLE_RE = re.compile(r"(?m)^title:\s*(.*)$")


def parse(arguments):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=40, help="articles held out of the held-out languages")
    parser.add_argument("--distractors", default="20", help="other articles imported in every language, or 'all'")
    parser.add_argument("--held-out", default="fr-FR,ja-JP", help="corpus folders left out for the held-out articles")
    parser.add_argument("--seed", type=int, default=27)
    parser.add_argument("--reuse", type=Path, default=None)
    parser.add_argument("--recipe", default="", help="comma-separated DETAIL_CHARS values to compare (re-embeds)")
    parser.add_argument("--misses", action="store_true")
    return parser.parse_args(arguments)


def choose(args):
    """``(held, distractors)``: article numbers, deterministic for a seed."""
    everywhere = set.intersection(*({p.stem for p in (KCS / folder / "articles").glob("*.md")} for folder in FOLDERS))
    ordered = sorted(everywhere)
    rng = random.Random(args.seed)
    held = sorted(rng.sample(ordered, args.articles))
    rest = [number for number in ordered if number not in set(held)]
    distractors = rest if args.distractors == "all" else sorted(rng.sample(rest, int(args.distractors)))
    return held, distractors


def files_to_import(held, distractors, left_out):
    paths = []
    for folder in FOLDERS:
        numbers = distractors + ([] if folder in left_out else held)
        paths += [KCS / folder / "articles" / f"{number}.md" for number in numbers]
    return [path for path in paths if path.exists()]


def queries(held, left_out):
    from articles.languages import normalize_language

    found = []
    for folder in left_out:
        for number in held:
            text = (KCS / folder / "articles" / f"{number}.md").read_text(encoding="utf-8")
            title = TITLE_RE.search(text).group(1).strip().strip("'\"")
            found.append({"q": title, "lang": normalize_language(folder), "expect": number})
    return found


def set_up(args):
    scratch = args.reuse or Path(tempfile.mkdtemp(prefix="kb-semantic-"))
    fresh = not (scratch / "kb.sqlite3").exists()
    scratch.mkdir(parents=True, exist_ok=True)
    configure(scratch)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    held, distractors = choose(args)
    left_out = args.held_out.split(",")
    if fresh:
        from articles.importing import import_paths
        from articles.search import sync

        paths = files_to_import(held, distractors, left_out)
        started = time.monotonic()
        import_paths(paths)
        sync.rebuild()
        print(f"imported and indexed {len(paths)} files in {time.monotonic() - started:.0f} s ({scratch})")
    return held, left_out


def embed_all(label):
    """Embed what is due; print the throughput."""
    from articles.search.semantic.compute import catch_up
    from articles.search.semantic import vectors

    started, cpu = time.monotonic(), time.process_time()
    report = catch_up()
    wall, cpu = time.monotonic() - started, time.process_time() - cpu
    if report.embedded:
        print(f"{label}: {report.embedded} translations embedded in {wall:.1f} s: {report.embedded / wall:.1f}/s "
              f"({report.embedded / max(cpu, 1e-9):.1f} per CPU second; load average {os.getloadavg()[0]:.1f})")
    vectors.forget()


def rank_both(query):
    """``(lexical, fused)``: article numbers, best first."""
    from articles.search import get_backend
    from articles.search.semantic.candidates import semantic_candidates
    from articles.search.semantic.hybrid import SEMANTIC_ARTICLES, fused_articles, worth_embedding
    from articles.search.service import search

    lexical = [r.article_number for r in search(query["q"], query["lang"], limit=50).results]
    if not worth_embedding(query["q"]):
        return lexical, lexical
    semantic = [hit.article_number for hit in semantic_candidates(query["q"], query["lang"], None, SEMANTIC_ARTICLES)]
    backend = get_backend()
    fused = backend.search_with(lambda searcher: fused_articles(
        lexical, semantic, query["q"], query["lang"], False, searcher, backend.summaries(searcher)))
    return lexical, [number for number, _ in fused]


def held_out_figures(found, label, misses=False):
    rows = {}
    for query in found:
        lexical, fused = rank_both(query)
        for name, ranked in (("lexical", lexical), ("fused", fused)):
            row = rows.setdefault((query["lang"], name), [0, 0, 0])
            row[0] += ranked[:1] == [query["expect"]]
            row[1] += query["expect"] in ranked[:3]
            row[2] += 1
        if misses and query["expect"] not in fused[:3]:
            print(f"  miss {query['lang']} {query['expect']}: {query['q'][:70]!r} -> {fused[:3]}")
    print(f"{label}: held-out titles searched in the left-out language (top-1 / top-3 of n)")
    for name in ("lexical", "fused"):
        total = [0, 0, 0]
        parts = []
        for lang in sorted({lang for lang, _ in rows}):
            one, three, n = rows[(lang, name)]
            total = [total[0] + one, total[1] + three, total[2] + n]
            parts.append(f"{lang} {one}/{three}/{n}")
        print(f"  {name:8} top-1 {total[0] / total[2]:.3f}  top-3 {total[1] / total[2]:.3f}  ({', '.join(parts)})")


def latency(found):
    from articles.search.semantic import vectors
    from articles.search.semantic.candidates import _cache, semantic_candidates
    from articles.search.semantic.model import QUERY, embedder
    from articles.search.service import search

    model = embedder()
    held = vectors.current(model.identity)
    texts = [q["q"] for q in found]
    timings = {"query embedding": [], "nearest vectors": [], "semantic candidates": [], "lexical search": []}
    for query in found:
        _cache.clear()
        started = time.perf_counter()
        vector = model.embed([query["q"]], QUERY)[0]
        timings["query embedding"].append(time.perf_counter() - started)
        started = time.perf_counter()
        held.nearest(vector, 400)
        timings["nearest vectors"].append(time.perf_counter() - started)
        _cache.clear()
        started = time.perf_counter()
        semantic_candidates(query["q"], query["lang"], None, 50)
        timings["semantic candidates"].append(time.perf_counter() - started)
        started = time.perf_counter()
        search(query["q"], query["lang"], limit=10)
        timings["lexical search"].append(time.perf_counter() - started)
    print(f"latency over {len(texts)} queries, {len(held)} vectors held (p50 / p95 ms):")
    for name, values in timings.items():
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(f"  {name:20} {statistics.median(values) * 1000:6.1f} / {p95 * 1000:6.1f}")


def main(arguments):
    args = parse(arguments)
    if not KCS.is_dir():
        sys.exit(f"skipped: the corpus is not at {KCS}")
    held, left_out = set_up(args)
    from articles.models import Translation
    from articles.search.semantic import text as recipe
    from articles.search.semantic.models import TranslationEmbedding

    print(f"{len(held)} articles held out of {', '.join(left_out)}; {Translation.objects.count()} translations "
          f"imported; recipe: title, description, symptoms cut at {recipe.DETAIL_CHARS} characters")
    found = queries(held, left_out)
    embed_all("embedding")
    held_out_figures(found, f"detail {recipe.DETAIL_CHARS}", args.misses)
    latency(found)
    for value in [int(v) for v in args.recipe.split(",") if v.strip()]:
        if value == recipe.DETAIL_CHARS:
            continue
        default, recipe.DETAIL_CHARS = recipe.DETAIL_CHARS, value
        TranslationEmbedding.objects.all().delete()
        embed_all(f"detail {value}")
        held_out_figures(found, f"detail {value}")
        recipe.DETAIL_CHARS = default
        TranslationEmbedding.objects.all().delete()  # the next run embeds with the default again
    print("full run: .venv/bin/python bench/semantic.py --distractors all --recipe 0,300,600 --reuse /tmp/kb-semantic")


if __name__ == "__main__":
    main(sys.argv[1:])
