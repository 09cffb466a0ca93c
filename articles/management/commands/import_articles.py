from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.editing.removal import SAMPLES_DIR, remove_samples
from articles.importing import import_paths
from articles.languages import UnknownLanguage, require_language
from articles.search import sync

from ._progress import Progress, build_progress


class Command(BaseCommand):
    help = "Import front-matter markdown articles from files and folders (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files or folders to import")
        parser.add_argument("--lang", help="language of every file (skips the other rules)")
        parser.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")
        parser.add_argument("--overwrite-edits", action="store_true",
                            help="replace translations edited since their last import (their history keeps the edits)")
        parser.add_argument("--no-path-rule", action="store_true",
                            help="ignore locale folders in paths (to measure detection)")
        parser.add_argument("--replace-samples", action="store_true",
                            help="once the files are in, delete the sample articles (samples/) nobody edited")

    def handle(self, *args, paths, lang, dry_run, no_path_rule, overwrite_edits, replace_samples, verbosity,
               **options):
        try:
            language = require_language(lang) if lang else None
        except UnknownLanguage as error:
            raise CommandError(f"--lang: {error}") from None
        with Progress(self.stderr, "import", "files", enabled=verbosity > 0) as progress:
            try:
                report = import_paths(paths, language=language, dry_run=dry_run,
                                      use_path_rule=not no_path_rule, progress=lambda path: progress.update(),
                                      overwrite_edits=overwrite_edits)
            except FileNotFoundError as error:
                raise CommandError(str(error)) from None
        if not dry_run:
            # Searchable when this command returns. The journal holds every saved file's entry,
            # so if this fails (or the command is killed first) the indexer or the next run
            # applies them: nothing is lost. (Removing the samples catches the index up too.)
            with build_progress(self.stderr, enabled=verbosity > 0):
                if replace_samples:
                    self._replace_samples(paths, report)
                error = sync.bring_up_to_date()
            if error:
                self.stderr.write(f"search index not yet up to date ({error}); the indexer will catch up")
        self._print(report, verbosity)
        if not report.ok:
            raise CommandError(f"{len(report.failures)} file(s) failed to import", returncode=1)

    def _replace_samples(self, paths, report):
        """The samples go only when the run brought articles of its own and did not name them."""
        samples = SAMPLES_DIR.resolve()
        if any(samples.is_relative_to(Path(p).resolve()) or Path(p).resolve().is_relative_to(samples) for p in paths):
            self.stderr.write("samples kept: the samples folder is among the imported paths")
            return
        if not sum(report.count(status) for status in ("imported", "updated", "unchanged")):
            self.stderr.write("samples kept: no article was imported")
            return
        removed = remove_samples()
        if removed:
            self.stdout.write(f"{len(removed)} sample article(s) removed: {', '.join(removed)}")

    def _print(self, report, verbosity):
        for outcome in report.failures:
            self.stderr.write(f"FAILED {outcome.path}: {outcome.reason}")
        for outcome in report.outcomes:
            if outcome.status == "skipped" and outcome.number:
                self.stderr.write(f"skipped {outcome.path}: {outcome.reason}")
        if verbosity > 1:
            for path, warning in report.warnings:
                self.stderr.write(f"warning {path}: {warning}")
        elif report.warnings:
            self.stderr.write(f"{len(report.warnings)} warning(s); -v 2 lists them")
        counts = report.counts
        rules = ", ".join(f"{rule} {n}" for rule, n in sorted(report.rules.items()))
        prefix = "dry run: " if report.dry_run else ""
        self.stdout.write(
            f"{prefix}{counts['imported']} imported, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['failed']} failed, {counts['skipped']} skipped"
            f"{', ' + str(counts['navigation']) + ' navigation (TOC.md, not articles)' if counts['navigation'] else ''}"
            f"{' (language by ' + rules + ')' if rules else ''}"
        )
