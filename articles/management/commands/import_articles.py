import sys

from django.core.management.base import BaseCommand, CommandError

from articles.importing import import_paths
from articles.languages import UnknownLanguage, require_language
from articles.search import upkeep


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

    def handle(self, *args, paths, lang, dry_run, no_path_rule, overwrite_edits, verbosity, **options):
        try:
            language = require_language(lang) if lang else None
        except UnknownLanguage as error:
            raise CommandError(f"--lang: {error}") from None
        with _progress_bar(enabled=sys.stderr.isatty() and verbosity > 0) as progress:
            try:
                report = import_paths(paths, language=language, dry_run=dry_run,
                                      use_path_rule=not no_path_rule, progress=progress,
                                      overwrite_edits=overwrite_edits)
            except FileNotFoundError as error:
                raise CommandError(str(error)) from None
        if not dry_run:
            # Searchable when this command returns. The journal holds every saved file's entry,
            # so if this fails (or the command is killed first) the indexer or the next run
            # applies them: nothing is lost.
            error = upkeep.bring_up_to_date()
            if error:
                self.stderr.write(f"search index not yet up to date ({error}); the indexer will catch up")
        self._print(report, verbosity)
        if not report.ok:
            raise CommandError(f"{len(report.failures)} file(s) failed to import", returncode=1)

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
            f"{' (language by ' + rules + ')' if rules else ''}"
        )


class _progress_bar:
    """A tqdm bar on a terminal; a no-op elsewhere (logs, CI)."""

    def __init__(self, enabled):
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(unit=" files", file=sys.stderr)

    def __enter__(self):
        return (lambda path: self.bar.update(1)) if self.bar else None

    def __exit__(self, *exc):
        if self.bar:
            self.bar.close()
