"""The seam every lead change passes through.

Each service that changes a lead calls one of these functions inside its transaction, after
the change is written: so does the batch path of the CSV import. Today they only tell the
receivers registered with ``subscribe`` (tests use that to see what fired); an outbox or a
webhook hangs here, and then hears of every change whichever surface made it (API, pages,
admin, bulk, CSV import).

Receivers hear an event when it is emitted, before the commit, and may hear of a change that is
then rolled back (a dry-run import writes and announces each batch, then rolls it back; so does
a failed all-or-nothing import). So receivers act on commit: an outbox writes its row in the
same transaction and is rolled back with it; anything outside the database is sent from
``transaction.on_commit``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import FollowUp, Lead, LeadStatus


class EventType:
    CREATED = "lead.created"
    UPDATED = "lead.updated"
    STATUS_CHANGED = "lead.status_changed"
    ASSIGNED = "lead.assigned"
    FOLLOWUP_ADDED = "lead.followup_added"
    STORE_CHANGED = "lead.store_changed"


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


def _emit(event: LeadEvent) -> None:
    for receiver in list(_receivers):
        receiver(event)


def lead_created(*, lead: Lead, actor: Any) -> None:
    _emit(LeadEvent(EventType.CREATED, lead, actor))


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
