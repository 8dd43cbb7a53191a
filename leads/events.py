"""The seam every lead change passes through.

Each service that changes a lead calls one of these functions inside its transaction, after
the change is written: so does the batch path of the CSV import. Each event is written to the
outbox (``OutboxEvent``, one row per event, in the same transaction: a batch of imported
leads in one insert), then told to the receivers registered with ``subscribe`` (tests use that
to see what fired). After the commit, the webhooks' dispatch is enqueued (``on_dispatch``),
so every change reaches them whichever surface made it (API, pages, admin, bulk, CSV import).

Receivers hear an event when it is emitted, before the commit, and may hear of a change that is
then rolled back (a dry-run import writes and announces each batch, then rolls it back; so does
a failed all-or-nothing import). So receivers act on commit: an outbox writes its row in the
same transaction and is rolled back with it; anything outside the database is sent from
``transaction.on_commit``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction

from crm.core.db import insert_rows

from .models import OutboxEvent

if TYPE_CHECKING:
    from .models import FollowUp, Lead, LeadStatus

EventType = OutboxEvent.Type


@dataclass(frozen=True)
class LeadEvent:
    type: str
    lead: Lead
    actor: Any
    details: dict[str, Any] = field(default_factory=dict)


Receiver = Callable[[LeadEvent], None]
_receivers: list[Receiver] = []


def subscribe(receiver: Receiver) -> Callable[[], None]:
    """Calls ``receiver`` with every event from now on; returns the function that stops it."""
    _receivers.append(receiver)
    return lambda: _receivers.remove(receiver)


@contextmanager
def recorded() -> Iterator[list[LeadEvent]]:
    """The events emitted inside the block, in order."""
    events: list[LeadEvent] = []
    unsubscribe = subscribe(events.append)
    try:
        yield events
    finally:
        unsubscribe()


# Called (after the commit) when events were written: the webhooks' dispatch is hung here by
# the layer above, which the seam does not import.
_dispatchers: list[Callable[[], None]] = []


def on_dispatch(dispatcher: Callable[[], None]) -> None:
    """Calls ``dispatcher`` after each commit that wrote events."""
    if dispatcher not in _dispatchers:
        _dispatchers.append(dispatcher)


def _emit(*emitted: LeadEvent) -> None:
    rows = [
        OutboxEvent(
            type=event.type,
            lead=event.lead,
            actor=event.actor if getattr(event.actor, "pk", None) else None,
            details=event.details,
        )
        for event in emitted
    ]
    if len(rows) == 1:
        rows[0].save(force_insert=True)
    else:
        # An import batch's events in one statement, whatever its size.
        insert_rows(rows)
    for event in emitted:
        for receiver in list(_receivers):
            receiver(event)
    if _dispatchers:
        _dispatch_after_commit()


_held = threading.local()


@contextmanager
def one_dispatch() -> Iterator[None]:
    """Commits inside the block dispatch their events once, when it ends, instead of once per
    commit (a demo seeding's hundreds of commits enqueue one dispatch). In this thread only."""
    if getattr(_held, "active", False):
        yield
        return
    _held.active, _held.pending = True, False
    try:
        yield
    finally:
        pending = _held.pending
        _held.active = _held.pending = False
        if pending:
            _run_dispatchers()


def _run_dispatchers() -> None:
    for dispatcher in list(_dispatchers):
        dispatcher()


def _dispatch_after_commit() -> None:
    """Registers the dispatch once per transaction, however many events it writes (a bulk
    change of 100 leads dispatches once): again only when the one registered has run or was
    dropped with a rollback."""
    connection = transaction.get_connection()
    registered = getattr(connection, "_lead_events_dispatch", None)
    if (
        registered is not None
        and not registered.ran
        and any(func is registered for _, func, _ in connection.run_on_commit)
    ):
        return

    def dispatch() -> None:
        dispatch.ran = True  # type: ignore[attr-defined]
        if getattr(_held, "active", False):
            _held.pending = True
        else:
            _run_dispatchers()

    dispatch.ran = False  # type: ignore[attr-defined]
    connection._lead_events_dispatch = dispatch
    transaction.on_commit(dispatch)


def lead_created(*, lead: Lead, actor: Any) -> None:
    _emit(LeadEvent(EventType.CREATED, lead, actor))


def leads_created(*, leads: list[Lead], actor: Any) -> None:
    """A batch's leads (the CSV import's), in one insert into the outbox."""
    if leads:
        _emit(*(LeadEvent(EventType.CREATED, lead, actor) for lead in leads))


def lead_updated(*, lead: Lead, actor: Any, fields: list[str]) -> None:
    _emit(LeadEvent(EventType.UPDATED, lead, actor, {"fields": fields}))


def lead_status_changed(
    *, lead: Lead, actor: Any, previous_status: str, status_row: LeadStatus
) -> None:
    _emit(
        LeadEvent(
            EventType.STATUS_CHANGED,
            lead,
            actor,
            {
                "previous_status": previous_status,
                "status": status_row.status,
                "sub_status_id": status_row.sub_status_id,
                "reason_id": status_row.reason_id,
            },
        )
    )


def lead_assigned(*, lead: Lead, actor: Any, previous_owner_id: int | None) -> None:
    _emit(
        LeadEvent(
            EventType.ASSIGNED,
            lead,
            actor,
            {"previous_owner_id": previous_owner_id, "owner_id": lead.owner_id},
        )
    )


def followup_added(*, lead: Lead, actor: Any, followup: FollowUp) -> None:
    _emit(LeadEvent(EventType.FOLLOWUP_ADDED, lead, actor, {"followup_id": followup.pk}))


def lead_store_changed(*, lead: Lead, actor: Any, previous_store_id: int | None) -> None:
    _emit(
        LeadEvent(
            EventType.STORE_CHANGED,
            lead,
            actor,
            {"previous_store_id": previous_store_id, "store_id": lead.store_id},
        )
    )
