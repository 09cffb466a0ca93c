"""The index journal: every change reaches each server's index, in order, whatever happens."""
import os
import threading
import time

import pytest

from articles.importing import import_paths
from articles.models import Article, Translation
from articles.search import IndexUnavailable, get_backend, sync
from articles.search.sync import coordination, journal
from articles.search.sync.indexer import Indexer
from articles.search.models import IndexerStatus, JournalEntry
from articles.search.service import search
from articles.search.whoosh import speedups
from articles.search.whoosh.storage import SafeFileStorage

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(articles_dir):
    import_paths([articles_dir])
    assert sync.bring_up_to_date() is None


def titles(text, language="en"):
    return [r.title for r in search(text, language).results]


def test_each_change_writes_journal_entries_in_its_transaction(indexed):
    before = journal.head()[0]
    translation = Translation.objects.get(article__number="KB-100", language="en")
    translation.title = "Quarterly ledger export halts"
    translation.save()
    translation.article.audience = "internal"
    translation.article.save()
    entries = list(JournalEntry.objects.filter(id__gt=before).values_list("translation_id", "reason"))
    assert entries[0] == (translation.pk, "save")
    assert {pk for pk, reason in entries[1:]} == set(translation.article.translations.values_list("pk", flat=True))
    assert journal.head()[0] == before + len(entries)


def test_what_makes_a_page_appear_or_go_moves_the_shared_position_and_a_save_does_not(indexed):
    from articles.search.models import JournalHead

    def shared():
        return JournalHead.objects.get(pk=1).shared_last_id

    translation = Translation.objects.get(article__number="KB-100", language="en")
    before = shared()
    translation.title = "Quarterly ledger export halts"
    translation.save()
    assert shared() == before  # other pages show the new title within readercache.SETTLE_SECONDS
    added = Translation.objects.create(article=translation.article, language="it", title="Esportazione",
                                       body="Testo.")
    assert shared() == journal.head()[0] > before  # a new page other pages may link to
    translation.article.audience = "internal"
    translation.article.save()
    assert shared() == journal.head()[0]
    moved = shared()
    added.delete()
    assert shared() == journal.head()[0] > moved


def test_entries_are_numbered_in_order_and_move_the_head(indexed):
    from django.db import transaction
    from django.utils import timezone

    from articles.search.models import JournalHead

    before, shared_before = journal.head()[0], JournalHead.objects.get(pk=1).shared_last_id
    ids = list(range(10_000, 10_000 + 2 * journal.INSERT_ROWS + 7)) + [10_000]  # a repeat is written once
    started = timezone.now()
    with transaction.atomic():
        assert journal.append(ids, journal.SAVE) == before + len(ids) - 1
        last = journal.append([42], journal.IMPORT)
    entries = list(JournalEntry.objects.filter(id__gt=before).values_list("id", "translation_id", "reason",
                                                                           "created_at"))
    assert [row[:3] for row in entries] == [(before + 1 + n, pk, "save") for n, pk in enumerate(ids[:-1])] + [
        (last, 42, "import")]
    assert all(started <= row[3] <= timezone.now() for row in entries)
    assert journal.head()[0] == last and JournalHead.objects.get(pk=1).shared_last_id == last > shared_before


def test_a_rolled_back_change_leaves_no_entry(indexed):
    from django.db import transaction

    before = journal.head()[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        Translation.objects.filter(language="en").first().save()
        raise RuntimeError("the request failed after saving")
    assert journal.head()[0] == before and not JournalEntry.objects.filter(id__gt=before).exists()


def test_an_import_that_never_indexed_is_caught_up_by_the_indexer(articles_dir):
    # import_paths writes rows and journal entries but does not index: as if the command had
    # been killed after its database phase.
    import_paths([articles_dir])
    backend = get_backend()
    assert backend.position() is None
    Indexer().run_once()
    assert backend.position() == journal.head()[0]
    assert titles("RPT-504012")


def test_entries_written_during_a_rebuild_are_applied_after_the_swap(indexed, monkeypatch):
    from articles.search.whoosh import build

    original = build._rows
    translation = Translation.objects.get(article__number="KB-100", language="en")

    def rows_then_a_save(queryset):
        yield from original(queryset)
        # A save commits while the new index is being written (after its rows were read).
        Translation.objects.filter(pk=translation.pk).update(title="Ledger export halts at midnight")
        sync.record_change([translation.pk], sync.SAVE)

    monkeypatch.setattr(build, "_rows", rows_then_a_save)
    sync.rebuild()
    monkeypatch.setattr(build, "_rows", original)
    assert "Ledger export halts at midnight" in titles("ledger midnight")


def test_a_change_is_searchable_when_the_save_returns(indexed, django_capture_on_commit_callbacks):
    translation = Translation.objects.get(article__number="KB-100", language="en")
    translation.title = "Ledger export halts at midnight"
    with django_capture_on_commit_callbacks(execute=True):
        translation.save()
    assert get_backend().position() == journal.head()[0]
    assert titles("ledger midnight") == ["Ledger export halts at midnight"]


def test_a_search_applies_a_few_pending_entries_itself(indexed):
    # Saved through another server: nothing here has applied it yet.
    translation = Translation.objects.get(article__number="KB-100", language="en")
    Translation.objects.filter(pk=translation.pk).update(title="Ledger export halts at midnight")
    sync.record_change([translation.pk], sync.SAVE)
    assert titles("ledger midnight") == ["Ledger export halts at midnight"]


def test_an_index_older_than_the_journal_keeps_is_rebuilt(indexed, settings):
    backend = get_backend()
    live = backend.store.live_dir()
    Translation.objects.filter(language="en").first().save()
    JournalEntry.objects.update(created_at="2000-01-01T00:00:00Z")
    assert journal.prune(60) > 0
    assert sync.ensure_usable() is True
    assert backend.store.live_dir() != live and backend.position() == journal.head()[0]


def test_abandoned_build_folders_are_removed(indexed, settings):
    backend = get_backend()
    abandoned = settings.KB_INDEX_DIR / "index-20200101000000-999999-1"
    abandoned.mkdir()
    (abandoned / "MAIN_x.seg").write_bytes(b"half a segment")
    backend.tidy()
    assert not abandoned.exists() and backend.store.live_dir().exists()


def test_replaced_segments_stay_for_searchers_until_the_grace_period_ends(indexed):
    """A searcher that read the table of contents a moment before commits (in another process)
    opens its segments after them: they stay until ``purge`` finds them past the grace period."""
    from whoosh.index import TOC
    from whoosh.reading import SegmentReader

    from articles.search.whoosh.storage import INDEX_NAME, SEGMENT_GRACE_SECONDS

    backend = get_backend()
    storage = SafeFileStorage(backend.store.live_dir())
    earlier = TOC.read(storage, INDEX_NAME)
    for n in range(4):
        Translation.objects.filter(language="en").update(title=f"Ledger {n}")
        sync.record_change(Translation.objects.values_list("pk", flat=True), sync.SAVE)
        sync.apply_pending()
    current = {segment.segment_id() for segment in TOC.read(storage, INDEX_NAME).segments}
    replaced = [segment for segment in earlier.segments if segment.segment_id() not in current]
    assert replaced  # the commits merged the earlier segments away
    assert storage.purge() == []  # everything is younger than the grace period
    for segment in replaced:
        reader = SegmentReader(storage, earlier.schema, segment)
        assert len(list(reader.all_stored_fields())) == segment.doc_count()
        reader.close()
    removed = storage.purge(now=time.time() + SEGMENT_GRACE_SECONDS + 1)
    assert {f"{segment.segment_id()}.seg" for segment in replaced} <= set(removed)
    assert not any(storage.file_exists(f"{segment.segment_id()}.seg") for segment in replaced)
    assert set(titles("ledger")) == {"Ledger 3"}  # the live index lost nothing it needs


def test_a_searcher_whose_files_vanished_is_replaced(indexed):
    backend = get_backend()
    assert titles("RPT-504012")
    folder = backend.store.live_dir()
    # Another process commits and tidies with no grace: the files this thread's searcher
    # would open next are gone.
    Translation.objects.filter(language="en").update(title="Ledger export halts")
    sync.record_change(Translation.objects.values_list("pk", flat=True), sync.SAVE)
    sync.apply_pending()
    Translation.objects.filter(language="en").update(title="Ledger export stops")
    sync.record_change(Translation.objects.values_list("pk", flat=True), sync.SAVE)
    sync.apply_pending()
    SafeFileStorage(folder).purge(grace=0)
    assert titles("ledger export stops") == ["Ledger export stops"]


def test_a_truncated_segment_gives_catching_up_never_an_error_page(client, indexed):
    backend = get_backend()
    assert client.get("/api/search", {"q": "RPT-504012"}).status_code == 200
    for segment in backend.store.live_dir().glob("*.seg"):
        with open(segment, "r+b") as handle:
            handle.truncate(64)
    backend.searchers.discard_searcher()
    backend.store.forget()
    started = time.monotonic()
    response = client.get("/api/search", {"q": "RPT-504012"})
    assert response.status_code == 503 and time.monotonic() - started < 1.0
    assert coordination.check_requested(backend.root)
    Indexer().run_once()
    assert client.get("/api/search", {"q": "RPT-504012"}).json()["total"] == 1


def test_a_deleted_index_folder_keeps_answering_from_open_files(client, indexed, settings):
    import shutil

    assert client.get("/api/search", {"q": "RPT-504012"}).json()["total"] == 1
    shutil.rmtree(settings.KB_INDEX_DIR)
    for _ in range(2):  # requests neither fail nor rebuild: the searcher's open files answer
        response = client.get("/api/search", {"q": "RPT-504012"})
        assert response.status_code == 200 and [r["article_number"] for r in response.json()["results"]] == ["KB-100"]
    assert not settings.KB_INDEX_DIR.exists()
    Indexer().run_once()
    assert client.get("/api/search", {"q": "RPT-504012"}).json()["total"] == 1


def test_the_indexer_reports_its_position(indexed):
    indexer = Indexer()
    indexer.run_once(housekeeping=True)
    status = IndexerStatus.objects.get()
    assert status.position == journal.head()[0] and status.documents == 3


@pytest.mark.django_db(transaction=True)
def test_saves_during_searches_never_fail_a_search(articles_dir):
    import_paths([articles_dir])
    sync.bring_up_to_date()
    errors, done = [], threading.Event()
    pk = Translation.objects.get(article__number="KB-100", language="en").pk

    def searching():
        from django.db import connection

        try:
            while not done.is_set():
                try:
                    search("export timeout", "en")
                except IndexUnavailable as error:  # allowed, but must not happen here
                    errors.append(error)
                except Exception as error:  # noqa: BLE001
                    errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=searching) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for n in range(30):
            translation = Translation.objects.get(pk=pk)
            translation.title = f"Report export times out, take {n}"
            translation.save()  # indexes on commit, while the threads search
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert errors == []
    assert titles("take 29") == ["Report export times out, take 29"]
    assert Article.objects.count() == 2


def test_while_the_indexer_runs_requests_leave_writing_to_it(indexed):
    backend = get_backend()
    coordination.heartbeat(backend.root)  # as the running indexer does on every turn
    translation = Translation.objects.get(article__number="KB-100", language="en")
    Translation.objects.filter(pk=translation.pk).update(title="Ledger export halts at midnight")
    sync.record_change([translation.pk], sync.SAVE)
    position = backend.position()
    search("ledger midnight", "en")
    assert backend.position() == position  # the search did not write
    assert sync.catch_up(budget=0.1) is False  # a saving request waits for the indexer, briefly here
    coordination.stop_heartbeat(backend.root)
    assert sync.catch_up(budget=1.0) is True  # no indexer: it applies the entry itself
    assert titles("ledger midnight") == ["Ledger export halts at midnight"]


def test_many_small_commits_do_not_pile_up_segments(indexed):
    backend = get_backend()
    translation = Translation.objects.get(article__number="KB-100", language="en")
    for n in range(40):
        Translation.objects.filter(pk=translation.pk).update(title=f"Ledger export, take {n}")
        sync.record_change([translation.pk], sync.SAVE)
        sync.apply_pending()
    with backend.searcher() as searcher:
        segments = len(list(searcher.leaf_searchers()))
    assert segments <= 8, segments
    assert titles("take 39") == ["Ledger export, take 39"]


def test_idle_compaction_folds_what_bursts_of_saves_left(indexed, monkeypatch):
    from articles.search.sync import merging

    backend = get_backend()

    def segments():
        with backend.searcher() as searcher:
            return len(list(searcher.leaf_searchers()))

    for n, translation in enumerate(Translation.objects.order_by("pk")):
        Translation.objects.filter(pk=translation.pk).update(title=f"Ledger export, round {n}")
        sync.record_change([translation.pk], sync.SAVE)
        sync.apply_pending()
    count = Translation.objects.count()
    # One segment per save; the build's segment, all of whose documents were replaced, is gone.
    assert segments() == count >= 3
    monkeypatch.setattr(merging, "SMALL_COUNT", count)
    assert backend.compact() is True
    assert segments() == 1
    with backend.searcher() as searcher:
        assert searcher.doc_count() == count
    assert titles("round 0") == ["Ledger export, round 0"]
    assert backend.compact() is False  # nothing left to fold


def test_the_indexer_pauses_between_commits_less_when_a_save_is_waiting(indexed):
    from articles.search.sync.indexer import AWAITED_SECONDS, COALESCE_SECONDS

    backend = get_backend()
    indexer = Indexer(backend, poll=0.01)
    started = time.monotonic()
    indexer._coalesce(time.time())  # a burst of saves: commits at most every COALESCE_SECONDS
    assert time.monotonic() - started >= COALESCE_SECONDS * 0.9
    committed = time.time() - 1.0
    coordination.await_indexer(backend.root)  # what catch_up() does for a request waiting on its save
    started = time.monotonic()
    indexer._coalesce(committed)
    assert AWAITED_SECONDS * 0.9 <= time.monotonic() - started < (AWAITED_SECONDS + COALESCE_SECONDS) / 2


BURST_ARTICLE = """---
title: Burst article {n}
article-number: KB-9{n:02d}
---
# Burst article {n}

The gateway restarts while article {n} is read.
"""


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_saves_is_applied_in_few_commits_and_every_save_is_searchable(tmp_path, monkeypatch):
    """Saves from another server every 0.05 s for 2 s, with this server's indexer running: a
    commit per ``COALESCE_SECONDS`` or so, not one per save; few segments and segment files;
    every save found once the last is applied, within a saving request's wait."""
    from tests.helpers import write
    from articles.search.sync import indexer as indexer_module
    from articles.search.sync.applier import CATCH_UP_SECONDS
    from articles.search.sync.merging import TIER_WIDTH

    saves = 40
    for n in range(saves):
        write(tmp_path / "burst" / "en" / f"KB-9{n:02d}.md", BURST_ARTICLE.format(n=n))
    import_paths([tmp_path / "burst"])
    assert sync.bring_up_to_date() is None
    monkeypatch.setattr(indexer_module, "start_background", lambda stopping: None)  # no embedding here
    monkeypatch.setattr(indexer_module, "start_query_embeddings", lambda stopping, folder: None)
    backend = get_backend()
    generation = backend.store.open_index().latest_generation()
    indexer = Indexer(backend, poll=0.01)

    def run():
        from django.db import connection

        try:
            indexer.run_forever()
        finally:
            connection.close()  # this thread's: PostgreSQL would keep the test database in use

    loop = threading.Thread(target=run)
    loop.start()
    try:
        started = time.monotonic()
        for n, translation in enumerate(Translation.objects.filter(article__number__startswith="KB-9")):
            Translation.objects.filter(pk=translation.pk).update(title=f"Burst article saved zqb{n:03d}")
            with sync.deferred():  # saved through another server: nothing here waits for it
                last = sync.record_change([translation.pk], sync.SAVE)
            time.sleep(max(0.0, started + (n + 1) * 0.05 - time.monotonic()))
        assert sync.catch_up(until=last, budget=CATCH_UP_SECONDS) is True  # a saving request's wait
    finally:
        indexer.stop()
        loop.join(10)
    live = backend.store.open_index()
    commits = live.latest_generation() - generation
    assert 1 <= commits <= saves // 4, commits  # two a second or so: 3-5 here
    assert len(backend.segments()) <= TIER_WIDTH + 2
    files = [name for name in os.listdir(live.storage.folder) if name.endswith(".seg")]
    assert len(files) <= len(backend.segments()) + commits
    for n in range(saves):
        assert titles(f"zqb{n:03d}") == [f"Burst article saved zqb{n:03d}"]


class Segment:
    """What the merge policies read of a Whoosh segment."""

    def __init__(self, total, live):
        self.total, self.live = total, live

    def doc_count_all(self):
        return self.total

    def doc_count(self):
        return self.live


def test_segments_fold_by_size_class_and_when_mostly_deleted():
    from articles.search.sync.merging import TIER_WIDTH, to_fold

    tiny = [Segment(1, 1) for _ in range(TIER_WIDTH)]
    large = Segment(4000, 3900)
    assert to_fold(tiny[:-1] + [large]) == []  # a class is folded once it is full
    assert to_fold(tiny + [large]) == tiny
    worn = Segment(60, 20)
    assert to_fold([worn, large]) == [worn]
    assert to_fold([Segment(5000, 1000), large]) == []  # too large to fold in a commit
    # A class of segments of 64 documents or more (hundreds of saves in a row) is left to a fresh
    # build: folding it held the writer, and every save behind it, for seconds.
    assert to_fold([Segment(64, 64) for _ in range(TIER_WIDTH)] + [large]) == []
    assert to_fold([Segment(63, 63) for _ in range(TIER_WIDTH)] + [large]) != []


def test_an_index_is_worn_by_deleted_copies_or_by_many_segments():
    from articles.search.sync.merging import RENEW_DELETED, RENEW_SEGMENTS, worn

    build = [Segment(4000, 4000), Segment(4000, 4000)]
    assert not worn(build) and not worn([])
    old_copies = int(8000 * RENEW_DELETED)
    assert not worn([Segment(4000, 4000 - old_copies + 1), Segment(4000, 4000)])
    assert worn([Segment(4000, 4000 - old_copies), Segment(4000, 4000)])
    assert not worn(build + [Segment(8, 8)] * (RENEW_SEGMENTS - 3))
    assert worn(build + [Segment(8, 8)] * (RENEW_SEGMENTS - 2))


def test_stopping_the_indexer_stops_a_fresh_build_with_its_children(tmp_path):
    """A build still running when the indexer stops is stopped, children included."""
    import subprocess
    import sys

    from articles.search.sync.indexer import Indexer

    script = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"
    build = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    time.sleep(0.5)
    children = [int(pid) for pid in open(f"/proc/{build.pid}/task/{build.pid}/children").read().split()]
    assert children
    indexer = Indexer(backend=object())
    indexer._renewal = build
    started = time.monotonic()
    indexer._stop_renewal()
    assert build.poll() is not None and time.monotonic() - started < 5
    time.sleep(0.2)
    for pid in children:
        try:
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        assert state == "Z", f"child {pid} outlived the build"


def test_a_refreshed_searcher_reuses_unchanged_segments_and_sees_new_deletions(indexed):
    """With the speed-ups a refresh keeps the readers of unchanged segments; with or without,
    the refreshed searcher sees the deletions the commit made in them."""
    backend = get_backend()
    first, second = Translation.objects.order_by("pk")[:2]

    def save(translation, title):
        Translation.objects.filter(pk=translation.pk).update(title=title)
        sync.record_change([translation.pk], sync.SAVE)
        sync.apply_pending()

    save(first, "Ledger export halts at midnight")
    with backend.searcher() as searcher:
        before = {reader.segment().segment_id(): reader for reader, _ in searcher.reader().leaf_readers()}
    save(second, "Quarterly invoices print twice")
    with backend.searcher() as searcher:
        after = {reader.segment().segment_id(): reader for reader, _ in searcher.reader().leaf_readers()}
        documents = searcher.doc_count()
    unchanged = [segid for segid in before if segid in after and before[segid].segment().deleted_count()
                 == after[segid].segment().deleted_count()]
    assert unchanged
    if speedups.enabled():  # Whoosh's own refresh reopens every segment
        assert all(after[segid] is before[segid] for segid in unchanged)  # not reopened
    assert documents == Translation.objects.count()  # the old copies are deleted in the reused files
    assert titles("quarterly invoices", second.language) == ["Quarterly invoices print twice"]
    assert titles("ledger midnight", first.language) == ["Ledger export halts at midnight"]
    assert second.title not in titles(second.title, second.language)


def test_searches_list_the_index_folder_only_after_it_changed(indexed, monkeypatch):
    """Each search checks for a newer commit; the folder (a table of contents per recent commit)
    is listed again only once its mtime moved, and a commit is still seen by the next search."""
    import os

    from whoosh.index import FileIndex

    backend = get_backend()
    listings = []
    original = FileIndex.latest_generation
    monkeypatch.setattr(FileIndex, "latest_generation", lambda self: listings.append(1) or original(self))
    folder = backend.store.live_dir()
    settled = time.time() - 5
    os.utime(folder, (settled, settled))  # last changed seconds ago, as between saves
    for _ in range(4):
        titles("ledger midnight")
    assert len(listings) <= 1

    translation = Translation.objects.get(article__number="KB-100", language="en")
    Translation.objects.filter(pk=translation.pk).update(title="Ledger export halts at midnight")
    sync.record_change([translation.pk], sync.SAVE)
    sync.apply_pending()  # as this server's indexer would: the folder changes
    assert titles("ledger midnight") == ["Ledger export halts at midnight"]


def test_term_lookups_are_remembered_per_segment_and_new_segments_find_new_words(
        indexed, django_capture_on_commit_callbacks, monkeypatch):
    """With the speed-ups, a repeated search reads no term table; either way a word every
    segment was asked about (and found absent) is found once a save puts it in a new segment,
    and gone once a save removes it."""
    from whoosh.filedb.filetables import OrderedHashReader

    assert titles("zebrafish gasket") == []
    reads = []
    original = OrderedHashReader.ranges_for_key  # every lookup of a term table goes through it
    monkeypatch.setattr(OrderedHashReader, "ranges_for_key",
                        lambda self, key: reads.append(key) or original(self, key))
    assert titles("zebrafish gasket") == []
    assert titles("zebrafish gasket") == []
    if speedups.enabled():  # the term cache is one of them
        assert reads == []
    translation = Translation.objects.get(article__number="KB-100", language="en")
    translation.title = "Zebrafish gasket replacement"
    with django_capture_on_commit_callbacks(execute=True):
        translation.save()
    assert titles("zebrafish gasket") == ["Zebrafish gasket replacement"]
    translation.title = "Ledger export halts at midnight"
    with django_capture_on_commit_callbacks(execute=True):
        translation.save()
    assert titles("zebrafish gasket") == []
    assert titles("ledger midnight") == ["Ledger export halts at midnight"]


def test_words_a_save_removed_no_longer_find_the_article(indexed, django_capture_on_commit_callbacks):
    """The old copy stays in its segment, marked deleted: no word, phrase or code of it matches."""
    title = "Report export times out with RPT-504012"
    for query in ["sixty seconds", '"sixty seconds"']:
        assert title in titles(query)
    translation = Translation.objects.get(article__number="KB-100", language="en")
    translation.description = "Exports of large reports stop early."
    translation.body = "# Report export times out with RPT-504012\n\nThe gateway closes idle connections early.\n"
    with django_capture_on_commit_callbacks(execute=True):
        translation.save()
    assert get_backend().position() == journal.head()[0]
    for query in ["sixty seconds", '"sixty seconds"']:
        assert title not in titles(query)
    assert title in titles("stop early")


@pytest.fixture
def renewals(monkeypatch, settings):
    """An indexer over a worn index whose builds are only recorded: ``(indexer, started, state)``,
    ``state`` holding the load average and whether the index is overdue."""
    import os
    import subprocess

    state = {"load": 0.1, "overdue": False}
    started = []

    class Worn:
        root = settings.KB_INDEX_DIR

        def worn(self):
            return True

        def overdue(self):
            return state["overdue"]

    class Build:
        def __init__(self, command, **kwargs):
            started.append(command)

        def poll(self):
            return None

    monkeypatch.setattr(subprocess, "Popen", Build)
    settings.KB_INDEX_RENEW_QUIET_SECONDS, settings.KB_INDEX_RENEW_MAX_LOAD = 60, 0.5
    monkeypatch.setattr(os, "getloadavg", lambda: (state["load"], 0.0, 0.0))
    return Indexer(backend=Worn()), started, state


def test_a_worn_index_is_rebuilt_only_in_a_quiet_moment(renewals):
    """Not while saves come in, not on a busy machine (a build then took CPU from the web
    workers), and not again soon after the last one."""
    import os

    indexer, started, state = renewals
    indexer._renew()
    assert started == []  # a save was applied less than a minute ago (the indexer just started)
    indexer._last_applied -= 61
    state["load"] = (os.cpu_count() or 1) * 0.9
    indexer._renew()
    assert started == []  # busy
    state["load"] = 0.1
    indexer._renew()
    assert len(started) == 1 and started[0][-2:] == ["rebuild_index", "--no-catch-up"]
    indexer._renewal = None
    indexer._renew()
    assert len(started) == 1  # the last build started less than RENEW_INTERVAL_SECONDS ago


def test_an_overdue_index_is_rebuilt_without_waiting_for_a_quiet_moment(renewals):
    """Saves with no pause for hours leave segments piling up: past RENEW_OVERDUE_SEGMENTS the
    fresh build starts even while saves come in on a busy machine."""
    import os

    indexer, started, state = renewals
    state["load"] = (os.cpu_count() or 1) * 0.9
    indexer._renew()
    assert started == []  # worn, but saves come in and the machine is busy
    state["overdue"] = True
    indexer._renew()
    assert len(started) == 1


def test_overdue_counts_segments():
    from articles.search.sync.merging import RENEW_OVERDUE_SEGMENTS, RENEW_SEGMENTS, overdue

    assert RENEW_OVERDUE_SEGMENTS > RENEW_SEGMENTS
    assert not overdue([Segment(8, 8)] * (RENEW_OVERDUE_SEGMENTS - 1))
    assert overdue([Segment(8, 8)] * RENEW_OVERDUE_SEGMENTS)


def test_a_fresh_build_of_a_worn_index_stops_when_a_rebuild_is_due(indexed):
    """A bulk import or a rebuild asked for makes the indexer rebuild itself: the fresh build of
    the worn index is stopped rather than waited for (and then built again)."""
    import subprocess
    import sys

    def build():
        return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)

    indexer = Indexer()
    indexer._renewal = running = build()
    try:
        indexer._stop_renewal_if_superseded()
        assert running.poll() is None  # nothing due: the build goes on
        sync.record_change(range(10**6, 10**6 + 1001), sync.IMPORT)  # more than BULK_UPDATE translations
        indexer._stop_renewal_if_superseded()
        assert running.wait(5) is not None and indexer._renewal is None
        sync.bring_up_to_date()
        indexer._renewal = running = build()
        sync.record_change([None], sync.REBUILD)
        indexer._stop_renewal_if_superseded()
        assert running.wait(5) is not None
    finally:
        if running.poll() is None:
            running.kill()
