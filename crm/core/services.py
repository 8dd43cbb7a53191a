"""Writes of the floor: a staff user's own settings, in-app notifications."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import Notification, User


@transaction.atomic
def user_update_settings(*, user: User, time_zone: str) -> User:
    """The user's time zone ("" for the org's), checked against the zone database."""
    user.time_zone = time_zone.strip()
    user.full_clean(validate_unique=False)
    user.save(update_fields=["time_zone"])
    return user


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
) -> list[Notification]:
    """An in-app notification for each recipient, in one insert."""
    rows = [
        Notification(recipient=user, kind=kind, title=title[:200], body=body, link=link)
        for user in recipients
    ]
    for row in rows:
        row.full_clean(exclude=["recipient"])
    return Notification.objects.bulk_create(rows)


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Marks the user's unread notifications read (those of ``ids``, or all); how many."""
    unread = Notification.objects.filter(recipient=user, read_on__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_on=timezone.now())
