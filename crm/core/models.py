import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from .errors import ErrorCode, coded_error


def validate_time_zone(value: str) -> None:
    if value and value not in available_time_zones():
        raise coded_error(ErrorCode.INVALID_FIELD, "timeZone", f"no time zone {value}")


@cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class User(AbstractUser):
    """A staff user. Kept minimal so that fields can be added later without a swap."""

    # The zone the pages show this user's times in; empty: the org's (TIME_ZONE).
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def zone(self) -> str:
        """The time zone this user's pages show times in: theirs, else the org's."""
        return self.time_zone or settings.TIME_ZONE

    @property
    def is_active_staff(self) -> bool:
        """Who may use the CRM and hold leads. ``active_staff()`` is the same rule in SQL."""
        return self.is_active and self.is_staff


def active_staff() -> models.QuerySet[User]:
    """The users ``is_active_staff`` is true of."""
    return User.objects.filter(is_active=True, is_staff=True)


class IdempotencyKey(models.Model):
    """The first response to a write sent with an Idempotency-Key header, per user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    # Headers a replay must repeat (Location).
    response_headers = models.JSONField(default=dict, blank=True)
    created_on = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class Notification(models.Model):
    """Something a staff user is told in the app (a follow-up that comes due, a webhook that
    was switched off), read at ``/v2/me/notifications`` and on the pages."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # Where the notification leads (a page of the app), when somewhere.
    link = models.CharField(max_length=500, blank=True)
    created_on = models.DateTimeField(default=timezone.now)
    read_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_on", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_on"],
                name="notification_unread",
                condition=models.Q(read_on__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_on"], name="notification_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.recipient}"
