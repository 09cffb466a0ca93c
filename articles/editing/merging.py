"""Three-way merge of a translation's content: what an editor saved from an older revision
(``yours``), what was saved since (``theirs``) and the revision both started from (``base``).

    merge(base, theirs, yours) -> Merge(content, conflicts)

Each argument is a dict of the content fields (title, description, keywords, products, body).

- A field only one side changed takes that side's value; both sides making the same change is
  no conflict.
- ``body`` and ``description`` merge line by line (``merge3``): changes to different lines both
  stay; only changes to the same or touching lines conflict.
- ``keywords`` and ``products`` merge as sets kept in order: what either side added is kept,
  what either side removed goes. They never conflict.
- ``title`` is one value: both sides changing it differently is a conflict.

``content`` holds the merged values, with ``yours`` in every conflicting field; ``conflicts``
maps each conflicting field to ``{"base", "theirs", "yours"}``. Nothing is decided for the
editor: a conflict is shown to them, and only their explicit choice resolves it.
"""
from dataclasses import dataclass, field

import merge3

FIELDS = ("title", "description", "keywords", "products", "body")
LINE_FIELDS = ("description", "body")
SET_FIELDS = ("keywords", "products")
LINE_LIMIT = 50_000  # lines on any side; beyond it changes on both sides are a conflict, not a merge


@dataclass
class Merge:
    content: dict
    conflicts: dict = field(default_factory=dict)
    # Fields where the saved-in-between change was kept together with the editor's own change.
    combined: list = field(default_factory=list)


def merge(base, theirs, yours):
    content, conflicts, combined = {}, {}, []
    for name in FIELDS:
        old, their, your = base.get(name), theirs.get(name), yours.get(name)
        if name in SET_FIELDS:
            old, their, your = list(old or []), list(their or []), list(your or [])
        else:
            old, their, your = old or "", their or "", your or ""
        if your == their or your == old:
            content[name] = their
            continue
        if their == old:
            content[name] = your
            continue
        merged = _merge_set(old, their, your) if name in SET_FIELDS else (
            _merge_lines(old, their, your) if name in LINE_FIELDS else None)
        if merged is None:
            content[name] = your
            conflicts[name] = {"base": old, "theirs": their, "yours": your}
        else:
            content[name] = merged
            combined.append(name)
    return Merge(content=content, conflicts=conflicts, combined=combined)


def _merge_set(base, theirs, yours):
    removed = {item for item in base if item not in yours}
    added = [item for item in yours if item not in base]
    kept = [item for item in theirs if item not in removed]
    return kept + [item for item in added if item not in kept]


def _merge_lines(base, theirs, yours):
    """The merged text, or None when a change of each side touches the same lines."""
    sides = [text.splitlines(keepends=True) for text in (base, theirs, yours)]
    if any(len(lines) > LINE_LIMIT for lines in sides):
        return None
    merged = []
    for group in merge3.Merge3(*sides).merge_groups():
        if group[0] == "conflict":
            return None
        merged.extend(group[1])
    return "".join(merged)
