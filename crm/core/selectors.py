"""Reads of the floor: a staff user's notifications."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from .db import PreparedQuery
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
    -7_031_965_417,
)


def unread_notification_count(*, user: Any) -> int:
    rows = _UNREAD.rows(getattr(user, "pk", user))
    return rows[0][0] if rows else 0
