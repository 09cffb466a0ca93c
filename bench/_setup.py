"""Shared set-up for benchmarks: a throw-away database, media and index under a temp folder."""
import os
from pathlib import Path
import sys
import tempfile
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = [SHARED / "corpus" / "kcs", SHARED / "corpus" / "docs"]


def django_with_scratch_database():
    """Point kb at a fresh SQLite database in a temp folder, migrate it, return the folder."""
    if not all(path.is_dir() for path in CORPUS):
        sys.exit(f"skipped: the corpus is not at {SHARED / 'corpus'}")
    scratch = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    configure(scratch)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return scratch


def configure(scratch):
    """Set Django up on the SQLite database, media and index under ``scratch``."""
    os.environ["KB_DATABASE_URL"] = f"sqlite:///{scratch / 'kb.sqlite3'}"
    os.environ["KB_MEDIA_ROOT"] = str(scratch / "media")
    os.environ["KB_INDEX_DIR"] = str(scratch / "index")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def rebuild_index():
    """Build the search index with the API of the code imported (a variant's checkout may be
    another commit's): ``sync.rebuild()``, or before ``articles.search.sync`` had it, the
    backend's ``rebuild()``. Returns the number of translations indexed."""
    try:
        from articles.search.sync import rebuild
    except ImportError:
        from articles.search import get_backend

        return get_backend().rebuild()
    return rebuild()


def postgres_admin(url, action):
    """Create (afresh: dropped first) or drop the PostgreSQL database named in ``url``, through
    the server's ``postgres`` database."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if action == "create":
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
