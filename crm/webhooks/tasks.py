"""The webhooks' background tasks (Django's Tasks API)."""

from __future__ import annotations

import datetime

from django_tasks import task

from crm.core.tasks import enqueue

from . import services


@task()
def dispatch_events() -> int:
    return services.dispatch_pending()


@task()
def deliver(delivery_id: int, attempts: int = 0) -> None:
    services.deliver(delivery_id=delivery_id, attempts=attempts)


def dispatch_soon() -> None:
    """After a commit that wrote lead events. A queue that cannot be reached loses nothing:
    the events stay in the outbox for the next dispatch."""
    enqueue(dispatch_events)


def _enqueue_delivery(delivery_id: int, attempts: int, run_after: datetime.datetime | None) -> None:
    enqueue(deliver, delivery_id, attempts, run_after=run_after)


services.on_delivery(_enqueue_delivery)
