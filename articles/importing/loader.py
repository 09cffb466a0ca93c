"""The importer: source files → articles and translations, one transaction per file.

``import_paths(paths, language=None, dry_run=False, use_path_rule=True, progress=None,
overwrite_edits=False, user=None)`` returns an ``ImportReport`` and never prints. For each
file, in order:

1. read and parse it (``sources.read_source``) in a worker process, which renders it too unless
   the database already holds its content (``read_file``; a file whose language only detection
   can tell is read here); a bad file is a failed outcome with its reason; a ``TOC.md`` is
   stored as its repository's navigation (``DocTree``), not as an article;
2. which article it is (``_identify``): a documentation page is known by its doc path, so a
   second, different page carrying an ``exl-id`` (or file name) already taken is kept under a
   derived number, with a warning, and keeps it on every later run; a page whose title,
   description and body equal those of a page already imported in its language is skipped as
   a duplicate; the same number and language met twice in one run with different content
   fails the later file;
3. a translation whose stored hash equals the file's is unchanged: nothing is written;
4. otherwise, rendered within the per-file time budget (``workers.RenderPool``: reading and
   rendering run there; a file the worker did not render is rendered now), write it through
   the editing service (``write_file``: ``editing.imports.import_translation``, as ``user`` when
   a person asked for the import): article, translation, products, revision and journal entry
   in one transaction, so a failure leaves what was stored before intact. Outside a caller's
   transaction the writing is done by a writer process (``writer.Writer``), in file order,
   while the next files are decided; inside one, here, on the caller's connection.

Any error of one file — a bad file, a render that fails or runs out of time, a database
refusal, even a ``RecursionError`` or ``MemoryError`` — is that file's failed outcome and the
run goes on; ids created in a rolled-back transaction are forgotten, so a sibling translation
never links to an article that does not exist. Up to ``PIPELINE`` files are read and rendered
ahead of the one being decided, and up to ``WRITES_AHEAD`` decided ones are with the writer;
every decision above is taken, and outcomes given, in file order (a documentation page is
decided once the files before it are written, since its number depends on the articles that
exist). A file whose worker ran out of time or died is read again here, so that it is decided
like any other and fails with the worker's reason.

A run that is not a dry run is recorded as an ``ImportRun`` (``/api/stats`` reads the latest).

Reasons and warnings are lazy text (see ``errors``): the report shows them in the language
active when it is shown; the ``ImportRun`` stores them in English.
"""
from collections import deque
from dataclasses import dataclass
import logging

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..editing.imports import EditedSinceImport, ImportSession, import_translation
from ..models import Article, DocTree, ImportRun, Revision, Translation, content_key_of
from ..rendering import RENDERER_VERSION
from ..search import sync
from .errors import SourceError
from .grouping import DERIVED_SUFFIX_LENGTH, derived_number, exl_id, same_page, video_number
from .language_rules import Undetected
from .report import FAILED, IMPORTED, NAVIGATION, SKIPPED, UNCHANGED, UPDATED, FileOutcome, ImportReport
from .sources import NotAnArticle, find_sources, is_toc, plain_content_hash, read_source, read_toc
from .workers import RenderFailed, RenderPool, is_stored, render, render_failure
from .writer import Writer, WriterDied

logger = logging.getLogger(__name__)

PIPELINE = 64  # files read and rendered ahead of the one being decided
WRITES_AHEAD = 48  # decided files with the writer process before the oldest one's outcome is read
WRITE_ATTEMPTS = 3  # a file met by another writer: see write_file
UNDETECTED = "undetected"  # a Read whose language only detection can tell: read by the importer
# The database's own words quote SQL: they go to the log, never to the report.
DATABASE_REFUSED = _("the database refused the record; the details are in the server log")


def import_paths(paths, *, language=None, dry_run=False, use_path_rule=True, progress=None,
                 overwrite_edits=False, user=None, shown=None):
    """Import every source under ``paths``; see the module docstring. ``shown`` maps the paths
    of files written somewhere first (an upload's temporary copies) to the names the report,
    the stored run and each translation's source path give them instead."""
    started = timezone.now()
    report = ImportReport(dry_run=dry_run)
    # Outside a caller's transaction the files are written by a process of its own; inside one
    # (a test's, a request's) they must be written on its connection, here.
    loader = _Loader(report, dry_run=dry_run, overwrite_edits=overwrite_edits, user=user, shown=shown,
                     options={"forced_language": language, "use_path_rule": use_path_rule},
                     in_process=dry_run or connection.in_atomic_block)
    # Each file's transaction records its own journal entry; the caller brings the index up
    # to date once at the end (sync.bring_up_to_date) rather than after every file.
    with sync.deferred(), RenderPool(dry_run, stored=loader.stored_hashes()) as pool, loader:
        for outcome in loader.outcomes(find_sources(paths), pool, progress):
            report.add(outcome)
    if not dry_run:
        _record_run(report, [loader.name(p) for p in paths], started)
    return report


@dataclass
class Read:
    """A file as ``read_file`` read it: ``parsed`` (a ``ParsedSource``; None when the file is not
    an article or cannot be read, ``status`` and ``reason`` saying which); ``rendered`` (None when
    it was not rendered); ``failure``, the reason its render failed."""

    parsed: object = None
    rendered: object = None
    failure: object = None
    status: str = ""
    reason: object = ""


def read_file(path, root, explicit, options, dry_run, in_worker=True):
    """The file parsed and, in a render worker, rendered unless the database holds its content
    already (``workers.is_stored``). A worker does not detect languages: a file that only
    detection could place is ``UNDETECTED``, read again by the importer (whose process loads
    the detector's models once). Never raises for the file's sake: a bad file's reason, or a
    failed render's, is in the ``Read``."""
    try:
        parsed = read_source(path, explicit=explicit, root=root, detect=not in_worker, **options)
    except Undetected:
        return Read(status=UNDETECTED)
    except NotAnArticle as skipped:
        return Read(status=SKIPPED, reason=skipped.args[0])
    except (SourceError, OSError) as error:
        return Read(status=FAILED, reason=_reason(error))
    except Exception as error:  # noqa: BLE001 — RecursionError, MemoryError…: this file only
        return Read(status=FAILED, reason=format_lazy(_("cannot be read: {error_type}: {error}"),
                                                      error_type=type(error).__name__, error=str(error)))
    read = Read(parsed=parsed)
    if in_worker and not is_stored(parsed):
        try:
            read.rendered = render(parsed, dry_run)
        except Exception as error:  # noqa: BLE001 — any error of one render fails that file only
            read.failure = render_failure(error)
    return read


@dataclass
class Written:
    """What writing a decided file did: ``translation_id`` and ``article_id`` when it was written;
    else ``editor``, the person who saved the translation since its import (it is kept), or
    ``failure``, the reason for the report."""

    translation_id: int | None = None
    article_id: int | None = None
    editor: str | None = None
    failure: object = None


def write_file(session, parsed, rendered, *, user=None, overwrite_edits=False):
    """Write a decided file through the editing service, in one transaction (in the importer or
    its writer process, with that process's ``ImportSession``); never raises for the file's sake:
    a ``Written``. Ids created by a transaction that rolled back are forgotten.

    A file whose article or translation another writer created since the session read them
    (two imports of the same new files at once, an editor creating the number) is written
    again on what is stored now; when that writer stored this very content, the file is what
    it wrote. Each attempt can meet one more of its rows (the article, then its
    translation a moment later), hence ``WRITE_ATTEMPTS``."""
    try:
        for attempt in range(WRITE_ATTEMPTS):
            try:
                translation_id = import_translation(session, parsed, rendered, user=user,
                                                    overwrite_edits=overwrite_edits)
                break
            except IntegrityError:
                session.forget_uncommitted()
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
                session.reread(parsed.number, parsed.language)  # before: what it reads is as new as _found's
                found = _found(parsed)
                if found is not None:
                    return found
    except EditedSinceImport as edited:  # saved by an editor while this run was under way
        session.forget_uncommitted()
        return Written(editor=edited.args[0])
    except Exception as error:  # noqa: BLE001 — the transaction rolled back: this file only
        session.forget_uncommitted()
        # The database's own words quote SQL: they go to the log, not to the report.
        logger.warning("import of %s failed: %s: %s", parsed.path, type(error).__name__, error)
        return Written(failure=DATABASE_REFUSED if isinstance(error, DatabaseError) else format_lazy(
            _("cannot be saved ({error_type}); the details are in the server log"), error_type=type(error).__name__))
    return Written(translation_id=translation_id, article_id=session.articles[parsed.number])


def _found(parsed):
    """A ``Written`` for a file the writer committed but did not answer for (it died between
    the two), or None when the database does not hold this file's content."""
    found = Translation.objects.filter(article__number=parsed.number, language=parsed.language,
                                       content_hash=parsed.content_hash, renderer_version=RENDERER_VERSION)
    row = found.order_by().values_list("id", "article_id").first()
    return Written(translation_id=row[0], article_id=row[1]) if row else None


class _Sent:
    """A decided file sent to the writer process, its outcome waiting for the result."""

    def __init__(self, outcome, parsed):
        self.outcome, self.parsed = outcome, parsed


class _Loader:
    def __init__(self, report, dry_run, overwrite_edits=False, user=None, shown=None, options=None,
                 in_process=True):
        self.in_process = in_process
        self.writer = None
        self.options = options or {}
        self.shown = shown or {}
        self.dry_run = dry_run
        self.user = user
        self.overwrite_edits = overwrite_edits
        self.seen = {}  # (number, language) -> (path, content key), within this run
        rows = Translation.objects.values_list(
            "id", "article__number", "language", "content_hash", "renderer_version", "doc_path", "source_path")
        self.stored = {(number, lang): (content_hash, version) for _, number, lang, content_hash, version, *_ in rows}
        self.stored_content = {content_hash for content_hash, version in self.stored.values()
                               if version == RENDERER_VERSION}
        self.session = ImportSession()  # the editing service's caches: ids by number, products
        self.translation_ids, self.articles = self.session.translation_ids, self.session.articles
        self.spelled = {number.upper(): number for number in self.articles}  # numbers by their upper case
        # Documentation identity: the doc paths each number's translations were imported from,
        # the derived numbers of each base number, and what each translation now says.
        self.claims = {}
        self.sources = {(number, lang): source for _, number, lang, _, _, _, source in rows}
        for _, number, _, _, _, path, _ in rows:
            if path:
                self.claims.setdefault(number, set()).add(path)
        self.derived = {}
        for number in self.articles:
            base, dash, digest = number[:-DERIVED_SUFFIX_LENGTH], number[-DERIVED_SUFFIX_LENGTH:-8], number[-8:]
            if dash == "-" and all(c in "0123456789abcdef" for c in digest):
                self.derived.setdefault(base, []).append(number)
        self.contents = {(number, lang): key for number, lang, key in Revision.objects.filter(
            translation__latest_revision=F("number")).values_list(
            "translation__article__number", "translation__language", "content_key")}
        # Translations whose latest revision was made by a person, not a file: an import keeps them.
        self.edited = dict(Revision.objects.filter(translation__latest_revision=F("number"), author__isnull=False)
                           .values_list("translation_id", "author__username"))

    def stored_hashes(self):
        """The content hashes of the stored translations this renderer rendered."""
        return self.stored_content

    def start(self, path, root, explicit, pool):
        """A ``TOC.md`` is stored now and its outcome returned; a file whose bytes the database
        holds already (most likely unchanged) is left to be read here; any other file starts
        being read and rendered in a worker. ``(path, root, explicit, ticket or None)``."""
        if is_toc(path):
            return self._navigation(path, root, explicit=explicit, language=self.options.get("forced_language"),
                                    use_path_rule=self.options.get("use_path_rule", True))
        if self.stored_content and plain_content_hash(path) in self.stored_content:
            return path, root, explicit, None  # no render to wait for: a worker would add a hand-over
        return path, root, explicit, pool.queue(read_file, path, root, explicit, self.options, self.dry_run)

    def __enter__(self):
        return self

    def __exit__(self, error_type, *exc):
        if self.writer is not None:
            self.writer.stop() if error_type else self.writer.close()

    def outcomes(self, sources, pool, progress=None):
        """Yield each file's outcome in file order. Up to ``PIPELINE`` files are read (and
        rendered) ahead of the one being decided, and up to ``WRITES_AHEAD`` decided files are
        with the writer process; the outcome of each is yielded once its write answered."""
        started, decided = deque(), deque()
        for path, explicit, root in sources:
            if progress:
                progress(path)
            started.append(self.start(path, root, explicit, pool))
            if len(started) > PIPELINE:
                yield from self._decide_next(started.popleft(), decided, pool)
        while started:
            yield from self._decide_next(started.popleft(), decided, pool)
        while decided:
            yield self._settled(decided.popleft())

    def _decide_next(self, started, decided, pool):
        if isinstance(started, FileOutcome):
            decided.append(started)
        else:
            path, read = self._read(started, pool)
            parsed = read.parsed
            if parsed and parsed.doc_path and parsed.key_source != Article.KeySource.ARTICLE_NUMBER:
                while decided:  # its number depends on the articles written before it (_identify)
                    yield self._settled(decided.popleft())
            decided.append(self._decided(path, read, pool))
        while decided and (len(decided) > WRITES_AHEAD or not isinstance(decided[0], _Sent)):
            yield self._settled(decided.popleft())

    def _read(self, started, pool):
        """``(path, Read)`` of a started file, read here when its worker could not."""
        path, root, explicit, ticket = started
        if ticket is None:
            return path, read_file(path, root, explicit, self.options, self.dry_run, in_worker=False)
        try:
            read = pool.result(ticket)
        except RenderFailed as error:  # out of time or died: read here, decided like any other file
            read = read_file(path, root, explicit, self.options, self.dry_run, in_worker=False)
            read.failure = error.reason
        else:
            if read.status == UNDETECTED:
                read = read_file(path, root, explicit, self.options, self.dry_run, in_worker=False)
        return path, read

    def _decided(self, path, read, pool):
        """Decide what a read file is and write it when it is to be written (rendering it first
        if its worker did not): its final outcome, or a ``_Sent`` when the writer writes it."""
        if read.parsed is None:
            return FileOutcome(self.name(path), read.status, reason=read.reason)
        outcome, parsed = self._decide(path, read.parsed)
        if parsed is None:
            return outcome
        rendered = read.rendered
        if rendered is None and read.failure is None:  # the worker took its content for one stored
            try:
                rendered = pool.result(pool.submit(render, parsed, self.dry_run))
            except RenderFailed as error:
                read.failure = error.reason
        if read.failure is not None:
            outcome.status, outcome.reason = FAILED, read.failure
            return outcome
        outcome.warnings.extend(rendered.warnings)
        outcome.status = UPDATED if (parsed.number, parsed.language) in self.stored else IMPORTED
        if self.dry_run:
            return outcome
        parsed.path = self.name(parsed.path)  # rendered: its images were read beside the file
        if self.in_process:
            return self._written(outcome, parsed, write_file(self.session, parsed, rendered, user=self.user,
                                                               overwrite_edits=self.overwrite_edits))
        if self.writer is None:
            self.writer = Writer(write_file, user=self.user, overwrite_edits=self.overwrite_edits)
        self.writer.send(parsed, rendered)
        return _Sent(outcome, parsed)

    def _settled(self, decided):
        """The final outcome of a decided file, waiting for the writer's answer if it was sent."""
        if not isinstance(decided, _Sent):
            return decided
        try:
            written = self.writer.receive()
        except WriterDied as died:  # the files it held fail; the next ones are written here
            self.in_process = True
            written = _found(decided.parsed) or Written(
                failure=format_lazy(_("the writer process died (exit code {code})"), code=died.args[0]))
        return self._written(decided.outcome, decided.parsed, written)

    def _written(self, outcome, parsed, written):
        """The outcome of a file once written: the run's caches learn the ids it made."""
        if written.editor is not None:
            outcome.status, outcome.reason = SKIPPED, _edited(parsed, written.editor)
        elif written.failure is not None:
            outcome.status, outcome.reason = FAILED, written.failure
        else:
            key = (parsed.number, parsed.language)
            outcome.translation_id = written.translation_id
            self.articles[parsed.number], self.translation_ids[key] = written.article_id, written.translation_id
            self.stored[key] = (parsed.content_hash, RENDERER_VERSION)
            self.edited.pop(written.translation_id, None)
        return outcome

    def _decide(self, path, parsed):
        """``(outcome, parsed)`` of a parsed file: ``parsed`` is None when the outcome is already
        decided (skipped, unchanged), else the file is to be written."""
        outcome = FileOutcome(self.name(path), "", number=parsed.number, language=parsed.language,
                              rule=parsed.rule, warnings=list(parsed.fields.warnings))
        content = content_key_of(parsed.fields.title, parsed.fields.description, parsed.body)
        duplicate_of = self._identify(parsed, content, outcome)
        outcome.number = parsed.number
        if duplicate_of:
            first = self.sources.get((duplicate_of, parsed.language)) or duplicate_of
            outcome.status, outcome.reason = SKIPPED, _duplicate(first, parsed.language)
            return outcome, None
        key = (parsed.number, parsed.language)
        if key in self.seen:
            first, first_content = self.seen[key]
            if first_content == content:
                outcome.status, outcome.reason = SKIPPED, _duplicate(first, parsed.language)
            else:
                outcome.status, outcome.reason = FAILED, format_lazy(
                    _("{number} ({language}) was already imported from {first} in this run"),
                    number=parsed.number, language=parsed.language, first=first)
            return outcome, None
        self.seen[key] = (self.name(path), content)
        self.contents[key] = content
        self.sources[key] = self.name(path)
        if self.stored.get(key) == (parsed.content_hash, RENDERER_VERSION):
            outcome.status = UNCHANGED
            return outcome, None
        editor = self.edited.get(self.translation_ids.get(key))
        if editor is not None and not self.overwrite_edits:
            outcome.status, outcome.reason = SKIPPED, _edited(parsed, editor)
            return outcome, None
        return outcome, parsed

    def _navigation(self, path, root, **options):
        """A ``TOC.md``: stored as its repository's navigation in its language (``DocTree``),
        never as an article; unchanged when the stored one came from the same bytes."""
        try:
            toc = read_toc(path, root=root, forced_language=options["language"], explicit=options["explicit"],
                           use_path_rule=options["use_path_rule"])
        except (SourceError, OSError) as error:
            return FileOutcome(self.name(path), FAILED, reason=_reason(error))
        except Exception as error:  # noqa: BLE001 — this file only
            return FileOutcome(self.name(path), FAILED, reason=format_lazy(_("cannot be read: {error_type}"),
                                                                     error_type=type(error).__name__))
        outcome = FileOutcome(self.name(path), NAVIGATION, language=toc.language, rule=toc.rule,
                              reason=format_lazy(_("the navigation of {title} ({language}), not an article"),
                                                 title=toc.title or toc.doc_path, language=toc.language))
        if self.dry_run:
            return outcome
        values = {"title": toc.title, "nodes": toc.nodes, "source_path": toc.path[:1000],
                  "content_hash": toc.content_hash}
        try:
            with transaction.atomic():
                stored = DocTree.objects.select_for_update().filter(doc_path=toc.doc_path, language=toc.language).first()
                if stored is None:
                    DocTree.objects.create(doc_path=toc.doc_path, language=toc.language, **values)
                elif stored.content_hash != toc.content_hash:
                    DocTree.objects.filter(pk=stored.pk).update(updated_at=timezone.now(), **values)
        except DatabaseError as error:
            logger.warning("import of %s failed: %s: %s", path, type(error).__name__, error)
            outcome.status, outcome.reason = FAILED, DATABASE_REFUSED
        return outcome

    def _identify(self, parsed, content, outcome):
        """Set ``parsed.number`` to the article this file is a translation of; returns the
        number of the page it duplicates when it is one, else None. Only documentation pages
        (a doc path, no ``article-number``) are told apart by path: an article number is the
        editors' own and stays what the file says."""
        # A number is one address whatever its case: ka-1 is the article KA-1 already met.
        parsed.number = self.spelled.setdefault(parsed.number.upper(), parsed.number)
        kept = self._numbered_before(parsed)
        if kept is not None:
            parsed.number = kept
            return None
        base, path = parsed.number, parsed.doc_path
        if parsed.key_source == Article.KeySource.ARTICLE_NUMBER or not path:
            return None
        candidates = [base, *self.derived.get(base, ())]
        for number in candidates:
            claimed = self.claims.get(number)
            if claimed and any(same_page(path, other) for other in claimed):
                parsed.number = number
                return None
        if base in self.articles and not self.claims.get(base):
            return None  # an article whose pages came from no known path: the file names it
        for number in candidates:
            if self.contents.get((number, parsed.language)) == content:
                return number
        if base in self.claims or base in self.articles:
            number = derived_number(base, path)
            others = ", ".join(sorted(self.claims.get(base, ())))
            outcome.warnings.append(format_lazy(
                _("{key_source} {number} is also the id of a different page ({others}): "
                  "this page is kept as {kept_as}"),
                key_source=parsed.key_source, number=base, others=others, kept_as=number))
            self.derived.setdefault(base, []).append(number)
            self.spelled.setdefault(number.upper(), number)
            parsed.number = number
        self.claims.setdefault(parsed.number, set()).add(path)
        return None

    def _numbered_before(self, parsed):
        """The number a video page (``grouping.video_number``: ``KT-11251.md``) was imported
        under before its ``kt`` came before its ``exl-id``, when this site holds it so (its
        ``exl-id``, or a number derived from it, claimed by the page's path) and not as
        ``KT-11251``: the article keeps its number and its addresses, instead of the file making
        a second copy of it. None otherwise."""
        if parsed.number in self.articles or not video_number(parsed.front_matter, parsed.path):
            return None
        base = exl_id(parsed.front_matter)
        if not base or not parsed.doc_path:
            return None
        base = self.spelled.get(base.upper(), base)
        for number in (base, *self.derived.get(base, ())):
            if any(same_page(parsed.doc_path, other) for other in self.claims.get(number, ())):
                return number
        return None

    def name(self, path):
        return self.shown.get(str(path), str(path))


def _reason(error):
    """The report's reason for an error met reading a file: the importer's own as lazy text,
    the system's (``OSError``) as it words it."""
    return error.describe() if isinstance(error, SourceError) else str(error)


def _edited(parsed, editor):
    return format_lazy(_("{number} ({language}) was edited by {editor} since its last import: kept "
                         "(--overwrite-edits replaces it; every version stays in its history)"),
                       number=parsed.number, language=parsed.language, editor=editor)


def _duplicate(first, language):
    return format_lazy(_("duplicate: the same page as {first} ({language}), imported once"),
                       first=first, language=language)


def _record_run(report, paths, started):
    """Store the run for operators (``/api/stats``): reasons and warnings in English, whatever
    language the request or process that ran the import has active."""
    counts = report.counts
    with translation.override("en"):
        failures = [{"path": o.path, "reason": str(o.reason)} for o in report.failures]
        warnings = [{"path": path, "warning": str(warning)} for path, warning in report.warnings[:1000]]
    ImportRun.objects.create(
        started_at=started, finished_at=timezone.now(), paths=[str(p) for p in paths],
        imported=counts[IMPORTED], updated=counts[UPDATED], unchanged=counts[UNCHANGED],
        failed=counts[FAILED], failures=failures, warnings=warnings,
    )
    logger.info("import: %s", counts)
