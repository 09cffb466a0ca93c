"""Semantic search, measured: a cross-language held-out set, embedding throughput, query latency.

Built at run time from ``../shared/corpus/kcs`` (nothing of it is stored here): ``--articles``
articles present in every language are imported WITHOUT their ``--held-out`` translations (fr
and ja), beside ``--distractors`` other articles in every language; each left-out translation's
title, and the first sentence of its symptoms (read from its file), is then searched in its
language, and we count how often the article is first and in the top 3 of ``service.search``,
lexical-only (``KB_SEMANTIC`` off) and fused with the semantic candidates (on). Also printed:
embedding throughput (translations/s while ``catch_up`` embeds everything imported in this
process, one thread, and per CPU second), query latency in-process (the query's embedding, the nearest vectors, the whole semantic
candidates, a search lexical-only and fused) and, with ``--recipe``, the held-out figures for
other lengths of the symptoms part of the embedded text (``text.DETAIL_CHARS``).

    .venv/bin/python bench/semantic.py                         # 40 held out, 20 distractors (small)
    .venv/bin/python bench/semantic.py --distractors all --dev # the whole KCS corpus; the dev queries
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
SENTENCE_RE = re.compile(r"(?<=[.!?])\s|[。！？]")


def parse(arguments):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=40, help="articles held out of the held-out languages")
    parser.add_argument("--distractors", default="20", help="other articles imported in every language, or 'all'")
    parser.add_argument("--held-out", default="fr-FR,ja-JP", help="corpus folders left out for the held-out articles")
    parser.add_argument("--seed", type=int, default=27)
    parser.add_argument("--reuse", type=Path, default=None)
    parser.add_argument("--recipe", default="", help="comma-separated DETAIL_CHARS values to compare (re-embeds)")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--dev", action="store_true",
                        help="also ../shared/eval/dev-queries.jsonl, those whose articles are imported in their language")
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
    """For each held-out article and left-out language: its title (``kind`` "title") and the
    first sentence of its symptoms (``kind`` "symptom", when it has one of 20-200 characters)."""
    from articles.languages import normalize_language
    from articles.rendering import plain_text
    from articles.rendering.sections import split_sections

    found = []
    for folder in left_out:
        for number in held:
            text = (KCS / folder / "articles" / f"{number}.md").read_text(encoding="utf-8")
            title = TITLE_RE.search(text).group(1).strip().strip("'\"")
            lang = normalize_language(folder)
            found.append({"kind": "title", "q": title, "lang": lang, "expect": number})
            symptoms = plain_text(split_sections(text.split("---", 2)[-1]).get("symptoms", ""))
            sentence = SENTENCE_RE.split(symptoms, maxsplit=1)[0].strip()
            if 20 <= len(sentence) <= 200:
                found.append({"kind": "symptom", "q": sentence, "lang": lang, "expect": number})
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


def ranked(query, semantic, limit=10):
    """Article numbers ``service.search`` returns, semantic search on or off (``KB_SEMANTIC``)."""
    from django.conf import settings

    from articles.search.service import search

    settings.KB_SEMANTIC = semantic
    return [r.article_number for r in search(query["q"], query["lang"], limit=limit).results]


def rank_both(query):
    """``(lexical, fused)``: article numbers, best first."""
    return ranked(query, False), ranked(query, True)


def held_out_figures(found, label, misses=False):
    rows = {}
    for query in found:
        lexical, fused = rank_both(query)
        for name, ranking in (("lexical", lexical), ("fused", fused)):
            row = rows.setdefault((query["kind"], name, query["lang"]), [0, 0, 0])
            row[0] += ranking[:1] == [query["expect"]]
            row[1] += query["expect"] in ranking[:3]
            row[2] += 1
        if misses and query["expect"] not in fused[:3]:
            print(f"  miss {query['kind']} {query['lang']} {query['expect']}: {query['q'][:70]!r} -> {fused[:3]}")
    print(f"{label}: held-out articles searched in a left-out language (top-1 / top-3 of n)")
    for kind in sorted({kind for kind, _, _ in rows}):
        for name in ("lexical", "fused"):
            total, parts = [0, 0, 0], []
            for lang in sorted({lang for k, _, lang in rows if k == kind}):
                one, three, n = rows[(kind, name, lang)]
                total = [total[0] + one, total[1] + three, total[2] + n]
                parts.append(f"{lang} {one}/{three}/{n}")
            print(f"  {kind:8} {name:8} top-1 {total[0] / total[2]:.3f}  top-3 {total[1] / total[2]:.3f}  "
                  f"({', '.join(parts)})")


def dev_figures():
    """success@1 per kind of the dev queries whose expected articles have a translation in the
    query's language here (a subset: on the whole corpus, evaluate.py is the measure)."""
    import json

    from articles.models import Translation

    present = set(Translation.objects.values_list("article__number", "language"))
    rows = {}
    for line in (SHARED / "eval" / "dev-queries.jsonl").read_text(encoding="utf-8").splitlines():
        query = json.loads(line)
        from articles.languages import normalize_language

        query["lang"] = normalize_language(query["lang"])
        if not all((number, query["lang"]) in present for number in query["expect"]):
            continue
        for name, semantic in (("lexical", False), ("fused", True)):
            first = ranked(query, semantic, limit=1)
            row = rows.setdefault((query["kind"], name), [0, 0])
            row[0] += bool(first) and first[0] in query["expect"]
            row[1] += 1
    print("dev queries whose articles are imported in their language: success@1 lexical / fused (n)")
    for kind in sorted({kind for kind, _ in rows}):
        (lexical, n), (fused, _) = rows[(kind, "lexical")], rows[(kind, "fused")]
        print(f"  {kind:15} {lexical / n:.3f} / {fused / n:.3f}  ({n})")


def latency(found):
    from articles.search.semantic import vectors
    from articles.search.semantic.candidates import _cache, semantic_candidates
    from articles.search.semantic.model import QUERY, embedder
    from articles.search.semantic.text import embedding_key

    model = embedder()
    held = vectors.current(embedding_key(model))
    timings = {"query embedding": [], "nearest vectors": [], "semantic candidates": [], "search, lexical-only": [],
               "search, fused": []}
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
        for name, semantic in (("search, lexical-only", False), ("search, fused", True)):
            _cache.clear()
            started = time.perf_counter()
            ranked(query, semantic)
            timings[name].append(time.perf_counter() - started)
    print(f"latency in-process over {len(found)} queries, {len(held)} vectors held (p50 / p95 ms; "
          f"load average {os.getloadavg()[0]:.1f}):")
    for name, values in timings.items():
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(f"  {name:22} {statistics.median(values) * 1000:6.1f} / {p95 * 1000:6.1f}")


def main(arguments):
    args = parse(arguments)
    if not KCS.is_dir():
        sys.exit(f"skipped: the corpus is not at {KCS}")
    held, left_out = set_up(args)
    from articles.models import Translation
    from articles.search.semantic import text as recipe

    print(f"{len(held)} articles held out of {', '.join(left_out)}; {Translation.objects.count()} translations "
          f"imported; recipe: title, description, symptoms cut at {recipe.DETAIL_CHARS} characters")
    found = queries(held, left_out)
    print(f"queries: {sum(q['kind'] == 'title' for q in found)} titles, "
          f"{sum(q['kind'] == 'symptom' for q in found)} symptom sentences")
    embed_all("embedding")
    held_out_figures(found, f"detail {recipe.DETAIL_CHARS}", args.misses)
    if args.dev:
        dev_figures()
    latency([query for query in found if query["kind"] == "title"])
    for value in [int(v) for v in args.recipe.split(",") if v.strip()]:
        if value == recipe.DETAIL_CHARS:
            continue
        default, recipe.DETAIL_CHARS = recipe.DETAIL_CHARS, value  # another embedding key: all embedded again
        embed_all(f"detail {value}")
        held_out_figures(found, f"detail {value}")
        recipe.DETAIL_CHARS = default
    print("full run: .venv/bin/python bench/semantic.py --distractors all --dev --reuse /tmp/kb-semantic-all "
          "(about 8,300 translations to embed: minutes on two quiet cores, more on a busy machine)")


if __name__ == "__main__":
    main(sys.argv[1:])
