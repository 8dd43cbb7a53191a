"""The webhooks' background tasks (Django's Tasks API)."""

from __future__ import annotations

import datetime
import logging

from django_tasks import task

from . import services

logger = logging.getLogger(__name__)


@task()
def dispatch_events() -> int:
    return services.dispatch_pending()


@task()
def deliver(delivery_id: int, attempts: int = 0) -> None:
    services.deliver(delivery_id=delivery_id, attempts=attempts)


def dispatch_soon() -> None:
    """After a commit that wrote lead events. A queue that cannot be reached loses nothing:
    the events stay in the outbox for the next dispatch."""
    try:
        dispatch_events.enqueue()
    except Exception:
        logger.exception("Could not enqueue the dispatch of lead events")


def _enqueue_delivery(delivery_id: int, attempts: int, run_after: datetime.datetime | None) -> None:
    try:
        if run_after is None:
            deliver.enqueue(delivery_id, attempts)
        else:
            deliver.using(run_after=run_after).enqueue(delivery_id, attempts)
    except Exception:
        logger.exception("Could not enqueue delivery %s", delivery_id)


services.on_delivery(_enqueue_delivery)
