"""Writes of the floor: a staff user's own settings."""

from __future__ import annotations

from django.db import transaction

from .models import User


@transaction.atomic
def user_update_settings(*, user: User, time_zone: str) -> User:
    """The user's time zone ("" for the org's), checked against the zone database."""
    user.time_zone = time_zone.strip()
    user.full_clean(validate_unique=False)
    user.save(update_fields=["time_zone"])
    return user
