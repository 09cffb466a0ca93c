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
    .venv/bin/python bench/semantic.py --distractors all --natural  # and questions in a reader's words
    .venv/bin/python bench/semantic.py --recipe 0,300,600 --reuse /tmp/kb-semantic

Held-out articles the corpus hides (``hide: true``) are never searched for: no reader may find them.

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
    parser.add_argument("--floor", action="store_true",
                        help="the score of the right article for the held-out queries beside the best score of "
                             "questions no article answers, and how many clear the floors (semantic.candidates)")
    parser.add_argument("--dev", action="store_true",
                        help="also ../shared/eval/dev-queries.jsonl, those whose articles are imported in their language")
    parser.add_argument("--natural", action="store_true",
                        help="also the questions in a reader's words of bench/natural_questions.py, "
                             "bench/natural_questions_blind.py, bench/natural_questions_blind2.py and "
                             "bench/natural_questions_blind3.py (the blind "
                             "ones written without reading the resolutions), those "
                             "whose articles are imported (in any language)")
    return parser.parse_args(arguments)


def choose(args):
    """``(held, distractors)``: article numbers, deterministic for a seed."""
    everywhere = set.intersection(*({p.stem for p in (KCS / folder / "articles").glob("*.md")} for folder in FOLDERS))
    ordered = sorted(everywhere)
    rng = random.Random(args.seed)
    sampled = sorted(rng.sample(ordered, args.articles))
    # An article whose files hide it (``hide``/``hidefromtoc``, read as the importer reads them)
    # is one no reader may find: it is never searched for.
    held = [number for number in sampled if not hidden(number)]
    rest = [number for number in ordered if number not in set(held)]
    distractors = rest if args.distractors == "all" else sorted(rng.sample(rest, int(args.distractors)))
    return held, distractors


def hidden(number):
    """Whether any of the article's files hides it (Django is configured: ``set_up``)."""
    from articles.importing.fields import map_fields
    from articles.importing.frontmatter import parse_document

    for folder in FOLDERS:
        document = parse_document((KCS / folder / "articles" / f"{number}.md").read_text(encoding="utf-8"))
        if map_fields(document.front_matter or {}, document.body).hidden:
            return True
    return False


def imported_number(stem):
    """The number of the article of ``KCS/en/articles/<stem>.md`` on the site: ``stem`` (its file
    name, as the importer numbers the video pages ``KT-11456.md``), else its ``exl-id``, under
    which a site imported before that holds them."""
    from articles.importing.frontmatter import parse_document
    from articles.importing.grouping import exl_id
    from articles.models import Article

    path = KCS / "en" / "articles" / f"{stem}.md"
    if Article.objects.filter(number=stem).exists() or not path.exists():
        return stem
    held_as = exl_id(parse_document(path.read_text(encoding="utf-8")).front_matter)
    return held_as if held_as and Article.objects.filter(number=held_as).exists() else stem


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
            found.append({"kind": "title", "q": title, "lang": lang, "expect": imported_number(number)})
            symptoms = plain_text(split_sections(text.split("---", 2)[-1]).get("symptoms", ""))
            sentence = SENTENCE_RE.split(symptoms, maxsplit=1)[0].strip()
            if 20 <= len(sentence) <= 200:
                found.append({"kind": "symptom", "q": sentence, "lang": lang, "expect": imported_number(number)})
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
    else:
        from articles.search.sync.applier import ensure_usable

        ensure_usable()  # an index of another schema (this code's analysis changed) is rebuilt, as the indexer does
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


def natural_figures(misses=False, module="natural_questions"):
    """success@1, top-3 and recall@10 of ``QUESTIONS`` of bench/``module``.py whose articles are
    imported and public (in any language: one held out of the question's language is found across
    languages or not at all), lexical-only and fused, per language."""
    import importlib

    from articles.models import Translation

    QUESTIONS = importlib.import_module(module).QUESTIONS

    # An article no reader may see (archived, hidden) is never searched for: the search is right to miss it.
    present = set(Translation.objects.public().values_list("article__number", "language"))
    imported = {number for number, _ in present}
    rows = {}
    for lang, question, expect in QUESTIONS:
        expect = imported_number(expect)
        if expect not in imported:
            continue
        query = {"q": question, "lang": lang}
        for name, ranking in zip(("lexical", "fused"), rank_both(query)):
            row = rows.setdefault((name, lang), [0, 0, 0, 0, 0])
            row[0] += ranking[:1] == [expect]
            row[1] += expect in ranking[:3]
            row[2] += expect in ranking[:10]
            row[3] += 1
            row[4] += (expect, lang) not in present  # the article has no translation in the question's language
            if misses and name == "fused" and ranking[:1] != [expect]:
                print(f"  miss {module} {lang} {expect}: {question[:70]!r} -> {ranking[:3]}")
    print(f"questions in a reader's words (bench/{module}.py): success@1 / top-3 / recall@10 (n, "
          "of which across languages)")
    for name in ("lexical", "fused"):
        total, parts = [0, 0, 0, 0, 0], []
        for lang in sorted({lang for n, lang in rows if n == name}):
            row = rows[(name, lang)]
            total = [a + b for a, b in zip(total, row)]
            parts.append(f"{lang} {row[0]}/{row[3]}")
        if total[3]:
            print(f"  {name:8} {total[0] / total[3]:.3f} / {total[1] / total[3]:.3f} / {total[2] / total[3]:.3f}  "
                  f"({total[3]}, {total[4]} across; top-1 {', '.join(parts)})")


# Questions no troubleshooting article answers, one per line per language (written for this bench).
OFF_TOPIC = {
    "en": ["recipe for a chocolate cake without eggs", "best hiking trails in the alps in summer",
           "how do I fix a flat bicycle tyre", "will it rain in Paris tomorrow", "easy guitar chords for beginners",
           "cheap flights to Tokyo in April", "how to train a puppy to sit", "who won the football cup final",
           "how to knit a scarf", "growing tomatoes on a balcony"],
    "fr": ["recette de gâteau au chocolat sans œufs", "meilleures randonnées dans les Alpes en été",
           "comment réparer un pneu de vélo crevé", "va-t-il pleuvoir à Paris demain",
           "accords de guitare faciles pour débutants", "vols pas chers pour Tokyo en avril",
           "comment apprendre à un chiot à s'asseoir", "qui a gagné la finale de la coupe de football",
           "comment tricoter une écharpe", "cultiver des tomates sur un balcon"],
    "de": ["Rezept für Schokoladenkuchen ohne Eier", "die schönsten Wanderwege in den Alpen im Sommer",
           "wie flicke ich einen platten Fahrradreifen", "regnet es morgen in Paris",
           "einfache Gitarrengriffe für Anfänger", "günstige Flüge nach Tokio im April",
           "wie bringe ich meinem Welpen Sitz bei", "wer hat das Pokalfinale im Fußball gewonnen",
           "wie strickt man einen Schal", "Tomaten auf dem Balkon anbauen"],
    "es": ["receta de pastel de chocolate sin huevos", "mejores rutas de senderismo en los Alpes en verano",
           "cómo arreglar una rueda pinchada de bicicleta", "lloverá mañana en París",
           "acordes de guitarra fáciles para principiantes", "vuelos baratos a Tokio en abril",
           "cómo enseñar a un cachorro a sentarse", "quién ganó la final de la copa de fútbol",
           "cómo tejer una bufanda", "cultivar tomates en el balcón"],
    "ja": ["卵を使わないチョコレートケーキのレシピ", "夏のアルプスのおすすめハイキングコース", "自転車のパンクの直し方",
           "明日のパリの天気は雨ですか", "初心者向けの簡単なギターコード", "4月の東京行き格安航空券",
           "子犬にお座りを教える方法", "サッカーのカップ決勝で勝ったのは誰", "マフラーの編み方", "ベランダでトマトを育てる"],
    "ko": ["달걀 없는 초콜릿 케이크 레시피", "여름 알프스 최고의 등산로", "자전거 펑크 수리 방법", "내일 파리에 비가 올까요",
           "초보자를 위한 쉬운 기타 코드", "4월 도쿄행 저렴한 항공권", "강아지에게 앉아를 가르치는 방법",
           "축구 컵 결승전에서 누가 이겼나요", "목도리 뜨는 법", "베란다에서 토마토 키우기"],
    "zh-hans": ["不用鸡蛋的巧克力蛋糕做法", "夏季阿尔卑斯山最佳徒步路线", "怎么补自行车爆胎", "明天巴黎会下雨吗",
                "适合初学者的简单吉他和弦", "四月飞东京的便宜机票", "怎样训练小狗坐下", "谁赢得了足球杯决赛",
                "怎么织围巾", "在阳台上种番茄"],
}


def floor_figures(found):
    """Scores (``candidates``: article-vector cosines, or translation cosines where a language has
    no mean of its own): of the right article among the semantic candidates of each held-out
    query, and of the best candidate of each off-topic question, and how many of each are
    ``close`` (shown when only the semantic side found them)."""
    from articles.search.semantic import candidates

    right, right_close = [], 0
    for query in found:
        hits = {hit.article_number: hit for hit in candidates.semantic_candidates(query["q"], query["lang"], None, 50)}
        if query["expect"] in hits:
            right.append(hits[query["expect"]].score)
            right_close += hits[query["expect"]].close
    off, off_close = [], 0
    for lang, questions in OFF_TOPIC.items():
        for question in questions:
            hits = candidates.semantic_candidates(question, lang, None, 50)
            off.append(hits[0].score if hits else 0.0)
            off_close += any(hit.close for hit in hits)

    def cut(values, share):
        values = sorted(values)
        return values[min(len(values) - 1, int(len(values) * share))] if values else float("nan")

    print(f"scores (floors: article {candidates.ARTICLE_FLOOR}, translation {candidates.TRANSLATION_FLOOR}):")
    print(f"  the right article, held-out queries ({len(right)} of {len(found)} among 50 candidates): "
          f"min {min(right):.3f}  p1 {cut(right, .01):.3f}  p5 {cut(right, .05):.3f}  p50 {cut(right, .5):.3f}; "
          f"close {right_close}/{len(right)}")
    print(f"  the best candidate, {len(off)} off-topic questions in {len(OFF_TOPIC)} languages: "
          f"p50 {cut(off, .5):.3f}  p90 {cut(off, .9):.3f}  max {max(off):.3f}; "
          f"with any candidate close {off_close}/{len(off)}")


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
    if args.floor:
        floor_figures(found)
    if args.dev:
        dev_figures()
    if args.natural:
        natural_figures(args.misses)
        natural_figures(args.misses, "natural_questions_blind")
        natural_figures(args.misses, "natural_questions_blind2")
        natural_figures(args.misses, "natural_questions_blind3")
    latency([query for query in found if query["kind"] == "title"])
    for value in [int(v) for v in args.recipe.split(",") if v.strip()]:
        if value == recipe.DETAIL_CHARS:
            continue
        default, recipe.DETAIL_CHARS = recipe.DETAIL_CHARS, value  # another embedding key: all embedded again
        embed_all(f"detail {value}")
        held_out_figures(found, f"detail {value}")
        recipe.DETAIL_CHARS = default
    print("full run: .venv/bin/python bench/semantic.py --distractors all --dev --natural --reuse /tmp/kb-semantic-all "
          "(about 8,300 translations to embed: minutes on two quiet cores, more on a busy machine)")


if __name__ == "__main__":
    main(sys.argv[1:])
