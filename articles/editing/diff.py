"""Readable differences between two texts: word by word for languages written with spaces,
character by character for Chinese, Japanese and Korean.

``diff_texts(old, new, language)`` returns ``[{"op": "equal"|"insert"|"delete"|"replace",
"old": str, "new": str}, ...]`` whose ``old`` parts join to ``old`` and ``new`` parts to
``new``. Lines are compared first and only changed runs of lines are compared finely, with a
bound on their size, so a megabyte of text is compared in linear-ish time, never quadratic.
"""
from difflib import SequenceMatcher
import re

CJK_LANGUAGES = {"ja", "ko", "zh", "zh-hans", "zh-hant"}
WORD_RE = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
FINE_LIMIT = 4000  # tokens on either side of a changed run compared finely; more is one replace
LINE_LIMIT = 20000  # lines compared; beyond it the texts are one replace


def tokens(text, language):
    if language.split("-")[0] in CJK_LANGUAGES or language in CJK_LANGUAGES:
        return list(text)
    return WORD_RE.findall(text)


def diff_texts(old, new, language="en"):
    old, new = old or "", new or ""
    if old == new:
        return [{"op": "equal", "old": old, "new": new}] if old else []
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    if len(old_lines) > LINE_LIMIT or len(new_lines) > LINE_LIMIT:
        return [{"op": "replace", "old": old, "new": new}]
    ops = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        a, b = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "replace":
            ops.extend(_fine(a, b, language))
        else:
            ops.append({"op": tag, "old": a, "new": b})
    return _merge(ops)


def _fine(old, new, language):
    a, b = tokens(old, language), tokens(new, language)
    if len(a) > FINE_LIMIT or len(b) > FINE_LIMIT:
        return [{"op": "replace", "old": old, "new": new}]
    return [{"op": tag, "old": "".join(a[i1:i2]), "new": "".join(b[j1:j2])}
            for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]


def _merge(ops):
    merged = []
    for op in ops:
        if merged and merged[-1]["op"] == op["op"] == "equal":
            merged[-1] = {"op": "equal", "old": merged[-1]["old"] + op["old"], "new": merged[-1]["new"] + op["new"]}
        else:
            merged.append(op)
    return merged


def changed_fields(old, new, language="en"):
    """``{field: diff}`` for the fields of two revision dicts that differ."""
    changes = {}
    for field in ("title", "description", "body"):
        if (old.get(field) or "") != (new.get(field) or ""):
            changes[field] = diff_texts(old.get(field), new.get(field), language)
    for field in ("keywords", "products"):
        if list(old.get(field) or []) != list(new.get(field) or []):
            changes[field] = {"old": list(old.get(field) or []), "new": list(new.get(field) or [])}
    return changes
