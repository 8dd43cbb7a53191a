"""The task backend of the tests: Django's immediate backend, which runs a task when it is
enqueued, except that a task deferred with ``run_after`` is held until the test runs it
(``run_deferred``), as a worker would once its time came."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus, task_backends
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.utils import get_random_id


class ImmediateWithDeferredBackend(ImmediateBackend):
    supports_defer = True

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self.deferred: list[TaskResult] = []

    def enqueue(self, task, args, kwargs):
        if task.run_after is None:
            return super().enqueue(task, args, kwargs)
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        self.deferred.append(result)
        return result


def backend() -> ImmediateWithDeferredBackend:
    return task_backends["default"]


def run_deferred(*, until: datetime.datetime | None = None, limit: int | None = None) -> int:
    """Runs the held tasks due by ``until`` (all of them without it), oldest due first,
    including those they defer in turn, ``limit`` of them at most; returns how many ran."""
    ran = 0
    while limit is None or ran < limit:
        due = [r for r in backend().deferred if until is None or r.task.run_after <= until]
        if not due:
            return ran
        result = min(due, key=lambda r: r.task.run_after)
        backend().deferred.remove(result)
        backend()._execute_task(result)
        ran += 1
    return ran
