"""Shared fixtures: our own sample files, scratch media/index folders, the corpus when present."""
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"


@pytest.fixture(autouse=True)
def scratch_storage(settings, tmp_path):
    """Every test writes media and indexes under its own temp folder, never under var/."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KB_INDEX_DIR = tmp_path / "index"
    cache.clear()  # per-process caches (public stats) never carry one test's data into another
    return tmp_path


@pytest.fixture
def articles_dir():
    return DATA / "articles"


@pytest.fixture
def corpus():
    if not (CORPUS / "kcs").is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS} (it is read, never copied)")
    return CORPUS


@pytest.fixture
def seeds():
    if not SEEDS.is_dir():
        pytest.skip(f"the shared seeds are not at {SEEDS}")
    return SEEDS

