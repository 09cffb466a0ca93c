"""The search engine stands on Whoosh's public contract; the speed-ups are the one exception.

- No module outside ``articles/search/whoosh/speedups/`` uses a private Whoosh name: no
  ``from whoosh… import _x``, no ``obj._x`` where ``_x`` is a name of Whoosh's sources, no
  private attribute set on another module's object, and no subclass of a Whoosh class using
  one of its base's private names. No module patches a library at import.
- ``KB_SEARCH_SPEEDUPS`` (a setting; the environment's ``KB_SEARCH_SPEEDUPS=0``) switches the
  speed-ups off, and so does any Whoosh but the one they were written for, with one warning.
- Each index records its kind: an index of the other kind is rebuilt by the indexer, never
  opened, and an index built with the speed-ups off holds Whoosh's own codec only.
- With the speed-ups off, none of their modules is even imported.
"""
import ast
import inspect
import logging
import os
from pathlib import Path
import re
import subprocess
import sys

import pytest

from articles.importing import import_paths
from articles.search import IndexUnavailable, get_backend
from articles.search.sync.indexer import Indexer
from articles.search.service import search
from articles.search.whoosh import speedups

ROOT = Path(__file__).resolve().parent.parent
SPEEDUPS = ROOT / "articles" / "search" / "whoosh" / "speedups"


def _project_modules():
    for path in sorted((ROOT / "articles").rglob("*.py")):
        if SPEEDUPS not in path.parents and "migrations" not in path.parts:
            yield path


def _whoosh_private_names():
    """Every ``_name`` (not dunder) that occurs in Whoosh's sources."""
    import whoosh

    names = set()
    for path in Path(whoosh.__file__).parent.rglob("*.py"):
        names.update(re.findall(r"(?<![A-Za-z0-9_])(_[A-Za-z][A-Za-z0-9_]*)", path.read_text(encoding="utf-8", errors="replace")))
    return {name for name in names if not name.startswith("__")}


def _imported_names(tree):
    """``{name: module}`` for every name a module binds by import."""
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound[(alias.asname or alias.name).split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom):
            module = ("." * node.level) + (node.module or "")
            for alias in node.names:
                bound[alias.asname or alias.name] = module
    return bound


def _module_level(statements):
    """The statements run at import: a module's body, into ``if``/``try``/``with``, not into
    functions or classes."""
    for statement in statements:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        yield statement
        for field in ("body", "orelse", "finalbody"):
            yield from _module_level(getattr(statement, field, None) or [])
        for handler in getattr(statement, "handlers", None) or []:
            yield from _module_level(handler.body)


def test_no_private_whoosh_name_outside_the_speedups():
    private = _whoosh_private_names()
    assert {"_perdoc", "_segments", "_read_toc", "_lenfield"} <= private  # the scan reads Whoosh's sources
    found = []
    for path in _project_modules():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        where = path.relative_to(ROOT)
        bound = _imported_names(tree)
        from_whoosh = {name for name, module in bound.items() if module.split(".")[0] == "whoosh"}
        # Where Whoosh's objects are handled: the search package and the modules that import it.
        handles_whoosh = "search" in path.parts or "whoosh" in source or "search" in " ".join(bound.values())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh" and node.level == 0:
                found += [f"{where}:{node.lineno} imports {alias.name}" for alias in node.names
                          if alias.name.startswith("_")]
            if not (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")):
                continue
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            if owner in ("self", "cls"):
                continue
            if owner in from_whoosh:
                found.append(f"{where}:{node.lineno} {ast.unparse(node)}")
            elif isinstance(node.ctx, ast.Store) and handles_whoosh and owner not in bound:
                found.append(f"{where}:{node.lineno} sets {ast.unparse(node)}")
            elif owner not in bound and node.attr in private:
                found.append(f"{where}:{node.lineno} {ast.unparse(node)}")
    assert found == []


def test_no_subclass_of_a_whoosh_class_uses_its_private_names_outside_the_speedups():
    import importlib

    found = []
    for path in _project_modules():
        source = path.read_text(encoding="utf-8")
        if "whoosh" not in source:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = importlib.import_module(name.removesuffix(".__init__"))
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.ClassDef) or not hasattr(module, node.name):
                continue
            bases = [base for base in inspect.getmro(getattr(module, node.name))[1:]
                     if base.__module__.split(".")[0] == "whoosh"]
            if not bases:
                continue
            used = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute) and n.attr.startswith("_")
                    and not n.attr.startswith("__") and isinstance(n.value, ast.Name) and n.value.id == "self"}
            for base in bases:  # the base's whole module: what its class and helpers use
                base_source = Path(inspect.getsourcefile(base)).read_text(encoding="utf-8", errors="replace")
                found += [f"{path.relative_to(ROOT)}: {node.name} uses {base.__name__}.{attr}" for attr in used
                          if re.search(rf"\b{attr}\b", base_source)]
    assert found == []


def test_no_module_patches_a_library_at_import():
    found = []
    for path in sorted((ROOT / "articles").rglob("*.py")):  # the speed-ups included
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound = _imported_names(tree)
        for statement in _module_level(tree.body):
            targets = statement.targets if isinstance(statement, ast.Assign) else \
                [statement.target] if isinstance(statement, (ast.AugAssign, ast.AnnAssign)) else []
            for target in targets:
                root = target
                while isinstance(root, (ast.Attribute, ast.Subscript)):
                    root = root.value
                if target is not root and isinstance(root, ast.Name) and root.id in bound:
                    found.append(f"{path.relative_to(ROOT)}:{statement.lineno} {ast.unparse(target)}")
            for node in ast.walk(statement):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
                    found.append(f"{path.relative_to(ROOT)}:{statement.lineno} setattr")
    assert found == []


UNPATCHED_SCRIPT = """
import importlib, pkgutil, sys
import whoosh

def snapshot():
    found = {}
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] != "whoosh" or module is None:
            continue
        for attr, value in list(vars(module).items()):
            found[(name, attr)] = id(value)
            if isinstance(value, type):
                for member, inner in list(vars(value).items()):
                    found[(name, attr, member)] = id(inner)
    return found

for info in pkgutil.walk_packages(whoosh.__path__, "whoosh."):
    try:
        importlib.import_module(info.name)
    except Exception:
        pass
before = snapshot()
import django
django.setup()
import articles
for info in pkgutil.walk_packages(articles.__path__, "articles."):
    if ".migrations" not in info.name:
        importlib.import_module(info.name)
after = snapshot()
print(sorted(".".join(key) for key in before if after.get(key) != before[key]))
"""


def test_importing_the_project_changes_nothing_in_whoosh():
    """Every module of the project imported (the speed-ups included): every Whoosh module,
    class and function is what it was."""
    done = subprocess.run([sys.executable, "-c", UNPATCHED_SCRIPT], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "DJANGO_SETTINGS_MODULE": "kb.settings"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_setting_switches_the_speedups_off(settings):
    settings.KB_SEARCH_SPEEDUPS = False
    assert not speedups.enabled()
    settings.KB_SEARCH_SPEEDUPS = True
    assert speedups.enabled() == speedups.release_matches()


def test_another_whoosh_switches_them_off_with_one_warning(settings, monkeypatch, caplog):
    import whoosh

    settings.KB_SEARCH_SPEEDUPS = True
    monkeypatch.setattr(speedups, "_release_matches", None)
    monkeypatch.setattr(whoosh, "versionstring", lambda *args, **kwargs: "2.7.5")
    with caplog.at_level(logging.WARNING, logger=speedups.__name__):
        assert [speedups.enabled() for _ in range(3)] == [False] * 3
    assert len(caplog.records) == 1 and "2.7.5" in caplog.records[0].getMessage()
    monkeypatch.setattr(speedups, "_release_matches", None)
    monkeypatch.setattr(whoosh, "versionstring", lambda *args, **kwargs: speedups.WRITTEN_FOR)
    assert speedups.enabled()


def _codecs(folder):
    from whoosh.index import TOC

    from articles.search.whoosh.storage import INDEX_NAME, SafeFileStorage

    return {type(segment.codec()) for segment in TOC.read(SafeFileStorage(folder), INDEX_NAME).segments}


@pytest.mark.django_db
def test_an_index_of_the_other_kind_is_rebuilt_never_opened(articles_dir, settings):
    from whoosh.codec.whoosh3 import W3Codec

    from articles.search.whoosh.store import SCHEMA_FILE, index_kind
    from articles.search.whoosh.schema import SCHEMA_VERSION

    import_paths([articles_dir])
    kinds = [True, False, True] if speedups.release_matches() else [False]
    backend = get_backend()
    for switched, on in enumerate(kinds):
        settings.KB_SEARCH_SPEEDUPS = on
        if switched:
            with pytest.raises(IndexUnavailable, match="built with schema"):
                backend.store.open_index()
            with pytest.raises(IndexUnavailable):
                search("RPT-504012", "en")
        Indexer().run_once()  # as this server's indexer does: the index of the other kind is rebuilt
        folder = backend.store.live_dir()
        assert (folder / SCHEMA_FILE).read_text() == index_kind() == f"{SCHEMA_VERSION}-{'speedups' if on else 'stock'}"
        codecs = _codecs(folder)
        if on:
            assert codecs and W3Codec not in codecs  # the speed-ups' own
        else:
            assert codecs == {W3Codec}  # what Whoosh alone opens
        assert [r.article_number for r in search("RPT-504012", "en").results] == ["KB-100"]


@pytest.mark.django_db
def test_with_the_speedups_off_none_of_their_modules_is_imported(articles_dir, tmp_path):
    """A build, a journal commit and searches of every kind, in a process of its own."""
    script = """
import sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from articles.importing import import_paths
from articles.models import Translation
from articles.search import sync
from articles.search.related import related_articles
from articles.search.service import articles_citing, search
from articles.triage.ranking import triage
import_paths([sys.argv[1]])
sync.rebuild()
first = Translation.objects.order_by("pk").first()
sync.record_change([first.pk], sync.SAVE)
sync.apply_pending()
assert search("RPT-504012", "en").results
assert search("gatewya timeout", "en").suggestion is not None
articles_citing("RPT-504012", "en")
related_articles(first, "en")
triage("ERROR RPT-504012 the gateway closed the connection", "en")
print(sorted(name for name in sys.modules if ".speedups." in name))
"""
    env = {**os.environ, "KB_SEARCH_SPEEDUPS": "0", "DJANGO_SETTINGS_MODULE": "kb.settings",
           "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}", "KB_INDEX_DIR": str(tmp_path / "index"),
           "KB_MEDIA_ROOT": str(tmp_path / "media"), "KB_LOG_LEVEL": "WARNING"}
    done = subprocess.run([sys.executable, "-c", script, str(articles_dir)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
