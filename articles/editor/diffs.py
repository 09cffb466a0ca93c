"""Diffs as the editor pages show them. ``field_diffs(changes)`` takes ``{field: diff}`` from
``editing.diff.changed_fields`` and returns ``[{"field", "label", "ops"} | {"field", "label",
"old", "new"}]`` in a stable field order: text fields carry their ops (``{op, old, new}``),
keyword and product lists their old and new items."""
from django.utils.translation import gettext_lazy as _

LABELS = {"title": _("Title"), "description": _("Description"), "keywords": _("Keywords"),
          "products": _("Products"), "body": _("Body (Markdown)")}


def field_diffs(changes):
    rows = []
    for name, label in LABELS.items():
        change = (changes or {}).get(name)
        if change is None:
            continue
        if isinstance(change, dict):
            rows.append({"field": name, "label": label, "old": change.get("old", []), "new": change.get("new", [])})
        else:
            rows.append({"field": name, "label": label, "ops": change})
    return rows
