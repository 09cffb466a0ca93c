"""Typed import errors: each names the file and, where known, the line or field.

Every reason the importer gives (an error's, a skip's, a warning) is lazy text
(``gettext_lazy``/``format_lazy``): it becomes words in the language active when it is shown,
so the upload page shows it in the editor's language, the command and the stored
``ImportRun`` in English. Lazy text pickles, so a reason made in a render worker travels too:
Django unpickles each lazy value by making a class for it, which costs more than the rest of a
page, so the lazy text of ``format_lazy`` and ``gettext_lazy`` is unpickled here with one class
per function, made once (``_unpickle_lazy``), into the same lazy value.
"""
import copyreg
from functools import lru_cache

from django.utils.functional import lazy
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


@lru_cache(maxsize=64)
def _lazy_of(function, resultclasses):
    return lazy(function, *resultclasses)


def _unpickle_lazy(function, args, kwargs, *resultclasses):
    value = _lazy_of(function, resultclasses)(*args, **kwargs)
    _pickle_cheaply(type(value))
    return value


def _reduce_lazy(value):
    _, arguments = value.__reduce__()  # Django's (_lazy_proxy_unpickle, (function, args, kwargs, *classes))
    return _unpickle_lazy, arguments


def _pickle_cheaply(lazy_class):
    if lazy_class not in copyreg.dispatch_table:
        copyreg.pickle(lazy_class, _reduce_lazy)


for _made in (format_lazy("{}", ""), _("")):
    _pickle_cheaply(type(_made))
