"""What an import run did, file by file: ``ImportReport`` and its ``FileOutcome`` rows."""
from collections import Counter
from dataclasses import dataclass, field

IMPORTED, UPDATED, UNCHANGED, FAILED, SKIPPED = "imported", "updated", "unchanged", "failed", "skipped"
NAVIGATION = "navigation"  # a TOC.md, read as its repository's navigation (not an article)
STATUSES = (IMPORTED, UPDATED, UNCHANGED, FAILED, SKIPPED, NAVIGATION)


@dataclass
class FileOutcome:
    """One source file: ``status`` is one of ``STATUSES``."""

    path: str
    status: str
    number: str = ""
    language: str = ""
    rule: str = ""  # which language rule decided: forced, front-matter, path, detected
    # Why it failed or was skipped, and what was left out: lazy text (``errors``), words in the
    # language active when str() is called on it, or shown.
    reason: str = ""
    warnings: list = field(default_factory=list)
    translation_id: int | None = None


@dataclass
class ImportReport:
    outcomes: list = field(default_factory=list)
    dry_run: bool = False

    def add(self, outcome):
        self.outcomes.append(outcome)

    def count(self, status):
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def counts(self):
        """``{"imported": n, "updated": n, "unchanged": n, "failed": n, "skipped": n, "navigation": n}``."""
        return {status: self.count(status) for status in STATUSES}

    @property
    def failures(self):
        return [o for o in self.outcomes if o.status == FAILED]

    @property
    def warnings(self):
        return [(o.path, warning) for o in self.outcomes for warning in o.warnings]

    @property
    def rules(self):
        """How many files each language rule decided: ``Counter({"path": 8254, …})``."""
        return Counter(o.rule for o in self.outcomes if o.rule and o.status != FAILED)

    @property
    def saved_translation_ids(self):
        """Translations written by this run (imported or updated), for the search index."""
        return [o.translation_id for o in self.outcomes if o.status in (IMPORTED, UPDATED) and o.translation_id]

    @property
    def ok(self):
        return not self.failures
