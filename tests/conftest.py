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
    from django.core.cache import cache, caches

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KB_INDEX_DIR = tmp_path / "index"
    settings.KB_ANALYTICS_BACKGROUND = False  # no thread writing beside the test's transaction
    from articles import docnav

    cache.clear()  # per-process caches (public stats) never carry one test's data into another
    if caches["shared"].__class__.__name__ == "LocMemCache":
        caches["shared"].clear()  # nor stored reader pages (a Redis of KB_CACHE_URL is the tests' own)
    docnav.forget_addresses()
    return tmp_path


@pytest.fixture(autouse=True)
def settled_clock(monkeypatch):
    """Reader pages' settling window (``readercache.SETTLE_SECONDS``) held where the test began:
    a page read twice in a test is keyed the same whichever side of a window boundary each
    read fell. Tests of the window move this clock themselves."""
    import time
    from types import SimpleNamespace

    from articles import readercache

    began = time.time()
    monkeypatch.setattr(readercache, "time", SimpleNamespace(time=lambda: began))


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



BROWSE_ARTICLE = """---
title: {title}
description: {description}
product: {products}
article-published-date: {published}
article-number: {number}
---
# {title}

## Description {{#description}}

{body}
"""

CODE_AND_TABLE = """The import stops with `CMP-400123` and this log line:

```
2024-03-01 10:00:00 ERROR com.example.campaign.ImportJob - CMP-400123 the delivery ledger could not be written because the partition is full and the retention job has not run since the last upgrade
```

| Setting | Default | Recommended value for large imports with many partitions |
| --- | --- | --- |
| retention.days | 30 | 7 (or fewer when the partition holds more than fifty million rows) |

![screenshot](assets/shot.png)
"""


@pytest.fixture
def browse_dir(tmp_path):
    """Articles for browsing, written for the test: one product spelt three ways ("Campaign",
    "campaign", "Campaign v8"), 23 "Northwind Server 4.x" articles (two pages), a code block,
    a table and a screenshot only the English folder holds (the Japanese copy cites it too)."""
    from tests.helpers import write

    root = tmp_path / "browse"
    shot = (DATA / "articles" / "assets" / "flow.png").read_bytes()
    write(root / "en" / "assets" / "shot.png", shot)

    def article(lang, number, title, products, published, body="Plain words.", description="About it."):
        write(root / lang / f"{number}.md", BROWSE_ARTICLE.format(
            title=title, description=description, products=products, published=published,
            number=number, body=body))

    article("en", "CMP-1", "Delivery ledger import fails", "Campaign", "3/1/2024 10:00:00 AM", CODE_AND_TABLE,
            "Imports stop when the partition is full.")
    article("ja", "CMP-1", "配信台帳のインポートが失敗する", "Campaign", "3/1/2024 10:00:00 AM", CODE_AND_TABLE,
            "パーティションがいっぱいになるとインポートが停止します。")
    article("de", "CMP-1", "Import des Zustellungsjournals schlägt fehl", "Campaign", "3/1/2024 10:00:00 AM",
            CODE_AND_TABLE, "Importe brechen ab, wenn die Partition voll ist.")
    article("en", "CMP-2", "Audience refresh is slow", "campaign", "2/1/2024 10:00:00 AM",
            "The nightly audience refresh takes hours. Raise the worker count to make it faster.")
    article("en", "CMP-3", "Workflow heatmap is empty", "Campaign v8", "1/1/2024 10:00:00 AM",
            "The heatmap shows no runs after an upgrade.")
    for n in range(1, 24):
        article("en", f"NW-{n}", f"Northwind server notice {n:02d}", "Northwind Server 4.x",
                f"{(n % 12) + 1}/{(n % 27) + 1}/2023 9:00:00 AM", f"Northwind service message number {n}.")
    return root
