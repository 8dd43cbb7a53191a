"""Reads of the floor: a staff user's notifications."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Notification


def notification_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=user).order_by("-created_on", "-id")
    return rows.filter(read_on__isnull=True) if unread_only else rows


def unread_notification_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_on__isnull=True).count()
