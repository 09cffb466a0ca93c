"""Typed errors of the editing service. Each has a stable ``code`` (the API's error code) and a
translated message; pages show the message, the API returns both."""
from django.utils.translation import gettext_lazy as _


class EditingError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message, **details):
        self.message = message
        self.details = details
        super().__init__(str(message))


class Invalid(EditingError):
    """A value is refused; ``field`` names it."""

    def __init__(self, field, message, code="invalid"):
        super().__init__(message, field=field)
        self.field, self.code = field, code


class Forbidden(EditingError):
    code, status = "forbidden", 403


class NotFound(EditingError):
    code, status = "not_found", 404


class Conflict(EditingError):
    """Another save came in since the revision the editor started from, and it changed what the
    editor changed (``merging``): ``changes`` is what that save changed (diffs per field),
    ``conflicts`` each field both changed (``{"base", "theirs", "yours"}``; empty when there is
    no common revision, as when two editors add the same translation), ``merged`` the content
    with every other change of both sides kept and the editor's value in conflicting fields."""

    code, status = "conflict", 409

    def __init__(self, current_revision, changes, conflicts=None, merged=None):
        super().__init__(_("This translation was changed since you started editing it (it is now at revision "
                           "%(revision)d), and some of the same text was changed: choose what to keep and "
                           "save again.") % {"revision": current_revision},
                         current_revision=current_revision, changes=changes, conflicts=conflicts or {},
                         merged=merged)
        self.current_revision, self.changes = current_revision, changes
        self.conflicts, self.merged = conflicts or {}, merged


class InvalidTransition(EditingError):
    code, status = "invalid_transition", 409
