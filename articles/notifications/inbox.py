"""A user's inbox: their notifications only. Anyone else's is as absent as one that never
existed (``NotFound``, a 404), so ids reveal nothing.

    unread_count(user)                          -> int (one count on the ``notify_unread`` index)
    inbox_page(user, page=1, size=PAGE_SIZE, unread_only=False) -> InboxPage
    notification_of(user, pk)                   -> Notification, or NotFound
    mark_read(user, pk, read=True)              -> Notification (read, or unread again with ``read`` False;
                                                   one already so stays as it was)
    mark_all_read(user, ids=None, before=None)  -> int, how many were unread: every one, or those of
                                                   ``ids`` (others' ids are left alone), made up to ``before``
"""
from dataclasses import dataclass
import math

from django.utils import timezone
from django.utils.translation import gettext as _

from ..editing.errors import Invalid, NotFound
from ..models import MAX_DATABASE_INTEGER as MAX_ID
from .models import Notification

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


@dataclass
class InboxPage:
    notifications: list  # newest first, with article and actor selected
    total: int
    unread: int
    page: int
    pages: int
    size: int


def unread_count(user):
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox_page(user, page=1, size=PAGE_SIZE, unread_only=False):
    """Page ``page`` (from 1) of ``size`` notifications; ``Invalid`` (``page``, ``page_size``:
    ``invalid_parameter``) for a page or size that is not a whole number in range. A page past
    the last is empty."""
    page, size = _whole(page, "page", 1, 10**6), _whole(size, "page_size", 1, MAX_PAGE_SIZE)
    mine = Notification.objects.filter(recipient=user)
    listed = mine.filter(read_at__isnull=True) if unread_only else mine
    total = listed.count()
    rows = list(listed.select_related("article", "actor").order_by("-created_at", "-id")[(page - 1) * size:page * size])
    unread = total if unread_only else unread_count(user)
    return InboxPage(rows, total, unread, page, max(1, math.ceil(total / size)), size)


def notification_of(user, pk):
    found = (Notification.objects.select_related("article", "actor").filter(pk=pk, recipient=user).first()
             if isinstance(pk, int) and 0 < pk <= MAX_ID and getattr(user, "pk", None) else None)
    if found is None:
        raise NotFound(_("No notification %(id)s.") % {"id": str(pk)[:30]})
    return found


def mark_read(user, pk, read=True):
    found = notification_of(user, pk)
    if read and found.read_at is None:
        found.read_at = timezone.now()
        Notification.objects.filter(pk=found.pk, read_at__isnull=True).update(read_at=found.read_at)
    elif not read and found.read_at is not None:
        found.read_at = None
        Notification.objects.filter(pk=found.pk).update(read_at=None)
    return found


def mark_all_read(user, ids=None, before=None):
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    if before is not None:
        unread = unread.filter(created_at__lte=before)
    return unread.update(read_at=timezone.now())


def _whole(value, field, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or not low <= number <= high:
        raise Invalid(field, _("Parameter '%(name)s' must be a whole number from %(low)d to %(high)d.")
                      % {"name": field, "low": low, "high": high}, code="invalid_parameter")
    return number
