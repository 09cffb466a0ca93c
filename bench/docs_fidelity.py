"""Documentation fidelity bench (issue 22): imports a documentation folder into a scratch site,
serves every imported page through Django's test ``Client`` as a reader sees it, and counts
the pages where the Experience League dialect did not come through. Run:

    .venv/bin/python bench/docs_fidelity.py [FOLDER] [--details] [--json FILE]

FOLDER defaults to ``../shared/corpus/exl-docs``. Each page is fetched as an anonymous reader;
a page a reader may not open (``hide: true``) is fetched again as staff, so that every imported
page is checked. Only the article body (``<div class="article-body">`` of
``templates/articles/article.html``) is read, so the figures are about the content, not the
page's chrome. The figures, over every checked page:

    raw dialect     text outside <pre>/<code> still holding a dialect marker (MARKERS)
    split lists     more top-level <ol> (not inside an <li>) than ordered lists in the source
                    (``count_ordered_lists``)
    lost code       fewer <pre> than fenced blocks in the source (``count_fences``)
    .md links       <a href> to a .md file (external http(s) links to .md files are counted apart)
    broken links    distinct internal links (href starting with "/") not answering 200 to a
                    reader, after following one redirect (and how many answer 200 to staff:
                    links to pages hidden from readers)
    unresolved images <img src> a browser resolves against the page's address (not "/", "http"
                    or "data:"), or from the site's root but outside its media and static files
                    (a repository-root ``/help/assets/x.svg`` not found)
    import          failures (duplicates among them: the same article and language twice), warnings
    served          article pages answering 200 to an anonymous reader

and two checks on the checks: pages with fewer <ol> than source lists (lists merged, or lost as
paragraph text, or the scanner wrong) and pages with more <pre> than fenced blocks (indented text
shown as code). ``--details`` prints examples of each, with the text around raw markers.

The per-page checks are pure functions (source markdown or body HTML in, facts out), tested
with snippets in ``tests/test_docs_fidelity_bench.py``.
"""
import argparse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
import json
import os
from pathlib import Path
import re
import sys
import tempfile
import time
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = ROOT.parent / "shared" / "corpus" / "exl-docs"
EXAMPLES = 5

# Dialect markers left as text once <pre>, <code>, <script> and <style> are removed:
# (kind, pattern); a match's text, normalised by ``_marker_label``, is the "marker".
_ALERTS = r"NOTE|CAUTION|IMPORTANT|TIP|WARNING|AVAILABILITY|INFO|ERROR|SUCCESS|PREREQUISITES|ADMINISTRATION|ADMIN|MORELIKETHIS"
MARKERS = (
    ("alert", re.compile(r"\[!(?:" + _ALERTS + r")\]")),
    ("uicontrol", re.compile(r"\[!UICONTROL\b")),
    ("dnl", re.compile(r"\[!DNL\b")),
    ("tabs", re.compile(r"\[!(?:BEGINTABS|ENDTABS)\]|\[!TAB\b")),
    ("video", re.compile(r"\[!VIDEO\]")),
    # Whole names: [!ADMINISTRATION] is an alert, [!ADMINX] another marker.
    ("other [!…]", re.compile(r"\[!(?!(?:" + _ALERTS + r"|UICONTROL|DNL|BEGINTABS|ENDTABS|TAB|VIDEO)\b)[A-Z]+")),
    # A block marker read as an alert type shows its name as the alert's title ("Beginshadebox").
    ("marker as title", re.compile(r"\b(?:[Bb]egin|[Ee]nd)(?:shadebox|tabs)\b|\bContextualhelp\b")),
    ("quote >[!", re.compile(r">\s*\[!")),
    # {#id}, {.class}, {target="_blank"}, {width="800" …}, {hide-from-toc}; not {expr: "@id"}.
    ("attribute list", re.compile(r"\{:?\s*(?:[#.][\w-]|[\w-]+\s*=|hide-from-toc\b)")),
    ("collapsible +++", re.compile(r"\+\+\+")),
    # A snippet's name left where the page includes it ({{step-1-to-setup}}: _includes/snippets.md).
    ("snippet {{…}}", re.compile(r"\{\{[\w.-]+\}\}")),
    ("bold **", re.compile(r"\*\*")),
    ("markdown link ](", re.compile(r"\]\((?=\S)")),
    # A source line "1. Step" that became paragraph text (Python-Markdown lets no list
    # interrupt a paragraph; CommonMark lets "1." do so). Only a newline inside a text node
    # starts a line here: block boundaries are BLOCK_SEPARATOR.
    ("list item as text", re.compile(r"(?m)^[ \t]*1[.)][ \t]+(?=\S)")),
)
BLOCK_SEPARATOR = "\u2029"  # Unicode's paragraph separator: no "^" of a multi-line pattern
ATTRIBUTE_NAME_RE = re.compile(r"\{:?\s*([#.]|[\w-]+)")

BLOCK_TAGS = {"p", "div", "li", "ol", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "th",
              "table", "blockquote", "details", "summary", "section", "dd", "dt", "hr"}
SKIPPED_TAGS = {"pre", "code", "script", "style"}


@dataclass
class BodyFacts:
    """What a rendered article body holds: ``text`` outside <pre>/<code>/<script>/<style>
    (entities decoded, block elements' boundaries as ``BLOCK_SEPARATOR``), ``top_level_ols`` (<ol> not inside an
    <li>), ``pres``, and every <a href> and <img src> in document order."""

    text: str = ""
    top_level_ols: int = 0
    pres: int = 0
    hrefs: list = field(default_factory=list)
    img_srcs: list = field(default_factory=list)


class _BodyParser(HTMLParser):
    """Reads the element whose class list holds ``container`` (the whole input when None)."""

    def __init__(self, container):
        super().__init__(convert_charrefs=True)
        self.container, self.facts, self.parts = container, BodyFacts(), []
        self.depth = 0 if container else 1  # open <div>s of the container, itself included
        self.done, self.li, self.skipped = False, 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if not self.depth:
            if tag == "div" and not self.done and self.container in (attrs.get("class") or "").split():
                self.depth = 1
            return
        self.depth += tag == "div"
        self._element(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        if self.depth:
            self._element(tag, dict(attrs))

    def _element(self, tag, attrs):
        facts = self.facts
        if tag == "ol" and not self.li:
            facts.top_level_ols += 1
        self.li += tag == "li"
        facts.pres += tag == "pre"
        self.skipped += tag in SKIPPED_TAGS
        if tag == "a" and attrs.get("href") is not None:
            facts.hrefs.append(attrs["href"])
        if tag == "img" and attrs.get("src") is not None:
            facts.img_srcs.append(attrs["src"])
        if tag in BLOCK_TAGS:
            self.parts.append(BLOCK_SEPARATOR)

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "div":
            self.depth -= 1
            self.done = self.depth == 0
        self.li -= tag == "li" and self.li > 0
        self.skipped -= tag in SKIPPED_TAGS and self.skipped > 0
        if tag in BLOCK_TAGS:
            self.parts.append(BLOCK_SEPARATOR)

    def handle_data(self, data):
        if self.depth and not self.skipped:
            self.parts.append(data)


def read_body(html, container="article-body"):
    """``BodyFacts`` of the first ``<div class="… container …">`` of a page (of the whole
    ``html`` when ``container`` is None); None when the page has no such element."""
    parser = _BodyParser(container)
    parser.feed(html)
    parser.close()
    if container and not (parser.depth or parser.done):
        return None
    parser.facts.text = "".join(parser.parts)
    return parser.facts


def _marker_label(kind, text):
    if kind == "attribute list":
        name = ATTRIBUTE_NAME_RE.match(text).group(1)
        return {"#": "{#id}", ".": "{.class}"}.get(name, "{" + name + ("=" if "=" in text else "}"))
    return text.strip()


def marker_contexts(text, width=40):
    """``{kind: "…text around its first marker…"}``, for the report's examples."""
    found = {}
    for kind, pattern in MARKERS:
        match = pattern.search(text)
        if match:
            around = text[max(0, match.start() - width):match.end() + width]
            found[kind] = " ".join(around.replace(BLOCK_SEPARATOR, " | ").split())
    return found


def raw_markers(text):
    """``[(kind, marker)]`` for every dialect marker left in ``text``, in ``MARKERS`` order;
    ``marker`` is the match, with ids and attribute values left out (``{#id}``, ``{target=``)."""
    return [(kind, _marker_label(kind, match.group())) for kind, pattern in MARKERS
            for match in pattern.finditer(text)]


# ---- the source side: fenced blocks and ordered lists -----------------------------------------

QUOTE_PREFIX_RE = re.compile(r"^(?: {0,3}>)+ ?")
FENCE_RE = re.compile(r"^ *(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
ITEM_RE = re.compile(r"^(?P<indent> *)(?:(?P<number>\d{1,9})(?P<delim>[.)])|(?P<bullet>[-*+]))"
                     r"(?P<space> +|(?=$))(?P<rest>.*)$")
THEMATIC_RE = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$")
# Lines that start a block, so never continue a paragraph lazily; of HTML only block tags
# (CommonMark's types 1-6, abridged): an inline <img> line does continue one.
BLOCK_START_RE = re.compile(r"^ {0,3}(?:#{1,6}(?: |$)|>|`{3,}|~{3,}|<!--|</?(?:div|table|p|ul|ol|pre|details|"
                            r"section|blockquote|h[1-6]|hr|iframe|script|style)\b)", re.IGNORECASE)
HTML_OL_RE = re.compile(r"<ol[\s>]", re.IGNORECASE)
CODE_SPAN_RE = re.compile(r"`+[^`]*`+")
COMMENT_START_RE = re.compile(r"^ {0,3}<!--")


def _opening_fence(line):
    """The fence string (```` ``` ````, ``~~~~``…) a line opens, after any quote markers, or None.
    A backtick fence's info string holds no backtick (```` ```x``` ```` is inline code)."""
    found = FENCE_RE.match(QUOTE_PREFIX_RE.sub("", line, count=1))
    if not found or (found["fence"][0] == "`" and "`" in found["info"]):
        return None
    return found["fence"]


def _closes(line, fence):
    stripped = QUOTE_PREFIX_RE.sub("", line, count=1).strip()
    return stripped.startswith(fence) and set(stripped) == {fence[0]}


def _without_fenced_bodies(markdown):
    """``(lines, fences)``: the lines with tabs expanded, without the body of each HTML comment
    block (from a line starting ``<!--`` to the one holding ``-->``: not rendered) and of each
    fenced block (closing line included); their opening lines stay, so that they still end a
    list as CommonMark says when not indented; and the number of fenced blocks. An unclosed
    fence runs to the end, as in CommonMark."""
    lines, fences, fence, comment = [], 0, None, False
    for line in markdown.expandtabs(4).splitlines():
        if fence:
            fence = None if _closes(line, fence) else fence
        elif comment:
            comment = "-->" not in line
        elif COMMENT_START_RE.match(line):
            comment = "-->" not in line.split("<!--", 1)[1]
            lines.append(line)
        else:
            fence = _opening_fence(line)
            fences += fence is not None
            lines.append(line)
    return lines, fences


def count_fences(markdown):
    """Fenced code blocks (``` or ~~~) at any indentation, in list items and quotes too."""
    return _without_fenced_bodies(markdown)[1]


def count_ordered_lists(markdown):
    """Ordered lists of the source outside list items: the <ol> a CommonMark renderer makes
    at the top level of the body and of each block quote, less the comments on lines of their
    own, which are no part of the page (``rendering.comments``). See ``_ListScanner``."""
    from articles.rendering.comments import without_comment_lines

    # Comments first (one in a fence, taken out too, is no list either way): the fences' scan
    # keeps a comment's first line.
    return _ListScanner().count(_without_fenced_bodies(without_comment_lines(markdown))[0])


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def _content_indent(item):
    """Column of an item's text: after the marker and 1-4 spaces (one when the item is empty
    or the text is indented 5 or more, which makes it indented code)."""
    marker = len(item["indent"]) + len(item["number"] or "") + 1
    spaces = len(item["space"])
    return marker + (spaces if item["rest"] and 1 <= spaces <= 4 else 1)


class _ListScanner:
    """A line scanner following CommonMark's list rule, over lines whose fenced bodies are gone:

    - a list goes on across blank lines and across lines indented to its item's text
      (``_content_indent``: 3 for ``1. Step``); those lines belong to the item, so lists nested
      in them are not counted;
    - an item line less indented than that is the next item of the list when it has the same
      kind (``1.`` and ``1)`` are different kinds; a bullet is another list);
    - a non-blank line right after text of an item, that starts no block (heading, quote,
      fence, HTML, item, rule), is a lazy continuation of the item's paragraph;
    - any other non-indented non-item line ends the list; a new ordered item starts a list,
      and, right after a paragraph line, only when it is numbered 1 (CommonMark: only "1." may
      interrupt a paragraph);
    - a block quote at the top level (``>`` lines in a row) is a container of its own, scanned
      the same way with one ``>`` removed; raw ``<ol>`` tags on top-level lines are lists too.
    """

    def count(self, lines):
        self.found, self.current, self.after_text = 0, None, False
        index = 0
        while index < len(lines):
            index = self._line(lines, index)
        return self.found

    def _line(self, lines, index):
        line = lines[index]
        if not line.strip():
            self.after_text = False
            return index + 1
        if self.current and _indent(line) >= self.current[1]:
            self.after_text = not BLOCK_START_RE.match(line.strip())
            return index + 1
        item = ITEM_RE.match(line)
        if item and not THEMATIC_RE.match(line) and len(item["indent"]) < 4:
            self._item(item)
            return index + 1
        if self.current and self.after_text and not BLOCK_START_RE.match(line) and not THEMATIC_RE.match(line):
            return index + 1  # lazy continuation
        if not self.current and not self.after_text and _indent(line) >= 4:
            return index + 1  # indented code
        self.current = None
        if QUOTE_PREFIX_RE.match(line) and _indent(line) < 4:
            return self._quote(lines, index)
        self.found += len(HTML_OL_RE.findall(CODE_SPAN_RE.sub("", line)))
        self.after_text = not BLOCK_START_RE.match(line) and not THEMATIC_RE.match(line)
        return index + 1

    def _item(self, item):
        kind, indent = item["delim"] or item["bullet"], _content_indent(item)
        if self.current:  # an item of the open list's level: the next item, or another list
            self.found += bool(item["number"]) and self.current[0] != kind
        elif self.after_text and not (item["rest"] and item["number"] in ("1", None)):
            return  # CommonMark: only a non-empty bullet or "1." item interrupts a paragraph
        else:
            self.found += bool(item["number"])
        self.current, self.after_text = (kind, indent), bool(item["rest"])

    def _quote(self, lines, index):
        end = index
        while end < len(lines) and QUOTE_PREFIX_RE.match(lines[end]) and _indent(lines[end]) < 4:
            end += 1
        inner = _ListScanner().count([re.sub(r"^ {0,3}> ?", "", line, count=1) for line in lines[index:end]])
        self.found += inner
        self.after_text = False
        return end


# ---- links and images --------------------------------------------------------------------------

EXTERNAL_RE = re.compile(r"^[a-z][a-z0-9+.-]*:|^//", re.IGNORECASE)


def md_links(hrefs):
    """``(left, external)``: hrefs whose path ends in ``.md`` (``x.md``, ``../a/x.md#anchor``)
    that are not absolute URLs, and those that are (``https://github.com/…/README.md``)."""
    found = [href.strip() for href in hrefs if urlsplit(href.strip()).path.lower().endswith(".md")]
    return [href for href in found if not EXTERNAL_RE.match(href)], [href for href in found if EXTERNAL_RE.match(href)]


def internal_links(hrefs):
    """Hrefs starting with one "/", without their fragment (the address to GET)."""
    return [href.strip().partition("#")[0] for href in hrefs
            if href.strip().startswith("/") and not href.strip().startswith("//")]


def unresolved_images(srcs):
    """Image sources a browser resolves against the page's address (not "/…", "http…", "data:"),
    or from the site's root outside its media and static files."""
    from django.conf import settings

    served = tuple("/" + prefix.strip("/") + "/" for prefix in (settings.MEDIA_URL, settings.STATIC_URL))
    return [src for src in srcs if not src.strip().startswith(("http", "data:", "//", *served))]


def check_page(source, facts):
    """The problems of one page: ``{kind: [detail, …]}`` with a key only for a problem found.
    Kinds: ``raw dialect`` ([(kind, marker)]), ``split lists`` (["2 <ol> for 1 list"]),
    ``lost code``, ``.md links``, ``unresolved images``."""
    problems = {}
    markers = raw_markers(facts.text)
    lists, fences = count_ordered_lists(source), count_fences(source)
    left, _ = md_links(facts.hrefs)
    images = unresolved_images(facts.img_srcs)
    if markers:
        problems["raw dialect"] = markers
    if facts.top_level_ols > lists:
        problems["split lists"] = [f"{facts.top_level_ols} <ol> for {lists} list(s) in the source"]
    if facts.pres < fences:
        problems["lost code"] = [f"{facts.pres} <pre> for {fences} fenced block(s)"]
    if left:
        problems[".md links"] = left
    if images:
        problems["unresolved images"] = images
    return problems


# ---- the scratch site --------------------------------------------------------------------------

def scratch_site():
    """Django set up on a migrated SQLite database, media and index in a new temp folder."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _setup import configure

    scratch = Path(tempfile.mkdtemp(prefix="kb-fidelity-"))
    os.environ.setdefault("KB_LOG_LEVEL", "ERROR")  # not a line per 404 or sign-in
    configure(scratch)
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    call_command("migrate", verbosity=0)
    setup_test_environment()  # the test Client's host, "testserver", is allowed
    return scratch


def import_folder(folder):
    """Import ``folder`` and bring the search index up to date (pages show related articles)."""
    from articles.importing import import_paths
    from articles.search import sync

    report = import_paths([folder])
    sync.bring_up_to_date()
    return report


def clients():
    """``(reader, staff)`` test clients: anonymous, and a signed-in superuser."""
    from django.contrib.auth.models import User
    from django.test import Client

    staff = Client()
    staff.force_login(User.objects.create_superuser("fidelity-bench", password=None))
    return Client(), staff


@dataclass
class PageResult:
    path: str  # the source file
    url: str
    status: int  # answered to the reader (after one redirect)
    problems: dict = field(default_factory=dict)
    internal: list = field(default_factory=list)
    md_external: int = 0
    lists: tuple = (0, 0)  # ordered lists in the source, top-level <ol> on the page
    code: tuple = (0, 0)  # fenced blocks in the source, <pre> on the page
    contexts: dict = field(default_factory=dict)  # raw dialect kind -> text around its first marker
    checked: bool = False


def fetch_pages(report, reader, staff):
    """Fetch and check every page imported by ``report``: a ``PageResult`` per translation."""
    from articles.links import article_url
    from articles.models import Translation

    ids = [o.translation_id for o in report.outcomes if o.translation_id]
    bodies = dict(Translation.objects.filter(pk__in=ids).values_list("pk", "body"))
    results = []
    for outcome in report.outcomes:
        if outcome.translation_id:
            url = article_url(outcome.language, outcome.number)
            results.append(_check_one(outcome.path, url, bodies[outcome.translation_id], reader, staff))
    return results


def get(client, address):
    """The response to GET ``address``, after one redirect within the site (one leaving it
    is answered as its 3xx)."""
    response = client.get(address)
    location = response.get("Location", "")
    if response.status_code in (301, 302, 303, 307, 308) and location.startswith("/"):
        response = client.get(location)
    return response


def _check_one(path, url, source, reader, staff):
    response = get(reader, url)
    result = PageResult(path, url, response.status_code)
    if response.status_code != 200:
        response = get(staff, url)
    facts = read_body(response.content.decode("utf-8")) if response.status_code == 200 else None
    if facts is not None:
        result.checked = True
        result.problems = check_page(source, facts)
        result.internal = internal_links(facts.hrefs)
        result.md_external = len(md_links(facts.hrefs)[1])
        result.lists = (count_ordered_lists(source), facts.top_level_ols)
        result.code = (count_fences(source), facts.pres)
        if "raw dialect" in result.problems:
            result.contexts = marker_contexts(facts.text)
    return result


def check_links(results, reader, staff):
    """``{address: (reader's status, staff's status)}`` for each distinct internal link not
    answering 200 to a reader (``get``: one redirect followed); staff's 200 means the link
    leads to a page hidden from readers (``hide: true``)."""
    broken = {}
    for address in sorted({link for result in results for link in result.internal}):
        status = get(reader, address).status_code
        if status != 200:
            broken[address] = (status, get(staff, address).status_code)
    return broken


# ---- figures -----------------------------------------------------------------------------------

PROBLEMS = ("raw dialect", "split lists", "lost code", ".md links", "unresolved images")


def figures(report, results, broken, seconds):
    """The dict printed and written by ``--json``; see the module docstring."""
    checked = [r for r in results if r.checked]
    failures = report.failures
    links = {link for r in results for link in r.internal}
    out = {
        "folder_files": len(report.outcomes), "pages": len(results), "pages_checked": len(checked),
        "pages_served": sum(r.status == 200 for r in results),
        "import": {**report.counts, "duplicates": sum("already imported" in o.reason for o in failures),
                   "warnings": len(report.warnings)},
        "pages_with": {kind: sum(kind in r.problems for r in checked) for kind in PROBLEMS},
        # A check on the list scanner as much as on the renderer: lists merged or lost.
        "pages_with_fewer_ol_than_source_lists": sum(r.lists[1] < r.lists[0] for r in checked),
        # Indented text shown as code (or indented code blocks in the source: not told apart).
        "pages_with_more_pre_than_fences": sum(r.code[1] > r.code[0] for r in checked),
        "source_ordered_lists": sum(r.lists[0] for r in checked), "top_level_ol": sum(r.lists[1] for r in checked),
        "md_links": sum(len(r.problems.get(".md links", ())) for r in checked),
        "md_links_external": sum(r.md_external for r in checked),
        "unresolved_images": sum(len(r.problems.get("unresolved images", ())) for r in checked),
        "internal_links": len(links), "internal_links_broken": len(broken),
        "internal_links_to_hidden_pages": sum(staff == 200 for _, staff in broken.values()),
        "pages_with_broken_links": sum(any(link in broken for link in r.internal) for r in checked),
        "raw_markers": dict(Counter(m for r in checked for _, m in r.problems.get("raw dialect", ())).most_common()),
        "raw_kinds_pages": dict(Counter(k for r in checked for k in {k for k, _ in r.problems.get("raw dialect", ())})
                                .most_common()),
        "seconds": round(seconds, 1),
    }
    return out


def _share(count, total):
    return f"{count:>5} {100 * count / total:5.1f}%" if total else f"{count:>5}     -"


def print_table(figs):
    pages, checked = figs["pages"], figs["pages_checked"]
    imp = figs["import"]
    print(f"{figs['folder_files']} files: {imp['imported']} imported, {imp['failed']} failed "
          f"({imp['duplicates']} duplicates), {imp['skipped']} skipped, {imp['warnings']} warnings; "
          f"{checked} of {pages} pages checked in {figs['seconds']} s {figs.get('seconds_per_phase', '')}")
    print(f"{'pages served to a reader (200)':<42}{_share(figs['pages_served'], pages)}")
    for kind in PROBLEMS:
        print(f"{'pages with ' + kind:<42}{_share(figs['pages_with'][kind], checked)}")
    print(f"{'pages with fewer <ol> than source lists':<42}"
          f"{_share(figs['pages_with_fewer_ol_than_source_lists'], checked)}  "
          f"({figs['top_level_ol']} <ol> for {figs['source_ordered_lists']} lists in all)")
    print(f"{'pages with more <pre> than fenced blocks':<42}"
          f"{_share(figs['pages_with_more_pre_than_fences'], checked)}")
    print(f"{'pages with broken internal links':<42}{_share(figs['pages_with_broken_links'], checked)}")
    print(f"{'distinct internal links not answering 200':<42}"
          f"{_share(figs['internal_links_broken'], figs['internal_links'])} of {figs['internal_links']}, "
          f"{figs['internal_links_to_hidden_pages']} to pages hidden from readers")
    print(f".md links left: {figs['md_links']} (and {figs['md_links_external']} external http(s) ones); "
          f"unresolved images: {figs['unresolved_images']}")
    top = ", ".join(f"{marker} {n}" for marker, n in list(figs["raw_markers"].items())[:10])
    print(f"raw dialect, pages per kind: {figs['raw_kinds_pages']}")
    print(f"top raw markers (occurrences): {top or 'none'}")


def print_details(report, results, broken, root):
    def short(path):
        return os.path.relpath(path, root)

    checked = [r for r in results if r.checked]
    kinds = defaultdict(list)
    for r in checked:
        for kind, _ in r.problems.get("raw dialect", ()):
            if r not in kinds[kind]:
                kinds[kind].append(r)
    for kind, pages in kinds.items():
        print(f"\nraw dialect, {kind}: {len(pages)} pages, e.g.")
        for r in pages[:EXAMPLES]:
            markers = Counter(m for k, m in r.problems["raw dialect"] if k == kind)
            print(f"  {short(r.path)}  {dict(markers.most_common(4))}  «{r.contexts.get(kind, '')}»")
    for kind in PROBLEMS[1:]:
        pages = [r for r in checked if kind in r.problems]
        print(f"\n{kind}: {len(pages)} pages{', e.g.' if pages else ''}")
        for r in pages[:EXAMPLES]:
            print(f"  {short(r.path)}  {r.problems[kind][:3]}")
    print(f"\ninternal links not answering 200: {len(broken)}")
    for address, (status, staff) in list(broken.items())[:EXAMPLES * 2]:
        print(f"  {status} {address}{' (hidden from readers: 200 for staff)' if staff == 200 else ''}")
    print(f"\nimport failures: {len(report.failures)}")
    for outcome in report.failures[:EXAMPLES * 2]:
        print(f"  {short(outcome.path)}: {outcome.reason}")
    print(f"\nimport warnings: {len(report.warnings)}")
    for path, warning in report.warnings[:EXAMPLES]:
        print(f"  {short(path)}: {warning}")
    fewer = [r for r in checked if r.lists[1] < r.lists[0]]
    print(f"\nfewer <ol> than source lists: {len(fewer)} pages{', e.g.' if fewer else ''}")
    for r in fewer[:EXAMPLES]:
        print(f"  {short(r.path)}  {r.lists[1]} <ol> for {r.lists[0]} list(s) in the source")
    extra = [r for r in checked if r.code[1] > r.code[0]]
    print(f"\nmore <pre> than fenced blocks: {len(extra)} pages{', e.g.' if extra else ''}")
    for r in extra[:EXAMPLES]:
        print(f"  {short(r.path)}  {r.code[1]} <pre> for {r.code[0]} fenced block(s)")
    unserved = [r for r in results if r.status != 200]
    print(f"\npages not served to a reader: {len(unserved)} (hidden ones answer 404)")
    for r in unserved[:EXAMPLES]:
        print(f"  {r.status} {r.url} {short(r.path)}{'' if r.checked else ' (not checked: no 200 for staff)'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--details", action="store_true", help="example pages per problem")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures to FILE")
    options = parser.parse_args(argv)
    folder = options.folder.resolve()
    if not folder.is_dir():
        sys.exit(f"no documentation folder at {folder}: name one (bench/docs_fidelity.py FOLDER)")
    marks = [time.perf_counter()]
    scratch = scratch_site()
    report = import_folder(folder)
    marks.append(time.perf_counter())
    reader, staff = clients()
    results = fetch_pages(report, reader, staff)
    marks.append(time.perf_counter())
    broken = check_links(results, reader, staff)
    marks.append(time.perf_counter())
    figs = figures(report, results, broken, marks[-1] - marks[0])
    figs["seconds_per_phase"] = {phase: round(end - start, 1) for phase, start, end in
                                 zip(("import and index", "pages", "links"), marks, marks[1:])}
    figs["folder"], figs["scratch"] = str(folder), str(scratch)
    print_table(figs)
    if options.details:
        print_details(report, results, broken, folder)
    if options.json:
        options.json.write_text(json.dumps(figs, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
