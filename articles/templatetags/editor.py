"""Editor pages' helpers: who may do what, and diffs as HTML (``<del>``/``<ins>``, escaped)."""
from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..editing import permissions

register = template.Library()


@register.filter
def can_edit(user):
    return permissions.can_edit(user)


@register.filter
def can_publish(user):
    return permissions.can_publish(user)


@register.filter
def status_label(value):
    """A lifecycle event's value in the interface language: ``"not_validated"`` → "not validated",
    ``"internal"`` → "internal"; other values (a language code) as they are."""
    from ..models import Article

    for choices in (Article.Status, Article.Audience):
        if value in choices.values:
            return choices(value).label
    return value


@register.filter
def diff_side(ops, side):
    """One side of a side-by-side diff: ``"old"`` shows what was removed as ``<del>``, ``"new"``
    what was added as ``<ins>``; unchanged text is plain."""
    mark, hidden = ("del", "insert") if side == "old" else ("ins", "delete")
    parts = []
    for op in ops or []:
        text = escape(op[side])
        if op["op"] == "equal":
            parts.append(text)
        elif op["op"] != hidden and text:
            parts.append(f"<{mark}>{text}</{mark}>")
    return mark_safe("".join(parts))


@register.filter
def diff_inline(ops):
    """Both versions in one flow: removed text as ``<del>`` followed by added text as ``<ins>``."""
    parts = []
    for op in ops or []:
        if op["op"] == "equal":
            parts.append(escape(op["new"]))
            continue
        if op["old"]:
            parts.append(f"<del>{escape(op['old'])}</del>")
        if op["new"]:
            parts.append(f"<ins>{escape(op['new'])}</ins>")
    return mark_safe("".join(parts))
