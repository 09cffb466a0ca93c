"""Typed import errors: each names the file and, where known, the line or field."""


class SourceError(ValueError):
    """A source file cannot be imported. ``str()`` is the reason shown in the report."""

    def __init__(self, reason, *, line=None, field=None):
        self.reason = reason
        self.line = line
        self.field = field
        super().__init__(self.describe())

    def describe(self):
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{self.reason} ({', '.join(where)})" if where else self.reason
