"""Documentation pages as a reader meets them: links between pages resolved in the reader's
language, readable addresses (``/<lang>/docs/campaign/v8/send/preview/``) and each page's
place in its repository's navigation (``TOC.md``, stored as ``DocTree``).

    resolve_links(html, language, user) -> html whose ``/_doc/…`` links (``rendering.doclinks``)
                                           lead to the target page in ``language``, or are plain
                                           text when the reader cannot reach any such page
    address_of(number)                  -> the readable address of an article's pages, or None
                                           (articles with an ``article-number`` keep theirs);
                                           read again at most every ``ADDRESS_CHECK_SECONDS``
    doc_url(language, address)          -> "/<language>/docs/<address>/"
    navigation(translation, language, user, number)
                                        -> ``DocNav`` (sidebar tree, breadcrumbs, previous and
                                           next) of a documentation page, or None
    missing_links(user)                 -> links to pages not in the knowledge base, for editors
    off_navigation(user)                -> the article numbers of pages a stored TOC covers and no
                                           TOC lists (a ``-old.md`` copy kept beside its page)

Navigation is the TOC of the page's repository in the reader's language (else the closest
one, as for pages), and names only pages that reader may open: a page they cannot see is left
out, a group left empty goes with it. ``{hide-from-toc}`` pages are not in the sidebar nor in
previous/next, but a reader on one still gets its breadcrumbs. A TOC of more than
``NAV_FULL_PAGES`` pages is shown collapsed, as Sphinx's collapsed navigation is: the top level,
the groups on the way to the page with their siblings, and the page's own children; every other
group is one link to its first page (a documentation set of thousands of pages would otherwise
put its whole tree, hundreds of KB, in every page).
"""
from dataclasses import dataclass, field
import html as html_lib
import math
import re
import threading
import time
from urllib.parse import unquote

from django.db import connection

from . import docpaths, languages, listings
from .links import url

LINK_RE = re.compile(r'<a class="doc-link" href="/_doc/([^"#]*)(#[^"]*)?"([^>]*)>(.*?)</a>', re.S)
ADDRESS_CHECK_SECONDS = 2.0
NAV_FULL_PAGES = 400


def doc_url(language, address):
    base = url("articles:home", lang=language)
    return f"{base}docs/{address}/"


def resolve_links(rendered, language, user):
    if "/_doc/" not in rendered:
        return rendered
    index = listings.doc_index(user)

    def replace(match):
        target, fragment, rest, text = match.groups()
        number = index.find(unquote(html_lib.unescape(target)))
        if number is None:
            return f'<span class="doc-link-missing">{text}</span>'
        return f'<a class="doc-link" href="{target_url(index, number, language)}{fragment or ""}"{rest}>{text}</a>'

    return LINK_RE.sub(replace, rendered)


def target_url(index, number, language):
    from .links import article_url

    address = index.address_of(number)
    return doc_url(language, address) if address else article_url(language, number)


def doc_address(number, user):
    """The readable address of an article's pages that ``user`` may see, or None."""
    return listings.doc_index(user).address_of(number)


# Every article link of a page asks for its address (a results page, dozens): the map is kept
# in this process and read again from the shared answer (``listings.doc_addresses``, which
# follows the index journal) at most every ADDRESS_CHECK_SECONDS. An address is given once and
# kept; until a new page's address is read, its links use its number's address, which redirects.
_addresses = {"checked": -math.inf, "map": {}}
_addresses_lock = threading.Lock()


def address_of(number):
    now = time.monotonic()
    if now - _addresses["checked"] > ADDRESS_CHECK_SECONDS:
        with _addresses_lock:
            if now - _addresses["checked"] > ADDRESS_CHECK_SECONDS:
                _addresses["map"] = listings.doc_addresses()
                _addresses["checked"] = now
    return _addresses["map"].get(str(number))


def forget_addresses():
    """The next ``address_of`` reads the addresses again (tests; a process that must not wait)."""
    _addresses["checked"] = -math.inf


@dataclass
class MissingLink:
    number: str
    language: str
    title: str
    target: str  # the doc path the link names, which no page of the knowledge base has


MISSING_LINKS_SHOWN = 200


def missing_links(user):
    """Links between documentation pages whose target is not in the knowledge base, for editors:
    ``(total, [MissingLink])``, the first ``MISSING_LINKS_SHOWN`` by target. Such a link shows
    its text only until the page it names is imported."""

    def work_out():
        from .models import Translation

        index = listings.doc_index(user)
        found = []
        rows = (Translation.objects.visible_to(user).filter(rendered_html__contains="/_doc/")
                .values_list("article__number", "language", "title", "rendered_html").order_by())
        for number, language, title, rendered in rows.iterator(chunk_size=200):
            for target in dict.fromkeys(m.group(1) for m in LINK_RE.finditer(rendered)):
                target = unquote(html_lib.unescape(target))
                if index.find(target) is None:
                    found.append(MissingLink(number, language, title, target))
        found.sort(key=lambda link: (link.target, link.number, link.language))
        return len(found), found[:MISSING_LINKS_SHOWN]

    return listings._until_a_change("missing-links", user, work_out)


@dataclass
class NavNode:
    title: str
    url: str = ""
    external: bool = False
    current: bool = False
    open: bool = False  # holds the current page
    collapsed: bool = False  # a group shown as a link to its first page (``_collapse``)
    children: list = field(default_factory=list)


@dataclass
class NavLink:
    title: str
    url: str


@dataclass
class DocNav:
    title: str
    language: str  # the language of the TOC the titles come from
    nodes: list  # NavNode, without the pages hidden from the TOC
    breadcrumbs: list  # NavLink from the top of the tree to the current page's group
    previous: NavLink | None = None
    next: NavLink | None = None


def navigation(translation, language, user, number):
    """The ``DocNav`` of the page ``translation`` (of article ``number``) for a reader of
    ``language``, or None when no stored TOC names it."""
    if not translation.doc_path:
        return None
    from .models import DocTree

    index = listings.doc_index(user)
    trees = {}
    for tree in DocTree.objects.only("doc_path", "language", "content_hash", "updated_at").order_by("doc_path", "language"):
        trees.setdefault(tree.doc_path, []).append(tree)
    # The TOC of the page's own folder, else the nearest one above it, else any that names it.
    folder = translation.doc_path.rsplit("/", 1)[0] if "/" in translation.doc_path else ""
    order = sorted(trees, key=lambda path: _closeness(path, folder))
    for path in order:
        tree = _whole_tree(languages.pick_by_language(trees[path], language))
        if tree is None:
            continue
        built = _build(tree, index, language, number)
        if built is not None:
            return built
    return None


def off_navigation(user):
    """A frozenset of the numbers of the articles whose documentation pages a stored TOC covers
    (a page in the TOC's folder or below it) and no TOC lists, in any language: published at
    their address but out of the navigation (a repository's old copy of a page, an orphan).
    Search ranks them after the pages the navigation lists (``search.service``). Each process
    remembers the answer until a TOC changes or a change other pages show at once is made (an
    import, a deletion, a visibility change: the journal's ``shared_last_id``; an editor's save
    moves no page in or out of a TOC), for the cost of one query a call (every search asks);
    empty where no TOC is stored."""
    from .models import DocTree, sees_unpublished

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MAX(updated_at), (SELECT shared_last_id FROM search_journal_head), "
                       f"(SELECT MIN(applied) FROM django_migrations) FROM {DocTree._meta.db_table}")
        state = cursor.fetchone()
    if not state[0]:
        return frozenset()
    key = (sees_unpublished(user), *map(str, state))
    found = _off.get(key)
    if found is None:
        found = _off_navigation(user)
        with _off_lock:
            if len(_off) >= OFF_KEPT:
                _off.clear()
            _off[key] = found
    return found


_off = {}  # (sees unpublished, the state off_navigation reads) -> its answer
_off_lock = threading.Lock()
OFF_KEPT = 8


def _off_navigation(user):
    from .models import Article, DocTree, Translation

    index = listings.doc_index(user)
    folders, listed = set(), set()
    for tree in DocTree.objects.all():
        folders.add(tree.doc_path.rsplit("/", 1)[0] if "/" in tree.doc_path else "")
        stack = list(tree.nodes or ())
        while stack:
            raw = stack.pop()
            stack.extend(raw.get("children") or ())
            href = raw.get("href") or ""
            if not href or docpaths.SCHEME_RE.match(href):
                continue
            target = raw.get("target")
            if target is None:
                target = (docpaths.link_target(tree.doc_path, href) or ("",))[0]
            number = index.find(target) if target else None
            if number is not None:
                listed.add(number)
    covered = set()
    pages = (Translation.objects.visible_to(user).exclude(doc_path="")
             .exclude(article__key_source=Article.KeySource.ARTICLE_NUMBER)  # a KCS article is in no TOC
             .values_list("doc_path", "article__number").order_by())
    for doc_path, number in pages:
        if number not in listed and any(not folder or doc_path.startswith(folder + "/") for folder in folders):
            covered.add(number)
    return frozenset(covered)


# TOCs read whole, by (id, content hash, time saved): a large one's nodes take milliseconds to
# read at every page. Kept as read; ``_build`` never changes them.
_trees = {}
TREES_KEPT = 32


def _whole_tree(light):
    """The ``DocTree`` of which ``light`` holds only the keys, with its nodes; None when gone."""
    from .models import DocTree

    key = (light.pk, light.content_hash, light.updated_at)
    tree = _trees.get(key)
    if tree is None:
        tree = DocTree.objects.filter(pk=light.pk).first()
        if tree is not None:
            if len(_trees) >= TREES_KEPT:
                _trees.clear()
            _trees[(tree.pk, tree.content_hash, tree.updated_at)] = tree
    return tree


def _closeness(toc_path, folder):
    toc_folder = toc_path.rsplit("/", 1)[0] if "/" in toc_path else ""
    if not toc_folder or folder == toc_folder or folder.startswith(toc_folder + "/"):
        return (0, -len(toc_folder), toc_path)
    return (1, 0, toc_path)


def _build(tree, index, language, number):
    """Resolve ``tree.nodes`` for this reader; None when the page ``number`` is not among them."""
    flat = []  # (NavLink, number) of the pages of the sidebar, in order
    trail = []  # ancestors of the current page, as NavNode
    state = {"found": False}

    docs = doc_url(language, "").rstrip("/")

    def page_url(page):
        address = index.address_of(page)
        return f"{docs}/{address}/" if address else target_url(index, page, language)

    def resolve(raw, ancestors, hidden_above):
        node = NavNode(raw.get("title") or "")
        href = raw.get("href") or ""
        page = None
        hidden = hidden_above or bool(raw.get("hidden"))
        if href and docpaths.SCHEME_RE.match(href):
            if href.lower().startswith(("http:", "https:")):
                node.url, node.external = href, True
        elif href:
            target, fragment = raw.get("target"), raw.get("fragment", "")
            if target is None:  # stored by parse_toc without the TOC's path
                target, fragment = docpaths.link_target(tree.doc_path, href) or ("", "")
            page = index.find(target) if target else None
            if page is not None:
                node.url = page_url(page) + fragment
        if page is not None and page == number and not state["found"]:
            node.current = state["found"] = True
            trail.extend(ancestors)
        if page is not None and not hidden:
            flat.append((NavLink(node.title, node.url), page))
        node.children = [child for child in (resolve(c, ancestors + [node], hidden)
                                             for c in raw.get("children") or ()) if child is not None]
        if hidden or not (node.url or node.children):
            return None
        return node

    nodes = [node for node in (resolve(raw, [], False) for raw in tree.nodes) if node is not None]
    if not state["found"]:
        return None
    for node in trail:
        node.open = True
    first = flat[0][0].url if flat else ""
    nav = DocNav(tree.title, tree.language, nodes, [])
    nav.breadcrumbs = [NavLink(tree.title, first)] if tree.title else []
    here = next((link.url for link, page in flat if page == number), None)
    for node in trail:  # a group without a page of its own leads to its first page, unless that is this one
        link = node.url or _first_url(node)
        nav.breadcrumbs.append(NavLink(node.title, "" if link == here else link))
    position = next((i for i, (_, page) in enumerate(flat) if page == number), None)
    if position is not None:
        nav.previous = flat[position - 1][0] if position > 0 else None
        nav.next = flat[position + 1][0] if position + 1 < len(flat) else None
    if len(flat) > NAV_FULL_PAGES:
        _collapse(nodes)
    return nav


def _collapse(nodes):
    """Keep the children of the groups holding the page and of the page itself; any other group
    becomes a link to its own page, else to its first one (a group of external links only keeps
    them)."""
    for node in nodes:
        first = node.url or _first_url(node) if node.children and not (node.open or node.current) else ""
        if first:
            node.url, node.collapsed, node.children = first, True, []
        else:
            _collapse(node.children)


def _first_url(node):
    for child in node.children:
        if child.url and not child.external:
            return child.url
        found = _first_url(child)
        if found:
            return found
    return ""
