"""Reads of the floor: a staff user's notifications."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from .db import ID_MARK, PreparedQuery
from .models import Notification


def notification_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=user).order_by("-created_on", "-id")
    return rows.filter(read_on__isnull=True) if unread_only else rows


# Every page's navigation shows it: its SQL is compiled once.
_UNREAD = PreparedQuery(
    lambda user_id: (
        Notification.objects.filter(recipient_id=user_id, read_on__isnull=True)
        .values("recipient_id")
        .annotate(unread=Count("id"))
        .values_list("unread")
    ),
    ID_MARK,
)


def unread_notification_count(*, user: Any) -> int:
    row = _UNREAD.first(getattr(user, "pk", user))
    return row[0] if row else 0
