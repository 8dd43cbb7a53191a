"""Enqueueing background tasks (Django's Tasks API) from the code that reacts to a commit."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.utils import timezone

logger = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any, run_after: datetime.datetime | None = None) -> bool:
    """Enqueues ``task(*args)``, to run at ``run_after`` when that is ahead (now otherwise).
    A queue that cannot be reached is logged, not raised: what the task would do stays to be
    done in the database (an outbox row, a pending job) for a later run; whether it went."""
    try:
        if run_after is not None and run_after > timezone.now():
            task.using(run_after=run_after).enqueue(*args)
        else:
            task.enqueue(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r", getattr(task, "name", task), args)
        return False
    return True
