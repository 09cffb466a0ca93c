"""Log triage on pastes where the telling lines are few among thousands of noise lines that
repeat signals of their own (exceptions, HTTP errors, ids, ticket numbers, cipher names), and
the codes a paste is credited with. Every article and log line is written for these tests."""
import random

import pytest

from articles.importing import import_paths
from articles.search import sync
from articles.triage.extraction import read_paste
from articles.triage.ranking import triage
from tests.helpers import write

pytestmark = pytest.mark.django_db

ARTICLE = """---
title: {title}
description: {title}.
product: Experience Manager
article-number: {number}
---
# {title}

## Description {{#description}}

{body}
"""

# The lines of each article's own log, as its body quotes them.
QUARTZ_LINES = [
    "03.04.2026 11:20:31.117 *ERROR* [pool-9-thread-3] org.example.scheduler.QuartzRunner Job flagged as stuck",
    "Exception during job execution of org.example.index.AsyncReindexer@7fe7e8fa : lane fulltext blocked",
]
LEDGER_LINES = [
    "2026-04-03 11:22:04 ERROR [ledger-7] org.example.ledger.Compactor Compaction aborted",
    "org.example.ledger.LedgerSealedException: tablespace shard 12 sealed during compaction",
    "\tat org.example.ledger.Compactor.run(Compactor.java:88)",
]


def article(root, number, title, body):
    write(root / "en" / f"{number}.md", ARTICLE.format(number=number, title=title, body=body))


@pytest.fixture
def noisy_dir(tmp_path):
    root = tmp_path / "noisy"
    article(root, "QRZ-1", "Reindexing job stuck in the scheduler",
            "The scheduler log shows:\n\n```\n" + "\n".join(QUARTZ_LINES) + "\n```\n\nRestart the lane.")
    article(root, "QRZ-2", "Scheduler jobs and the asynchronous reindexer",
            "How the scheduler runs org.example.scheduler.QuartzRunner jobs and the AsyncReindexer lanes; "
            "a job execution may take minutes on a large repository.")
    article(root, "LDG-1", "Ledger compaction stops with a sealed shard",
            "The compactor logs:\n\n```\n" + "\n".join(LEDGER_LINES) + "\n```\n\nUnseal the shard.")
    article(root, "LDG-2", "LedgerSealedException when writing",
            "Writes fail with `org.example.ledger.LedgerSealedException` when a shard is sealed for backup.")
    # What the noise keeps repeating: an article about each of its exceptions, and one citing them all.
    article(root, "NET-1", "Uploads fail with broken pipes and timeouts",
            "The log shows `javax.jcr.RepositoryException`, `java.io.IOException: Broken pipe`, "
            "`java.net.SocketTimeoutException` and HTTP 500 errors when uploads are large.")
    article(root, "NET-2", "Read timed out behind the proxy",
            "`java.net.SocketTimeoutException: Read timed out` when the proxy closes idle connections.")
    article(root, "CPH-1", "Ciphers offered by the proxy", "The proxy offers AES-128, AES-256 and SHA-256 suites.")
    article(root, "QZT-1", "Saving fails with error QZT-4410", "The editor shows Error code: QZT-4410 on save.")
    import_paths([root])
    sync.bring_up_to_date()
    return root


def noise(count, seed):
    """Log noise: routine lines, and among them ERROR lines with exceptions and their frames, 404
    and 500 access lines, ids, ticket numbers and cipher names, each repeated as a live log does."""
    rng = random.Random(seed)
    lines = []
    while len(lines) < count:
        n, kind = len(lines), rng.random()
        stamp = f"2026-04-03 11:{n // 60 % 60:02d}:{n % 60:02d},{rng.randrange(1000):03d}"
        if kind < 0.55:
            lines.append(f"{stamp} INFO [worker-{rng.randrange(9)}] org.example.jobs.Runner job {rng.randrange(99999)} "
                         f"done in {rng.randrange(900)} ms, request q-ab{rng.randrange(10000, 99999)}")
        elif kind < 0.75:
            lines.append(f'10.0.{rng.randrange(255)}.{rng.randrange(255)} - - [03/Apr/2026:11:{n % 60:02d}:00 +0000] '
                         f'"GET /content/p{rng.randrange(500)}.html HTTP/1.1" {rng.choice([200, 200, 404, 500])} 512')
        elif kind < 0.85:
            lines.append(f"{stamp} WARN [proxy] ticket ABC-{rng.randrange(1000, 9999)} open, "
                         f"cipher {rng.choice(['AES-128', 'AES-256', 'SHA-256'])} negotiated")
        else:
            name = rng.choice(["java.io.IOException: Broken pipe", "java.net.SocketTimeoutException: Read timed out",
                               "javax.jcr.RepositoryException: session closed"])
            lines += [f"{stamp} ERROR [qtp{rng.randrange(99)}] org.example.web.Handler request failed: "
                      f"{rng.choice(['', 'aborted'])}{name}",
                      f"\tat org.example.web.Handler.handle(Handler.java:{rng.randrange(40, 90)})"]
    return lines[:count]


def buried(lines, count, seed):
    noisy = noise(count, seed)
    at = random.Random(seed).randrange(len(noisy))
    return "\n".join(noisy[:at] + lines + noisy[at:])


def first(paste):
    return triage(paste, "en").results[0].article_number


@pytest.mark.parametrize("count, seed", [(1000, 1), (4000, 2), (9000, 3)])
def test_an_articles_own_lines_buried_in_noise_find_it_first(noisy_dir, count, seed):
    assert first(buried(LEDGER_LINES[:2], count, seed)) == "LDG-1"
    assert first(buried(LEDGER_LINES, count, seed + 10)) == "LDG-1"


@pytest.mark.parametrize("count, seed", [(1000, 4), (6000, 5)])
def test_lines_without_codes_buried_in_noise_find_their_article(noisy_dir, count, seed):
    found = triage(buried(QUARTZ_LINES, count, seed), "en")
    assert found.results[0].article_number == "QRZ-1"


def test_the_noises_own_signals_alone_still_rank_what_they_cite(noisy_dir):
    """A paste that is nothing but the same errors logged again and again is about them."""
    assert first("\n".join(noise(3000, 6))) in {"NET-1", "NET-2"}


def test_a_paste_of_one_error_logged_a_hundred_times_finds_its_article(noisy_dir):
    line = "2026-04-03 11:00:{:02d} ERROR [ledger-7] org.example.ledger.LedgerSealedException: shard {} sealed"
    paste = "\n".join(line.format(n % 60, n) for n in range(100))
    assert first(paste) in {"LDG-1", "LDG-2"}


def test_noise_gives_no_fake_codes():
    paste = read_paste("\n".join(noise(2000, 7)))
    shown = {s.display for s in paste.signals}
    assert shown == {"javax.jcr.RepositoryException", "java.io.IOException", "java.net.SocketTimeoutException",
                     "HTTP 404", "HTTP 500"}, shown


def test_a_code_the_corpus_cites_counts_in_a_paste_whatever_its_shape(noisy_dir):
    found = triage("2026-04-03 11:00:00 WARN [editor] save refused QZT-4410, retrying", "en")
    assert found.codes == ["QZT-4410"] and found.results[0].article_number == "QZT-1"
    assert triage("2026-04-03 11:00:00 WARN [editor] save refused QZT-4411, retrying", "en").codes == []


def test_a_paste_of_countless_code_like_words_asks_the_corpus_about_a_bounded_number():
    """Each word shaped like a code of another shape is one index lookup: a pasted megabyte of
    them answered in seconds, not a worker killed by its timeout; a code the corpus knows that
    comes early is still found, and one asked twice is asked once."""
    from articles.triage import extraction

    asked = []

    def known(key):
        asked.append(key)
        return key == "abc700"

    words = ["ABC-700"] + [f"ABC-{n}" for n in range(1000, 60000)] + ["ABC-700"]
    paste = read_paste(" ".join(words), (), known)
    assert len(asked) == extraction.KNOWN_LOOKUPS and len(set(asked)) == len(asked)
    assert [signal.keys for signal in paste.signals] == [("abc700",)]
