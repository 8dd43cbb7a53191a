"""Webhook endpoints and the deliveries of lead events to them (README, "Webhooks")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from leads.models import Lead, OutboxEvent


class WebhookEndpoint(models.Model):
    """A URL that hears of lead events: those named in ``events``, or all with ``["*"]``."""

    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)
    # Standard Webhooks' secret ("whsec_" and base64): written, never shown again.
    secret = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    # Since when every delivery has failed (None while the last one succeeded).
    failing_since = models.DateTimeField(null=True, blank=True)
    # Why the endpoint was switched off by the app (failing for too long), when it was.
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_on = models.DateTimeField(default=timezone.now)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        permissions = [("manage_webhooks", "Can manage webhooks")]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return "*" in self.events or event_type in self.events


class WebhookDelivery(models.Model):
    """One event to one endpoint, tried until it succeeds or its retries run out."""

    class State(models.TextChoices):
        PENDING = "PENDING", "Pending"
        SENDING = "SENDING", "Sending"
        SUCCEEDED = "SUCCEEDED", "Succeeded"
        FAILED = "FAILED", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    # The event's lead, copied: an endpoint's events of one lead go out in order.
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # Attempts in the current round (a manual retry starts a new round).
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_on = models.DateTimeField(null=True, blank=True)
    # When the attempt in progress started (SENDING): one left there longer than
    # WEBHOOK_STUCK_SECONDS lost its worker and is tried again.
    sending_since = models.DateTimeField(null=True, blank=True)
    created_on = models.DateTimeField(default=timezone.now)
    finished_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="delivery_once_per_event")
        ]
        indexes = [
            models.Index(fields=["endpoint", "lead", "state"], name="delivery_order"),
            models.Index(
                fields=["sending_since"],
                condition=models.Q(state="SENDING"),
                name="delivery_sending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.state})"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: what came back, how long it took, what went wrong."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_on = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.status_code or self.error}"
