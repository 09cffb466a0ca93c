"""Keeping the stored embeddings current: ``catch_up(limit=None, batch=BATCH, recheck=False,
should_stop=..., wait=False, resaved_until=None)``.

A translation is *due* when it has no embedding, one of another model or text recipe
(``text.embedding_key``), or was saved after its
embedding read it (``Translation.updated_at`` past ``source_updated_at``). Each due translation's
``passage_text`` is hashed: an unchanged hash only records the newer ``updated_at`` (a save that
left the title, description and symptoms alone costs no embedding); the others are embedded
``batch`` at a time, the public translations first (what most readers search), and written in
one transaction per batch. A queryset ``update()`` that changes these columns must set
``updated_at`` too, as the importer does; ``catch_up(recheck=True)`` hashes every translation
again (after a migration that rewrote texts without it).

Every server's indexer runs this on the one database, and they share the work: a batch is
*claimed* before it is embedded (``models.EmbeddingClaim``: one row a translation, inserted only
where none exists, so of two servers claiming at once one gets each translation) and the claims
are deleted once it is written, or its model call failed. Translations another holder claimed
are skipped, so two servers embed alternate batches of a fresh import and each text is embedded
once; rows are read again after the claim, so one written meanwhile is not embedded again.
A claim lapses after ``CLAIM_SECONDS`` (longer than a batch ever takes), and at once when its
holder was a process of this machine (``HOST``: same host name, boot and pid namespace) that is
gone — a server killed mid-batch; it is then taken over. A claim never leaves a translation
unembedded: the holder writes it, or the claim ends and the translation is still due. The worst
case (a holder slower than ``CLAIM_SECONDS``) is a batch embedded twice.

``wait=True`` (``run_indexer --once``) returns only once a look finds no translation due:
after its own batches it looks every ``WAIT_SECONDS`` at the due translations other holders are
embedding, until they are written, and embeds those left due when a claim ends or lapses. Without it,
``report.held`` counts the due translations other holders were embedding at return (the
background indexer looks again within ``upkeep.POLL_SECONDS``).

``resaved_until`` (a time, the background thread's when the machine is busy: ``upkeep``) leaves
for later the translations whose current embedding reads an earlier save and that were saved
again after that time: their vector still stands for the text before that save, while a
translation with no embedding of this key is embedded whatever the time.

Returns a ``CatchUpReport``. Raises ``model.SemanticUnavailable`` without the model.
"""
from dataclasses import dataclass
from datetime import timedelta
import logging
import os
from pathlib import Path
import socket
import threading
import time

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ...models import Translation
from .model import PASSAGE, embedder
from .models import EmbeddingClaim, TranslationEmbedding, vector_to_quantized
from .text import embedding_key, passage_text, text_hash

BATCH = 32  # texts per call to the model: its matrix products share the weights' reads
COLUMNS = ("id", "title", "description", "sections", "body", "updated_at")
# A batch of 32 took about 10 s with two servers embedding on one busy 2-core machine (2 s on two
# quiet cores): 300 s leaves a wide margin. Servers' clocks may differ by seconds, not minutes.
CLAIM_SECONDS = 300
WAIT_SECONDS = 1.0  # wait=True: how often the batches other holders are embedding are looked at


def _where():
    """The processes whose pids this one can check: the host's name and, on Linux, this boot
    and pid namespace (two containers may share a host name, not their pids)."""
    parts = [socket.gethostname()[:200]]
    try:
        parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8])
        parts.append(os.readlink("/proc/self/ns/pid").strip("pid:[]"))
    except OSError:
        pass
    return "/".join(parts)


HOST = _where()

logger = logging.getLogger(__name__)


@dataclass
class CatchUpReport:
    embedded: int = 0  # texts given to the model
    unchanged: int = 0  # due translations whose text was what their embedding holds
    remaining: bool = False  # ``limit`` was reached (or ``should_stop``) with translations still due
    held: int = 0  # due translations another holder was embedding at return
    waited: float = 0.0  # seconds ``wait=True`` waited for other holders


def due(key, resaved_until=None):
    """The translations whose embedding of ``key`` (``text.embedding_key``) is missing or may be
    stale; of the latter, with ``resaved_until``, only those last saved by then."""
    resaved = Q(updated_at__gt=F("embedding__source_updated_at"))
    if resaved_until is not None:
        resaved &= Q(updated_at__lte=resaved_until)
    return Translation.objects.filter(Q(embedding__isnull=True) | ~Q(embedding__model=key) | resaved)


def holder_name():
    """This thread of this process on this machine: ``host:pid:thread`` (``host`` is ``HOST``)."""
    return f"{HOST}:{os.getpid()}:{threading.get_native_id()}"


def catch_up(limit=None, batch=BATCH, recheck=False, should_stop=lambda: False, wait=False, resaved_until=None,
             model=None):
    """See the module docstring. ``limit``: at most about this many texts embedded (whole
    batches); ``should_stop()`` is asked between batches and while waiting; ``model``: an
    ``Embedder`` (default ``model.embedder()``)."""
    model = model or embedder()
    key, holder = embedding_key(model), holder_name()
    report = CatchUpReport()
    started = None
    while True:
        if not _pass(model, key, holder, batch, limit, recheck, should_stop, report, resaved_until):
            return report
        report.held = due(key, resaved_until).filter(pk__in=_claimed_by_others(holder, timezone.now())).count()
        # Also due: one whose claim ended between the pass's look and now, or saved meanwhile.
        if not wait or should_stop() or not (report.held or due(key, resaved_until).exists()):
            return report
        started = started or time.monotonic()
        time.sleep(WAIT_SECONDS)
        report.waited = time.monotonic() - started
        recheck = False  # every translation was hashed once: only what is due now is left


def _pass(model, key, holder, batch, limit, recheck, should_stop, report, resaved_until):
    """Embed the due translations no other holder claimed; False when stopped by ``limit`` or
    ``should_stop`` (``report.remaining`` then says whether any is left)."""
    public = Translation.objects.public()
    for scope in (public, Translation.objects.exclude(pk__in=public.values("pk"))):
        queryset = scope if recheck else scope.filter(pk__in=due(key, resaved_until).values("pk"))
        after = 0
        while True:
            if should_stop() or (limit is not None and report.embedded >= limit):
                free = queryset.exclude(pk__in=_claimed_by_others(holder, timezone.now()))
                report.remaining = free.filter(pk__gt=after).exists()
                return False
            claimed, after = _claim_next(queryset, after, batch, holder)
            if after is None:
                break
            try:
                rows = list(queryset.filter(pk__in=claimed).order_by("pk").select_related("embedding")
                            .only(*COLUMNS, "embedding__model", "embedding__text_hash"))
                _embed_batch(model, rows, report)
            finally:
                EmbeddingClaim.objects.filter(translation_id__in=claimed, holder=holder).delete()
    return True


def _claim_next(queryset, after, batch, holder):
    """Claim up to ``batch`` translations of ``queryset`` past ``after`` that no other holder
    claimed → (the pks this holder now holds, the last pk looked at), or ``([], None)`` when
    none is left. Rows are re-read after the claim: one written meanwhile is no longer due."""
    now = timezone.now()
    _end_lapsed_claims(now, holder)
    pks = list(queryset.exclude(pk__in=_claimed_by_others(holder, now)).filter(pk__gt=after)
               .order_by("pk").values_list("pk", flat=True)[:batch])
    if not pks:
        return [], None
    expires = now + timedelta(seconds=CLAIM_SECONDS)
    # One statement: INSERT OR IGNORE (SQLite), ON CONFLICT DO NOTHING (PostgreSQL).
    EmbeddingClaim.objects.bulk_create([EmbeddingClaim(translation_id=pk, holder=holder, expires_at=expires)
                                        for pk in pks], ignore_conflicts=True)
    held = list(EmbeddingClaim.objects.filter(translation_id__in=pks, holder=holder)
                .values_list("translation_id", flat=True))
    return held, pks[-1]


def _claimed_by_others(holder, now):
    return EmbeddingClaim.objects.filter(expires_at__gte=now).exclude(holder=holder).values("translation_id")


def _end_lapsed_claims(now, holder):
    """Delete claims past ``expires_at``, and those of a process of this machine that is gone.
    Only reads when there are none: an idle indexer asks every few seconds, and on SQLite a
    delete waits for the database's one writer (an import)."""
    lapsed = EmbeddingClaim.objects.filter(expires_at__lt=now)
    if lapsed.exists():
        lapsed.delete()
    here = set(EmbeddingClaim.objects.filter(holder__startswith=f"{HOST}:").exclude(holder=holder)
               .values_list("holder", flat=True).distinct())
    gone = [name for name in here if not _alive(name)]
    if gone:
        logger.info("embeddings: taking over the claims of %s (the process is gone)", ", ".join(gone))
        EmbeddingClaim.objects.filter(holder__in=gone).delete()


def _alive(holder):
    """Whether the process of ``holder`` (``host:pid:thread``, this host) still runs; a holder
    of this process is alive (its thread releases its claims itself)."""
    try:
        pid = int(holder.rsplit(":", 2)[1])
    except (IndexError, ValueError):
        return True  # not a name of ours: left to lapse
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process holds that pid
    return True


def _embed_batch(model, translations, report):
    key = embedding_key(model)
    texts, wanted, unchanged = {}, [], []
    for translation in translations:
        text = passage_text(translation)
        texts[translation.pk] = (text, text_hash(text))
        stored = getattr(translation, "embedding", None)  # None: no embedding yet
        if stored is not None and stored.model == key and stored.text_hash == texts[translation.pk][1]:
            unchanged.append(translation)
        else:
            wanted.append(translation)
    vectors = model.embed([texts[t.pk][0] for t in wanted], PASSAGE) if wanted else []
    now = timezone.now()
    rows = []
    for translation, vector in zip(wanted, vectors):
        data, scale = vector_to_quantized(vector)
        rows.append(TranslationEmbedding(translation_id=translation.pk, model=key,
                                         text_hash=texts[translation.pk][1], source_updated_at=translation.updated_at,
                                         vector_bytes=data, scale=scale, updated_at=now))
    _write(rows)
    for translation in unchanged:  # the vector stands; only the newer save is recorded
        TranslationEmbedding.objects.filter(pk=translation.pk).update(source_updated_at=translation.updated_at)
    report.embedded += len(wanted)
    report.unchanged += len(unchanged)


def _write(rows):
    """Insert or replace ``rows``; a translation deleted meanwhile is left out."""
    if not rows:
        return
    fields = ["model", "text_hash", "source_updated_at", "vector_bytes", "scale", "updated_at"]
    try:
        with transaction.atomic():
            TranslationEmbedding.objects.bulk_create(rows, update_conflicts=True, unique_fields=["translation"],
                                                     update_fields=fields)
    except IntegrityError:
        present = set(Translation.objects.filter(pk__in=[r.translation_id for r in rows]).values_list("pk", flat=True))
        with transaction.atomic():
            TranslationEmbedding.objects.bulk_create([r for r in rows if r.translation_id in present],
                                                     update_conflicts=True, unique_fields=["translation"],
                                                     update_fields=fields)
