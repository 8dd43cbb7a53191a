"""Writes for leads. Each public function is one transaction: on any error nothing is written.

Rules live in the models' ``clean()`` where they concern one row; what needs the request
(customer resolution, history replay, "nothing would change") lives here. Every problem
found is collected and raised together as one ``ValidationError`` of coded errors.

The services are ``@typed``: their annotations are their contract, checked at each call, and
they take Python values (``Status``, ids as ``int``, ``User`` rows, ``datetime``s, the inputs
of ``leads.inputs``), never a client's raw value: the edges type those (``leads.inputs``).
A service with ``check_only`` runs every check and writes nothing: it raises every problem, or
returns None; an edge that refused a value calls it so (``check_all``), so that one answer
lists every problem of a request. A customer to register is then only checked. Lead creation
checks in many steps whose order its answers keep: there the edge hands what it refused to the
service instead (``refused``: ``crm.core.errors.Refusals``), which reports each refusal where
it reads that argument and runs once.
"""

from __future__ import annotations

import datetime
import importlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from crm.core.db import save_unique
from crm.core.parsing import MISSING, MissingType, expect, typed
from crm.org.scope import scope_for
from crm.org.selectors import store_for_lead
from customers.inputs import CustomerDetails, IdType
from customers.models import Customer
from customers.services import customer_resolve

from . import events
from .access import (
    BULK_CLOSE_STATUSES,
    LeadAction,
    check,
    check_create,
    default_store_id,
    lead_to_act_on,
)
from .batch import LeadBatch
from .errors import (
    ErrorCode,
    ErrorCollector,
    ErrorItem,
    Refusals,
    coded_error,
    error_item,
    error_items,
)
from .inputs import FollowUpInput, RowEdit, StatusChange, StatusLogInput
from .models import (
    ExtendedFieldDefinition,
    FollowUp,
    ImportJob,
    Lead,
    LeadStatus,
    LeadType,
    OrgSettings,
    OrgSource,
    Reason,
    Status,
    SubStatus,
)
from .resolvers import (
    auto_registers,
    check_close_reason,
    clean_lead,
    lead_references,
    next_follow_up_warnings,
    report_dates,
    resolve_reason,
    resolve_staff_user,
    resolve_sub_status,
)
from .selectors import active_lead_id

logger = logging.getLogger(__name__)
User = get_user_model()


@dataclass
class LeadCreateResult:
    lead: Lead
    warnings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LeadCreateManyResult:
    """One item of lead_create_many(): the lead made, with lead_create()'s warnings, or the
    errors that refused the item (nothing of it was written)."""

    index: int
    lead: Lead | None = None
    warnings: list[ErrorItem] = field(default_factory=list)
    errors: list[ErrorItem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class BulkItemResult:
    index: int
    lead_id: Any
    lead: Lead | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _full_clean(
    instance: Any, errors: ErrorCollector, exclude: Iterable[str] = (), **options: Any
) -> None:
    try:
        instance.full_clean(exclude=list(exclude), **options)
    except ValidationError as exc:
        errors.extend(exc)


# --- leads ----------------------------------------------------------------------------------


@typed
@transaction.atomic
def lead_create(
    *,
    created_by: User,
    lead_for: str | None,
    type: LeadType | None = LeadType.SKU,
    customer: Customer | None = None,
    user_id: int | None | MissingType = MISSING,
    id_type: IdType | None = None,
    identifier: str | None = None,
    customer_data: CustomerDetails | None = None,
    status: Status | None = Status.OPEN,
    sub_status: SubStatus | str | None = None,
    reason_id: int | None = None,
    notes: str = "",
    owner: User | None = None,
    org_source_id: int | None = OrgSource.INSTORE_ID,
    next_follow_up: datetime.datetime | None = None,
    last_follow_up: datetime.datetime | None = None,
    created_on: datetime.datetime | None = None,
    extended_fields: dict[str, Any] | None | MissingType = MISSING,
    follow_up_details: Sequence[FollowUpInput] = (),
    status_log_details: Sequence[StatusLogInput] = (),
    recorded_by: User | None = None,
    import_job: ImportJob | None = None,
    store_code: str | None | MissingType = MISSING,
    entity_type: str | None = None,
    refused: Refusals | None = None,
    check_only: bool = False,
) -> LeadCreateResult | None:
    """Add a lead, replaying its past statuses and follow-ups as history.

    The status log is the history sent, and a row for the lead's status only when that history
    does not already end with it. ``recorded_by`` is who sent the request when it names
    another staff user as ``created_by``. ``refused``: what the edge could not type
    (``leads.inputs.new_lead``), each reported where it is read, in this order: the dates, the
    store, the customer, ``lead_for``, the owner, the reason, the history, the follow-ups, then
    the lead's own checks (``full_clean``: type, status, org source, item, extended fields).

    The lead's store is the one ``store_code`` names (a till's code: its store; with
    ``entity_type`` the code must be of that type), else the creator's when they work at
    exactly one, else none. 90038 for a code naming no active store; 90034 when whoever sent
    the request does not cover that store."""
    refused = refused if refused is not None else Refusals()
    errors = ErrorCollector()
    report_dates(refused, errors)
    store = _lead_store(store_code, entity_type, created_by, recorded_by, refused, errors)
    if customer is None:
        customer = customer_resolve(
            user_id=user_id,
            id_type=id_type,
            identifier=identifier,
            customer_data=customer_data,
            auto_register=auto_registers(),
            errors=errors,
            refused=refused,
            check_only=check_only,
        )
    refused.report("lead_for", errors)
    now = timezone.now()
    created_on = created_on or now
    lead = Lead(
        customer=customer,
        type=type,
        lead_for=lead_for or "",
        status=status,
        org_source_id=org_source_id,
        next_follow_up=next_follow_up,
        extended_fields={} if extended_fields is MISSING else extended_fields,
        created_on=created_on,
        created_by=created_by,
        last_updated_on=now,
        last_updated_by=created_by,
        recorded_by=recorded_by,
        import_job=import_job,
        store_id=store,
    )
    reason = lead_references(lead, sub_status, owner, reason_id, refused, errors)
    # A row the edge refused (no object) is reported in its place; an empty row stands in.
    history = [
        LeadStatus() if refused.report(at, errors) else _history_row(item, at, refused, errors)
        for at, item in _rows("status_log_details", status_log_details, StatusLogInput)
    ]
    followups = [
        FollowUp() if refused.report(at, errors) else _followup_row(item, at, refused, errors)
        for at, item in _rows("follow_up_details", follow_up_details, FollowUpInput)
    ]

    held = customer is not None and customer.pk is not None
    clean_lead(lead, errors, refused, exclude=[] if held else ["customer"])
    errors.raise_if_any()
    if check_only:
        return None

    warnings = _duplicate_warnings(lead) + next_follow_up_warnings(lead.next_follow_up)
    # The latest contact: the follow-ups', or a sent lastFollowUp when it is later.
    contacts = [f.followed_up_on for f in followups] + [last_follow_up] * bool(last_follow_up)
    if contacts:
        lead.last_follow_up = max(contacts)
    if followups and lead.next_follow_up is None:
        latest = max(followups, key=lambda f: f.followed_up_on)
        lead.next_follow_up = latest.next_follow_up
    lead.save()

    last_time = created_on
    for row in history:
        row.lead = lead
        row.created_by = row.created_by or created_by
        row.recorded_by = recorded_by
        row.created_on = row.created_on or created_on
        last_time = max(last_time, row.created_on)
    current = LeadStatus.of_current(lead, reason=reason, notes=notes, by=created_by, on=last_time)
    if history and (history[-1].status, history[-1].sub_status_id) == (
        lead.status,
        lead.sub_status_id,
    ):
        # The history sent ends with the lead's status already (Capillary's own sample):
        # that row is the current one, with the request's reason and notes if it has none.
        history[-1].reason = history[-1].reason or current["reason"]
        history[-1].notes = history[-1].notes or current["notes"]
        LeadStatus.objects.bulk_create(history)
    else:
        LeadStatus.objects.bulk_create(history)
        LeadStatus.objects.create(**current, recorded_by=recorded_by)
    for row in followups:
        row.lead = lead
        row.created_by = created_by
        row.recorded_by = recorded_by
        # As POST .../followup does: a contact nobody is named for was the creator's (clients
        # of Capillary's API read followedUpBy as a number).
        row.followed_up_by = row.followed_up_by or created_by
    FollowUp.objects.bulk_create(followups)
    events.lead_created(lead=lead, actor=created_by)
    return LeadCreateResult(lead=lead, warnings=warnings)


@typed
@transaction.atomic
def lead_create_many(
    *,
    created_by: User,
    items: Sequence[Mapping[str, Any]],
    import_job: ImportJob | None = None,
) -> list[LeadCreateManyResult]:
    """Add many leads in one transaction, each checked as lead_create() checks one: the same
    rules, codes, messages and 90101 warning, and one ``lead.created`` event per lead.

    Each item holds lead_create()'s typed keyword arguments (``leads.inputs.new_lead``) but
    for ``customer``, ``created_on`` and the history to replay (``batch.BATCH_FIELDS``), its
    ``refused`` too: what the edge could not type of it (a CSV cell that is not a date) is
    reported with the rest of the item, which is refused. Items apply in order: an item sees
    the customers registered and the active leads created by the items before it. A refused
    item writes nothing and the others go on.

    What the items refer to is read in a few queries, and the accepted leads are inserted
    together (``insert_all``). When that insert conflicts with another writer (an identifier
    registered meanwhile), none of it is kept and the accepted items go through lead_create()
    one by one instead.
    """
    outcomes = LeadBatch(created_by=created_by, items=items, import_job=import_job).run()
    results = []
    # The batch's leads are announced together (one insert into the outbox), in order: those
    # gathered so far go out before a lead that lead_create() announces itself.
    announce: list[Lead] = []
    for index, outcome in enumerate(outcomes):
        result = LeadCreateManyResult(index=index)
        if outcome.conflicted:
            events.leads_created(leads=announce, actor=created_by)
            announce = []
            try:
                with transaction.atomic():
                    created = lead_create(
                        created_by=created_by, import_job=import_job, **items[index]
                    )
            except ValidationError as exc:
                result.errors = error_items(exc)
            except DatabaseError:
                logger.exception("Creating item %s of a batch failed", index)
                result.errors = [error_item(ErrorCode.SERVER_ERROR)]
            else:
                # lead_create() has announced the lead itself.
                result.lead, result.warnings = created.lead, created.warnings
        elif outcome.lead is None:
            result.errors = outcome.errors or []
        else:
            result.lead = outcome.lead
            result.warnings = _duplicate_warnings(outcome.lead, outcome.duplicate_of_id)
            announce.append(outcome.lead)
        results.append(result)
    events.leads_created(leads=announce, actor=created_by)
    return results


def _lead_store(
    store_code: str | None | MissingType,
    entity_type: str | None,
    created_by: Any,
    recorded_by: Any,
    refused: Refusals,
    errors: ErrorCollector,
) -> int | None:
    """The new lead's store id (see lead_create()); problems are added to ``errors``."""
    if refused.report("store_code", errors):
        return None
    if store_code is MISSING or store_code is None:
        return default_store_id(created_by)
    try:
        store = store_for_lead(code=store_code, entity_type=entity_type)
        check_create(recorded_by or created_by, store)
    except ValidationError as exc:
        # Keyed by the field, as the CSV batch keys it: a form shows it beside its store.
        errors.extend(exc if hasattr(exc, "error_dict") else ValidationError({"store_code": [exc]}))
        return None
    return store.pk


def _rows(name: str, items: Sequence[Any], kind: type) -> Iterator[tuple[str, Any]]:
    """The rows sent under ``name``, each with where the request holds it; each is ``kind``."""
    for index, item in enumerate(items):
        at = f"{name}[{index}]"
        expect(at, item, kind)
        yield at, item


def _history_row(
    item: StatusLogInput, at: str, refused: Refusals, errors: ErrorCollector
) -> LeadStatus:
    status = item.status
    if not refused.report(f"{at}.status", errors) and status is None:
        errors.add(f"{at}.status", ErrorCode.STATUS_EMPTY)
    sub = resolve_sub_status(status, item.sub_status, errors, f"{at}.sub_status")
    reason = None
    if not refused.report(f"{at}.reason_id", errors):
        reason = resolve_reason(item.reason_id, errors)
    return LeadStatus(
        status=status or "",
        sub_status=sub if status else None,
        reason=reason,
        notes=item.notes,
        created_on=item.created_on,
    )


def _followup_row(
    item: FollowUpInput, at: str, refused: Refusals, errors: ErrorCollector
) -> FollowUp:
    row = FollowUp(**item.row_values())
    if not refused.report(f"{at}.followed_up_by", errors):
        row.followed_up_by = resolve_staff_user(item.followed_up_by, errors, f"{at}.followed_up_by")
    _full_clean(row, errors, exclude=("lead", "created_by"))
    return row


def _duplicate_warnings(lead: Lead, existing_id: Any = MISSING) -> list[ErrorItem]:
    """Warning 90101 when an active lead of the same customer, type and item exists: the one
    place it is built, for lead_create() (which looks that lead up) and lead_create_many()
    (whose batch knows ``existing_id`` already, None when there is none)."""
    if existing_id is MISSING:
        existing_id = active_lead_id(customer=lead.customer, type=lead.type, lead_for=lead.lead_for)
    if existing_id is None:
        return []
    return [error_item(ErrorCode.ACTIVE_LEAD_EXISTS, existing_id)]


@typed
@transaction.atomic
def lead_change_status(
    *,
    lead_id: int,
    status: Status | None,
    changed_by: User,
    sub_status: SubStatus | str | None = None,
    reason_id: int | None = None,
    notes: str = "",
    recorded_by: User | None = None,
    check_only: bool = False,
) -> Lead | None:
    """Move a lead to another status (or sub-status), appending one status log row.
    ``recorded_by`` is who sent the request when it names another staff user as the changer."""
    lead = lead_to_act_on(lead_id, recorded_by or changed_by, LeadAction.CHANGE)
    errors = ErrorCollector()
    if lead.is_closed:
        errors.add("status", ErrorCode.LEAD_CLOSED)
    if status is None:
        errors.add("status", ErrorCode.STATUS_EMPTY)
    sub = resolve_sub_status(status, sub_status, errors) if status else None
    reason = resolve_reason(reason_id, errors)
    if status and not lead.is_closed:
        check_close_reason(status, reason_id, errors)
    if not errors and status == lead.status and (sub.pk if sub else None) == lead.sub_status_id:
        errors.add("status", ErrorCode.DUPLICATE_LEAD_STATUS)
    errors.raise_if_any()
    if check_only:
        return None

    now = timezone.now()
    previous_status = lead.status
    lead.status = status
    lead.sub_status = sub
    lead.last_updated_on = now
    lead.last_updated_by = changed_by
    _full_clean(lead, errors)
    errors.raise_if_any()
    lead.save(update_fields=["status", "sub_status", "last_updated_on", "last_updated_by"])
    status_row = LeadStatus.objects.create(
        **LeadStatus.of_current(lead, reason=reason, notes=notes, by=changed_by, on=now),
        recorded_by=recorded_by,
    )
    events.lead_status_changed(
        lead=lead, actor=changed_by, previous_status=previous_status, status_row=status_row
    )
    return lead


@typed
def lead_bulk_change_status(
    *, items: Sequence[tuple[int, StatusChange]], changed_by: User
) -> list[BulkItemResult]:
    """Change many leads' statuses, each item a lead id and its change; each item applies or
    fails on its own."""

    def apply(item: tuple[int, StatusChange]) -> Lead | None:
        # Closing many leads at once (DELETED cannot be undone) is a manager's call.
        closing = item[1].status in BULK_CLOSE_STATUSES
        lead_to_act_on(item[0], changed_by, LeadAction.BULK_CLOSE if closing else LeadAction.CHANGE)
        return lead_change_status(lead_id=item[0], changed_by=changed_by, **item[1].as_kwargs())

    return _each_item(items, lambda item: item[0], apply)


def _each_item(
    items: Sequence[Any], lead_id_of: Callable[[Any], Any], apply: Callable[[Any], Lead]
) -> list[BulkItemResult]:
    """``apply`` to each item in a transaction (or savepoint) of its own: a coded error fails
    that item alone, and the others still apply."""
    results = []
    for index, item in enumerate(items):
        lead_id = lead_id_of(item)
        result = BulkItemResult(index=index, lead_id=None if lead_id is MISSING else lead_id)
        try:
            with transaction.atomic():
                result.lead = apply(item)
        except ValidationError as exc:
            result.errors = error_items(exc)
        results.append(result)
    return results


@typed
@transaction.atomic
def lead_add_followup(
    *,
    lead_id: int,
    contact: FollowUpInput,
    created_by: User,
    recorded_by: User | None = None,
    check_only: bool = False,
) -> FollowUp | None:
    """Record a contact; the lead's lastFollowUp becomes the latest one, nextFollowUp the one
    given (if any). ``recorded_by`` is who sent the request when it names another staff user
    as ``created_by``."""
    lead = lead_to_act_on(lead_id, recorded_by or created_by, LeadAction.CHANGE)
    errors = ErrorCollector()
    followup = FollowUp(
        lead=lead, created_by=created_by, recorded_by=recorded_by, **contact.row_values()
    )
    followup.followed_up_by = (
        resolve_staff_user(contact.followed_up_by, errors, "followed_up_by")
        if contact.followed_up_by is not None
        else created_by
    )
    _full_clean(followup, errors)
    errors.raise_if_any()
    if check_only:
        return None
    followup.save()

    if lead.last_follow_up is None or contact.followed_up_on > lead.last_follow_up:
        lead.last_follow_up = contact.followed_up_on
    if contact.next_follow_up is not None:
        lead.next_follow_up = contact.next_follow_up
    lead.last_updated_on = timezone.now()
    lead.last_updated_by = created_by
    lead.save(
        update_fields=["last_follow_up", "next_follow_up", "last_updated_on", "last_updated_by"]
    )
    events.followup_added(lead=lead, actor=created_by, followup=followup)
    return followup


@typed
@transaction.atomic
def lead_assign_owner(
    *, lead_id: int, owner: User | None, changed_by: User, check_only: bool = False
) -> Lead | None:
    """Give the lead to another staff user (or to nobody), keeping the change as history.
    90034 when ``changed_by``'s role does not let them give it to that person."""
    lead = lead_to_act_on(lead_id, changed_by, None)
    if check_only:
        _assign(lead, owner, changed_by, check_only=True)
        return None
    _assign(lead, owner, changed_by)
    return lead


def _assign(
    lead: Lead, owner: Any, changed_by: Any, *, checked: bool = True, check_only: bool = False
) -> None:
    errors = ErrorCollector()
    new_owner = resolve_staff_user(owner, errors)
    errors.raise_if_any()
    if (new_owner.pk if new_owner else None) == lead.owner_id:
        return
    if checked and changed_by is not None:
        check(changed_by, LeadAction.ASSIGN, lead, to=new_owner)
    if check_only:
        return
    previous = _hand_over(lead, "owner", new_owner, changed_by, clean=True)
    events.lead_assigned(lead=lead, actor=changed_by, previous_owner_id=previous)


def _hand_over(
    lead: Lead, field: str, to: Any, changed_by: Any, *, clean: bool = False
) -> int | None:
    """Gives the lead to another owner or store (``field``), keeping the change in its history
    (``owner_changes``, ``store_changes``); returns who or where had it."""
    previous = getattr(lead, f"{field}_id")
    setattr(lead, field, to)
    lead.last_updated_on = timezone.now()
    lead.last_updated_by = changed_by
    if clean:
        lead.full_clean()
    lead.save(update_fields=[field, "last_updated_on", "last_updated_by"])
    history = getattr(Lead, f"{field}_changes").rel.related_model  # OwnerChange, StoreChange
    history.objects.create(
        lead=lead,
        **{f"from_{field}_id": previous, f"to_{field}": to},
        changed_by=changed_by,
        changed_on=lead.last_updated_on,
    )
    return previous


@typed
@transaction.atomic
def lead_bulk_assign_owner(
    *, lead_ids: Sequence[int], owner: User | None, changed_by: User
) -> list[BulkItemResult]:
    """Reassign many leads; each lead succeeds or fails on its own."""
    return _each_item(
        lead_ids,
        lambda lead_id: lead_id,
        lambda lead_id: lead_assign_owner(lead_id=lead_id, owner=owner, changed_by=changed_by),
    )


@typed
@transaction.atomic
def lead_update(
    *,
    lead_id: int,
    updated_by: User,
    extended_fields: dict[str, Any] | MissingType = MISSING,
    owner: User | None | MissingType = MISSING,
    next_follow_up: datetime.datetime | None | MissingType = MISSING,
    store_code: Any = MISSING,
    check_only: bool = False,
) -> Lead | None:
    """Update a lead's extended fields (merged; a null value removes the key), owner, next
    follow-up and store (a handover, see lead_move_store()). Status changes go through
    lead_change_status(). The owner is applied before the store."""
    details = extended_fields is not MISSING or next_follow_up is not MISSING
    lead = lead_to_act_on(lead_id, updated_by, LeadAction.CHANGE if details else None)
    stored = {name: lead.loaded_value(name) for name in ("extended_fields", "next_follow_up")}
    errors = ErrorCollector()
    if extended_fields is not MISSING:
        merged = {**lead.extended_fields, **extended_fields}
        lead.extended_fields = {k: v for k, v in merged.items() if v is not None}
    if next_follow_up is not MISSING:
        lead.next_follow_up = next_follow_up
    if check_only:
        for change in (
            (lambda: _assign(lead, owner, updated_by, check_only=True))
            if owner is not MISSING
            else None,
            (lambda: _move(lead, store_code, updated_by, check_only=True))
            if store_code is not MISSING
            else None,
        ):
            if change is not None:
                try:
                    change()
                except ValidationError as exc:
                    errors.extend(exc)
        _full_clean(lead, errors)
        errors.raise_if_any()
        return None
    if owner is not MISSING:
        _assign(lead, owner, updated_by)
    if store_code is not MISSING:
        _move(lead, store_code, updated_by)
    lead.last_updated_on = timezone.now()
    lead.last_updated_by = updated_by
    _full_clean(lead, errors)
    errors.raise_if_any()
    lead.save(
        update_fields=["extended_fields", "next_follow_up", "last_updated_on", "last_updated_by"]
    )
    changed = [
        name
        for name in ("extended_fields", "next_follow_up")
        if lead.loaded_value(name) != stored.get(name)
    ]
    if changed:
        events.lead_updated(lead=lead, actor=updated_by, fields=changed)
    return lead


@typed
@transaction.atomic
def lead_move_store(*, lead_id: int, store_code: Any, changed_by: User) -> Lead:
    """Hand the lead over to another store (a till's code: its store), keeping the change as
    history; its owner is cleared when they do not work at the new store. 90038 for a code
    naming no active store, 90034 when ``changed_by`` may not move it there."""
    lead = lead_to_act_on(lead_id, changed_by, None)
    _move(lead, store_code, changed_by)
    return lead


def _move(lead: Lead, store_code: Any, changed_by: Any, *, check_only: bool = False) -> None:
    store = store_for_lead(code=store_code)
    if store.pk == lead.store_id:
        return
    if changed_by is not None:
        check(changed_by, LeadAction.MOVE, lead, to=store)
    if check_only:
        return
    if lead.owner_id is not None and not scope_for(lead.owner).covers_store(store.pk):
        # Whoever held it does not work at the new store: the new store's staff take it up.
        _assign(lead, None, changed_by, checked=False)
    previous = _hand_over(lead, "store", store, changed_by)
    events.lead_store_changed(lead=lead, actor=changed_by, previous_store_id=previous)


# --- org configuration ----------------------------------------------------------------------


@typed
@transaction.atomic
def reasons_create(*, reasons: Sequence[str], check_only: bool = False) -> list[Reason]:
    """Add reasons, all or none."""
    errors = ErrorCollector()
    rows = []
    seen: set[str] = set()
    for index, text in enumerate(reasons):
        expect(f"reasons[{index}]", text, str)
        reason = Reason(reason=text)
        _full_clean(reason, errors)
        # The same text twice in one request is as much a duplicate as one already stored.
        if reason.reason and reason.reason.lower() in seen:
            errors.add(f"reasons[{index}]", ErrorCode.REASON_EXISTS, reason.reason)
        seen.add(reason.reason.lower())
        rows.append(reason)
    errors.raise_if_any()
    if check_only:
        return []
    for reason in rows:
        reason.save()
    return rows


@typed
@transaction.atomic
def substatus_create(
    *, status: Status | None, name: str, check_only: bool = False
) -> SubStatus | None:
    """Define a sub-status for one status (92022 for none, 92021 when it exists already)."""
    sub = SubStatus(status=status or "", name=name)
    sub.full_clean()
    if check_only:
        return None
    _save_sub_status(sub)
    return sub


def _edit_row(
    model: type[Reason] | type[SubStatus],
    *,
    row_id: int,
    field: str,
    edit: RowEdit,
    not_found: ErrorCode,
) -> Any:
    """The reason or sub-status ``row_id`` names (``not_found`` otherwise), locked, with
    ``field`` set to the edit's text and ``is_active`` when given, checked by its
    ``full_clean()``, which refuses an empty or taken text with the row's own codes."""
    row = model.objects.select_for_update().filter(pk=row_id).first()
    if row is None:
        raise ValidationError({field: [coded_error(not_found, row_id)]})
    if edit.text is not MISSING:
        setattr(row, field, edit.text)
    if edit.is_active is not MISSING:
        row.is_active = edit.is_active
    row.full_clean()
    return row


@typed
@transaction.atomic
def reason_update(*, reason_id: int, edit: RowEdit) -> Reason:
    """Rename a reason (90018 empty, 90028 when another has the text) or take it out of use
    (90032 for new changes; the history keeps it). 92004 for no such reason."""
    row = _edit_row(
        Reason, row_id=reason_id, field="reason", edit=edit, not_found=ErrorCode.REASON_NOT_FOUND
    )
    row.save()
    return row


@typed
@transaction.atomic
def substatus_update(*, substatus_id: int, edit: RowEdit) -> SubStatus:
    """Rename a sub-status (92023 empty, 92021 when its status has the name already) or take
    it out of use (90033 for new changes; leads and history keep it). 92020 for no such
    sub-status."""
    sub = _edit_row(
        SubStatus,
        row_id=substatus_id,
        field="name",
        edit=edit,
        not_found=ErrorCode.INVALID_SUB_STATUS,
    )
    _save_sub_status(sub)
    return sub


def _save_sub_status(sub: SubStatus) -> None:
    """Saves a checked sub-status; a pair taken meanwhile (a parallel request) is 92021."""
    save_unique(sub, "name", ErrorCode.SUB_STATUS_EXISTS, sub.name, sub.status)


@typed
@transaction.atomic
def org_settings_update(
    *,
    auto_register_customers: bool | MissingType = MISSING,
    require_close_reason: bool | MissingType = MISSING,
) -> OrgSettings:
    """Change the org settings given; the others stay."""
    settings_row = OrgSettings.load()
    if auto_register_customers is not MISSING:
        settings_row.auto_register_customers = auto_register_customers
    if require_close_reason is not MISSING:
        settings_row.require_close_reason = require_close_reason
    settings_row.save()
    return settings_row


def _set_definition(
    definition: ExtendedFieldDefinition,
    *,
    label: str | MissingType,
    choices: Sequence[Any] | MissingType,
    is_active: bool | MissingType,
) -> None:
    """What both a new and an existing extended field may set: the label, the allowed
    values, the active flag (each when given)."""
    if label is not MISSING:
        definition.label = label.strip()
    if choices is not MISSING:
        definition.choices = list(choices)
    if is_active is not MISSING:
        definition.is_active = is_active


@typed
@transaction.atomic
def extended_field_create(
    *,
    name: str,
    label: str = "",
    data_type: ExtendedFieldDefinition.DataType = ExtendedFieldDefinition.DataType.STRING,
    choices: Sequence[Any] = (),
    is_active: bool = True,
    check_only: bool = False,
) -> ExtendedFieldDefinition | None:
    """Define an extended field (90022 when the name is taken)."""
    errors = ErrorCollector()
    definition = ExtendedFieldDefinition(name=name.strip(), data_type=data_type)
    _set_definition(definition, label=label, choices=choices, is_active=is_active)
    if ExtendedFieldDefinition.objects.filter(name=definition.name).exists():
        errors.add("name", ErrorCode.EXTENDED_FIELD_EXISTS, definition.name)
    _full_clean_definition(definition, errors)
    if check_only:
        return None
    save_unique(definition, "name", ErrorCode.EXTENDED_FIELD_EXISTS, definition.name)
    return definition


@typed
@transaction.atomic
def extended_field_update(
    *,
    field_id: int,
    label: str | MissingType = MISSING,
    choices: Sequence[Any] | MissingType = MISSING,
    is_active: bool | MissingType = MISSING,
) -> ExtendedFieldDefinition:
    """Change an extended field's label, allowed values or active flag. The name and data type
    stay: stored values were checked against them."""
    definition = ExtendedFieldDefinition.objects.select_for_update().filter(pk=field_id).first()
    if definition is None:
        raise ValidationError({"field": [coded_error(ErrorCode.NOT_FOUND)]})
    _set_definition(definition, label=label, choices=choices, is_active=is_active)
    _full_clean_definition(definition, ErrorCollector())
    definition.save()
    return definition


def _full_clean_definition(definition: ExtendedFieldDefinition, errors: ErrorCollector) -> None:
    """The definition's own checks (its name's uniqueness is the caller's), with ``errors``
    found before them, raised together."""
    _full_clean(definition, errors, validate_unique=False)
    errors.raise_if_any()


# The rows migration 0002 adds, from its own list: a database emptied by a test's flush, or
# one made by generate_leads, gets them back without a second copy of the data.
_REFERENCE_MIGRATION = "leads.migrations.0002_org_sources_and_history_guards"


@transaction.atomic
def reference_data_ensure() -> None:
    """The org sources (fixed ids) and the org settings row every org has."""
    for pk, name in importlib.import_module(_REFERENCE_MIGRATION).ORG_SOURCES:
        OrgSource.objects.update_or_create(pk=pk, defaults={"name": name})
    OrgSettings.load()
