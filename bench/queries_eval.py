"""Search quality on queries made from the corpus at run time: identifiers and documentation.

Two sets, generated deterministically from ``../shared/corpus`` (nothing of it is stored here):

- **identifiers** (``kcs/<lang>/articles``): snake_case (``aem_program_id``), camelCase
  (``onTokenRefresh``, ``FeatureFlag``), ``prefix:name`` (``xtk:workflow``), dotted
  (``com.day.cq.wcm``) and path (``/libs/granite/ui``) names that occur in exactly one public
  article of everything imported (any case, any language), typed as written, in the language
  of a file holding them;
- **docs** (``exl-docs``, en, fr, ko): a run of 5-8 words from a sentence, a title's words, a
  UI label (``[!UICONTROL ...]``), an identifier and the heading a page opens with (when it is
  not its title: readers type what heads the page), each found on one page of its language
  only (an identifier: in no other article either), asked in that language.

Each query is split into ``tune`` or ``held-out`` by a hash of its text: tune on the first,
report both. Prints success@1, top3 and recall@10 per set and kind, and success@1 per kind of
``../shared/eval/dev-queries.jsonl`` (in-process, as ``bench/search.py``).

    .venv/bin/python bench/queries_eval.py [--previous DIR] [--stock] [--reuse DIR] [--misses]

``--previous DIR`` runs another checkout's code (``git worktree add DIR <commit>``) on the same
database in the same run, ``--stock`` this code with ``KB_SEARCH_SPEEDUPS=0``; each variant is
a process of its own that builds its own index. ``--reuse DIR`` keeps the imported corpus in
DIR (imported there when absent). ``--json FILE`` writes the queries and each variant's ranks.
"""
import argparse
from collections import defaultdict
import glob
import hashlib
import html
import json
import os
from pathlib import Path
import random
import re
import subprocess
import sys
import tempfile

from _setup import ROOT, SHARED, configure, rebuild_index

CORPUS = SHARED / "corpus"
IMPORTED = [CORPUS / "kcs", CORPUS / "docs", CORPUS / "exl-docs"]
PER_KIND = 40  # identifiers per kind
PER_DOC_KIND = 15  # docs queries per kind and language
DOC_LANGUAGES = {"en": "campaign.en", "fr": "campaign.fr-FR", "ko": "campaign.ko-KR"}
KCS_LANGUAGES = {"en": "en", "de-DE": "de", "es-ES": "es", "fr-FR": "fr", "ja-JP": "ja", "ko-KR": "ko",
                 "zh-Hans": "zh-hans"}

FRONT_MATTER_RE = re.compile(r"\A---\n(.*?)\n---\n", re.S)
OPENING_HEADING_RE = re.compile(r"\A\s*# ([^\n]+)")
EDGE = r"(?<![\w./:-]){}(?![\w/:-]|\.\w)"
IDENTIFIER_KINDS = {
    "snake": re.compile(EDGE.format(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+"), re.A),
    "camel": re.compile(EDGE.format(r"(?:[a-z]+|[A-Z][a-z]{2,})(?:[A-Z][a-z]{2,})+"), re.A),
    "colon": re.compile(EDGE.format(r"[a-z]{2,}:[A-Za-z][A-Za-z0-9]{2,}"), re.A),
    "dotted": re.compile(EDGE.format(r"[a-z]{2,}(?:\.[A-Za-z][A-Za-z0-9]+){2,}"), re.A),
    "path": re.compile(EDGE.format(r"(?:/[a-z][a-z_]*[a-z]){3,}"), re.A),
}
NOT_IDENTIFIER_RE = re.compile(r"^(?:https?|mailto|ftp|file):|\.(?:com|net|org|io|html?|jsp|md|png|jpe?g)$", re.I)
UICONTROL_RE = re.compile(r"\[!UICONTROL\s+([^\[\]]+?)\]")
MARKUP_RES = [(re.compile(r"\[!(?:UICONTROL|DNL)\s+([^\[\]]*)\]"), r"\1"),
              (re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)"), r"\1"), (re.compile(r"\{[^{}]*\}"), " "),
              (re.compile(r"<[^<>]*>"), " "), (re.compile(r"\[![A-Z]+\]"), " "), (re.compile(r"[*`|]+"), " ")]
PROSE_LINE_RE = re.compile(r"^\s*(?:[-*+]|\d+\.)?\s*(?!\s*[#>|<!`]|\s*---)(.+)$")
WORD_RE = re.compile(r"\w[\w'’.-]*\w|\w")


def front_matter_and_body(path):
    text = Path(path).read_text(encoding="utf-8")
    found = FRONT_MATTER_RE.match(text)
    return (found.group(1), text[found.end():]) if found else ("", text)


def field(front_matter, name):
    found = re.search(rf"(?m)^{name}:\s*(.*)$", front_matter)
    return found.group(1).strip().strip("'\"") if found else ""


def hidden(front_matter):
    """Readers never see a page with ``hide`` or ``hidefromtoc`` (``fields.py``)."""
    return any(field(front_matter, name).lower() in ("true", "yes", "1") for name in ("hide", "hidefromtoc"))


def split_of(text):
    return "tune" if hashlib.sha1(text.encode()).digest()[0] % 2 else "held-out"


def identifiers_in(text):
    """``{kind: set of identifiers}`` written in ``text``."""
    found = defaultdict(set)
    for kind, pattern in IDENTIFIER_KINDS.items():
        for name in pattern.findall(text):
            if not NOT_IDENTIFIER_RE.search(name):
                found[kind].add(name)
    return found


def owner_of(path):
    """The article a file belongs to, the same in every language: ``kcs:KA-23014``,
    ``doc:campaign/help/v8/send/preview.md``."""
    parts = Path(path).relative_to(CORPUS).parts
    if parts[0] == "kcs":
        return f"kcs:{Path(path).stem}"
    return "doc:" + "/".join((parts[1].split(".")[0],) + parts[2:])


def identifier_owners():
    """``{casefolded identifier: articles holding it}`` over every file imported (hidden ones too)."""
    owners = defaultdict(set)
    for path in sorted(p for folder in IMPORTED for p in glob.glob(str(folder / "**" / "*.md"), recursive=True)):
        front_matter, body = front_matter_and_body(path)
        for names in identifiers_in(field(front_matter, "title") + "\n" + body).values():
            for name in names:
                owners[name.casefold()].add(owner_of(path))
    return owners


def identifier_queries(owners):
    """Identifiers of KCS articles that occur in that public article only, asked in a language
    holding them."""
    found = defaultdict(lambda: defaultdict(dict))  # kind -> casefolded name -> {folder: form written}
    hidden_articles = set()
    for path in sorted(glob.glob(str(CORPUS / "kcs" / "*" / "articles" / "*.md"))):
        folder = Path(path).parts[-3]
        front_matter, body = front_matter_and_body(path)
        if hidden(front_matter):
            hidden_articles.add(owner_of(path))
        for kind, names in identifiers_in(field(front_matter, "title") + "\n" + body).items():
            for name in names:
                found[kind][name.casefold()].setdefault(folder, name)
    queries = []
    for kind in IDENTIFIER_KINDS:
        unique = sorted(key for key in found[kind]
                        if len(owners[key]) == 1 and not owners[key] & hidden_articles and len(key) >= 6)
        for key in random.Random(f"identifiers-{kind}").sample(unique, min(PER_KIND, len(unique))):
            forms = found[kind][key]
            folder = random.Random(key).choice(sorted(forms))
            number = next(iter(owners[key])).split(":", 1)[1]
            queries.append({"set": "identifiers", "kind": kind, "lang": KCS_LANGUAGES[folder], "q": forms[folder],
                            "expect_files": [str(CORPUS / "kcs" / f / "articles" / f"{number}.md") for f in sorted(forms)]})
    return queries


def prose(body):
    """Lines of running text of a page, markup taken out (code blocks, tables, headings left out)."""
    lines, fenced = [], False
    for line in html.unescape(body).splitlines():
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
            continue
        found = PROSE_LINE_RE.match(line)
        if fenced or not found:
            continue
        text = found.group(1)
        for pattern, replacement in MARKUP_RES:
            text = pattern.sub(replacement, text)
        lines.append(" ".join(text.split()))
    return [line for line in lines if line]


def opening_heading(body):
    """The text of the heading a page's body opens with (``# Create a [!UICONTROL Workflow]``),
    its markup and ``{#anchor}`` left out; "" when it opens with none."""
    found = OPENING_HEADING_RE.match(body)
    if not found:
        return ""
    text = found.group(1)
    for pattern, replacement in MARKUP_RES:
        text = pattern.sub(replacement, text)
    return " ".join(html.unescape(re.sub(r"\{#[^}]*\}", "", text)).replace("\u200b", "").split())


def normalised(text):
    return " ".join(w.casefold() for w in WORD_RE.findall(text))


def docs_queries(owners):
    """Sentence runs, titles, UI labels and identifiers of exl-docs pages, one page each."""
    queries = []
    for lang, folder in DOC_LANGUAGES.items():
        pages = {}
        for path in sorted(glob.glob(str(CORPUS / "exl-docs" / folder / "**" / "*.md"), recursive=True)):
            front_matter, body = front_matter_and_body(path)
            title = html.unescape(field(front_matter, "title"))
            if Path(path).name == "TOC.md" or not title or hidden(front_matter):
                continue
            pages[path] = {"title": title, "body": body, "prose": prose(body)}
        everything = {path: normalised(" ".join(page["prose"]) + " " + page["title"]) for path, page in pages.items()}
        queries += _page_queries(lang, pages, everything, owners)
    return queries


def _unique_to(path, text, everything):
    wanted = f" {normalised(text)} "
    return wanted.strip() and [p for p, page in everything.items() if wanted in f" {page} "] == [path]


def _page_queries(lang, pages, everything, owners):
    chosen = defaultdict(list)
    titles = defaultdict(list)
    labels, names = defaultdict(set), defaultdict(lambda: defaultdict(set))
    for path, page in pages.items():
        titles[normalised(page["title"])].append(path)
        for label in UICONTROL_RE.findall(page["body"]):
            labels[" ".join(html.unescape(label).split())].add(path)
        for kind, found in identifiers_in(page["body"]).items():
            for name in found:
                names[name.casefold()][name].add(path)
    headings = defaultdict(list)
    for path, page in pages.items():
        page["heading"] = opening_heading(page["body"])
        headings[normalised(page["heading"])].append(path)
    for path, page in pages.items():
        if len(titles[normalised(page["title"])]) == 1 and len(WORD_RE.findall(page["title"])) >= 2:
            chosen["title"].append((" ".join(WORD_RE.findall(page["title"])), path))
        heading = page["heading"]
        if (len(WORD_RE.findall(heading)) >= 2 and len(headings[normalised(heading)]) == 1
                and normalised(heading) != normalised(page["title"])):
            chosen["heading"].append((heading, path))  # typed as it heads the page
        choice = random.Random(f"{lang}-{path}")
        sentences = [s for s in re.split(r"(?<=[.!?。])\s+", " ".join(page["prose"])) if len(s.split()) >= 7]
        for sentence in choice.sample(sentences, min(3, len(sentences))):
            words = sentence.split()
            size = choice.randint(5, min(8, len(words)))
            start = choice.randint(0, len(words) - size)
            run = " ".join(w.strip(".,;:()\"'“”«»") for w in words[start:start + size])
            if _unique_to(path, run, everything):
                chosen["sentence"].append((run, path))
                break
    chosen["uicontrol"] = [(label, next(iter(paths))) for label, paths in sorted(labels.items())
                           if len(paths) == 1 and len(label) >= 4]
    chosen["identifier"] = [(name, next(iter(paths))) for key, forms in sorted(names.items())
                            for name, paths in sorted(forms.items())
                            if len(owners[key]) == 1 and len(set().union(*forms.values())) == 1 and len(key) >= 6]
    queries = []
    for kind in ("sentence", "title", "uicontrol", "identifier", "heading"):
        candidates = sorted(set(chosen[kind]))
        for text, path in random.Random(f"docs-{lang}-{kind}").sample(candidates, min(PER_DOC_KIND, len(candidates))):
            queries.append({"set": "docs", "kind": kind, "lang": lang, "q": text, "expect_files": [path]})
    return queries


def with_numbers(queries):
    """Each query's ``expect``: the article numbers of its files, from the imported database."""
    from articles.models import Translation

    numbers = dict(Translation.objects.values_list("source_path", "article__number"))
    for number, query in enumerate(queries):
        query["id"] = f"{query['set']}-{number:04d}"
        query["split"] = split_of(query["q"])
        query["expect"] = sorted({numbers[f] for f in query.pop("expect_files") if f in numbers})
    return [q for q in queries if q["expect"]]


def dev_queries():
    return [dict(q, set="dev", split="dev") for q in
            map(json.loads, open(SHARED / "eval" / "dev-queries.jsonl", encoding="utf-8"))]


def imported_database(reuse):
    """A scratch database holding the imported corpus (kept in ``reuse`` when given)."""
    scratch = Path(reuse) if reuse else Path(tempfile.mkdtemp(prefix="kb-queries-eval-"))
    scratch.mkdir(parents=True, exist_ok=True)
    fresh = not (scratch / "kb.sqlite3").exists()
    configure(scratch)
    if fresh:
        from django.core.management import call_command
        from articles.importing import import_paths

        call_command("migrate", verbosity=0)
        import_paths(IMPORTED)
    return scratch


def main(arguments):
    if not all(path.is_dir() for path in IMPORTED):
        sys.exit(f"skipped: the corpus is not at {CORPUS}")
    scratch = imported_database(arguments.reuse)
    owners = identifier_owners()
    queries = with_numbers(identifier_queries(owners) + docs_queries(owners)) + dev_queries()
    from django.db import connections

    connections.close_all()
    variants = [("this code", ROOT, "1")]
    if arguments.stock:
        variants.append(("this code, speed-ups off", ROOT, "0"))
    if arguments.previous:
        variants.append((f"previous ({Path(arguments.previous).name})", Path(arguments.previous).resolve(), "1"))
    (scratch / "queries.json").write_text(json.dumps(queries, ensure_ascii=False))
    ranks = {}
    for number, (name, tree, speedups) in enumerate(variants):
        env = {**os.environ, "KB_SEARCH_SPEEDUPS": speedups, "KB_INDEX_DIR": str(scratch / f"index-eval-{number}"),
               "KB_LOG_LEVEL": "WARNING"}
        output = subprocess.run([sys.executable, __file__, "--worker", str(tree), str(scratch / "queries.json")],
                                env=env, text=True, stdout=subprocess.PIPE, check=True).stdout
        ranks[name] = json.loads(output.splitlines()[-1])
    print_figures(queries, ranks)
    if arguments.misses:
        print_misses(queries, ranks[variants[0][0]])
    if arguments.json:
        Path(arguments.json).write_text(json.dumps({"queries": queries, "ranks": ranks}, ensure_ascii=False, indent=1))


def figures(rows):
    """``(success@1, top3, recall@10)`` of ranks (1-based, 0: not in the top 10)."""
    count = len(rows) or 1
    return (sum(r == 1 for r in rows) / count, sum(0 < r <= 3 for r in rows) / count,
            sum(0 < r <= 10 for r in rows) / count)


def print_figures(queries, ranks):
    names = list(ranks)
    print(f"{'set / kind':<32}{'n':>5}  " + "  ".join(f"{n[:24]:>24}" for n in names))
    print(f"{'':<32}{'':>5}  " + "  ".join(f"{'s@1  top3  r@10':>24}" for _ in names))
    groups = defaultdict(list)
    for q in queries:
        for key in ((q["set"], "all"), (q["set"], q["kind"]), (q["set"], f"split {q['split']}")):
            groups[key].append(q["id"])
    for key in sorted(groups, key=lambda k: (k[0], k[1] != "all", k[1])):
        if key[0] == "dev" and key[1].startswith("split"):
            continue
        cells = ["{:.3f} {:.3f} {:.3f}".format(*figures([ranks[n][i] for i in groups[key]])) for n in names]
        print(f"{key[0] + ' / ' + key[1]:<32}{len(groups[key]):>5}  " + "  ".join(f"{c:>24}" for c in cells))


def print_misses(queries, ranks):
    for q in queries:
        if ranks[q["id"]] != 1 and q["set"] != "dev":
            print(f"  miss {q['set']}/{q['kind']} [{q['lang']}] rank {ranks[q['id']]}: {q['q']!r} -> {q['expect']}")


def worker(tree, queries_file):
    """Builds this variant's index from the shared database and prints ``{id: rank}``."""
    sys.path.insert(0, str(tree))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    import django

    django.setup()
    from articles.languages import normalize_language
    from articles.search.service import search

    rebuild_index()
    ranks = {}
    for q in json.loads(Path(queries_file).read_text()):
        found = [r.article_number for r in search(q["q"], normalize_language(q["lang"]), limit=10).results]
        ranks[q["id"]] = next((n for n, number in enumerate(found, 1) if number in q["expect"]), 0)
    print(json.dumps(ranks))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--previous", help="a checkout of other code to compare with")
    parser.add_argument("--stock", action="store_true", help="also this code with KB_SEARCH_SPEEDUPS=0")
    parser.add_argument("--reuse", help="a folder keeping the imported corpus between runs")
    parser.add_argument("--misses", action="store_true", help="list the generated queries the first variant misses")
    parser.add_argument("--json", help="write the queries and ranks here")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        worker(*arguments.worker)
    else:
        main(arguments)
