"""Typed import errors: each names the file and, where known, the line or field.

Every reason the importer gives (an error's, a skip's, a warning) is lazy text
(``gettext_lazy``/``format_lazy``): it becomes words in the language active when it is shown,
so the upload page shows it in the editor's language, the command and the stored
``ImportRun`` in English. Lazy text pickles, so a reason made in a render worker travels too.
"""
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class SourceError(ValueError):
    """A source file cannot be imported. ``describe()`` (and ``str()``) is the reason shown in
    the report; ``reason`` is that reason without the line and field."""

    def __init__(self, reason, *, line=None, field=None):
        self.reason = reason
        self.line = line
        self.field = field
        super().__init__(self.describe())

    def describe(self):
        """``"<reason> (line 3, field 'title')"`` as lazy text."""
        if self.line is not None and self.field is not None:
            where = format_lazy(_("line {line}, field '{field}'"), line=self.line, field=self.field)
        elif self.line is not None:
            where = format_lazy(_("line {line}"), line=self.line)
        elif self.field is not None:
            where = format_lazy(_("field '{field}'"), field=self.field)
        else:
            return self.reason
        return format_lazy(_("{reason} ({where})"), reason=self.reason, where=where)
