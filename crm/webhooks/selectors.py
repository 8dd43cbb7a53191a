"""Reads of the webhooks."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import WebhookDelivery, WebhookEndpoint

State = WebhookDelivery.State


def endpoint_list() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.order_by("id")


def delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """Newest first, each with its event and attempts (two queries a page, whatever its size)."""
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related("attempt_log")
        .order_by("-id")
    )


def delivery_get(*, delivery_id: int) -> WebhookDelivery:
    return (
        WebhookDelivery.objects.select_related("event")
        .prefetch_related("attempt_log")
        .get(pk=delivery_id)
    )


RECENT_FAILURES = 5


def endpoint_overview() -> list[WebhookEndpoint]:
    """Every webhook with its deliveries counted by state and its latest failed ones (for the
    settings page): three queries, whatever the number of webhooks."""
    endpoints = list(
        WebhookEndpoint.objects.order_by("id").annotate(
            succeeded=Count("deliveries", filter=Q(deliveries__state=State.SUCCEEDED)),
            pending=Count(
                "deliveries", filter=Q(deliveries__state__in=[State.PENDING, State.SENDING])
            ),
            failed=Count("deliveries", filter=Q(deliveries__state=State.FAILED)),
        )
    )
    failures: dict[int, list[WebhookDelivery]] = {endpoint.pk: [] for endpoint in endpoints}
    recent = (
        WebhookDelivery.objects.filter(endpoint__in=endpoints, state=State.FAILED)
        .select_related("event")
        .order_by("-id")[:200]
    )
    for delivery in recent:
        if len(failures[delivery.endpoint_id]) < RECENT_FAILURES:
            failures[delivery.endpoint_id].append(delivery)
    for endpoint in endpoints:
        endpoint.recent_failures = failures[endpoint.pk]
    return endpoints
