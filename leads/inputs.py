"""What a client sent, as the typed values the lead services take.

The services take Python values (``Status``, ids as ``int``, ``datetime``, ``User`` and
``SubStatus`` instances), in snake_case. The edges (the API's serializers, the pages' forms,
the admin, the CSV mapping) turn their wire format into those with the functions here, which
report a value that cannot be one with the registry's code, on the field the service would
name (``status``, ``reason``, ``owner`` ...), so every surface answers with the same code.

The frozen dataclasses are the inputs of one request, built by an edge and handed to a
service as keyword arguments (``as_kwargs()``). A new lead is typed by ``new_lead``, which puts
what it cannot type into a ``Refusals`` under its argument, for ``lead_create`` to report in
its own order.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from django.contrib.auth import get_user_model

from crm.core.parsing import MISSING, MissingType, check_annotations, choice_of, parse_id
from crm.org.selectors import code_text
from customers.inputs import customer_key

from .errors import ErrorCode, ErrorCollector, Refusals
from .models import ExtendedFieldDefinition, LeadType, Status, SubStatus
from .resolvers import as_text, is_blank, lead_for_text, resolve_staff_user

User = get_user_model()


class Inputs:
    """A request's typed inputs (their annotations are checked as a service's are), as a
    service's keyword arguments (MISSING ones left out: the service's default, "not sent",
    applies)."""

    def __post_init__(self) -> None:
        check_annotations(type(self), self.values())

    def values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]

    def as_kwargs(self) -> dict[str, Any]:
        return {name: value for name, value in self.values().items() if value is not MISSING}


@dataclass(frozen=True)
class StatusChange(Inputs):
    """A change of a lead's status. ``status`` None is "none sent" (the service's 92022);
    ``sub_status`` is a name the service looks up under the status, or the row itself."""

    status: Status | None
    sub_status: SubStatus | str | None = None
    reason_id: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class StatusLogInput(StatusChange):
    """A status the lead held before it was recorded here (``statusLogDetails``); None
    ``created_on`` is the lead's creation time."""

    created_on: datetime.datetime | None = None


@dataclass(frozen=True)
class FollowUpInput(Inputs):
    """A contact with the customer. ``followed_up_on`` None is "none sent" (92005);
    ``followed_up_by`` None is the person recording it."""

    # A date alone is the model's to refuse (90008: a contact has a time).
    followed_up_on: datetime.date | None
    followed_up_by: User | None = None
    scheduled_follow_up: datetime.datetime | None = None
    next_follow_up: datetime.datetime | None = None
    notes: str = ""

    def row_values(self) -> dict[str, Any]:
        """The FollowUp row's own fields (who followed up is the service's to check)."""
        values = self.values()
        del values["followed_up_by"]
        return values


@dataclass(frozen=True)
class RowEdit(Inputs):
    """A rename (``text``) or switch (``is_active``) of a reason or a sub-status; MISSING
    leaves it as it is."""

    text: str | MissingType = MISSING
    is_active: bool | MissingType = MISSING


@dataclass(frozen=True)
class LeadChanges(Inputs):
    """The keys a lead update sent (MISSING: not sent, so unchanged). ``owner`` None
    unassigns; an ``extended_fields`` value None removes that key."""

    extended_fields: dict[str, Any] | MissingType = MISSING
    owner: User | None | MissingType = MISSING
    next_follow_up: datetime.datetime | None | MissingType = MISSING


# --- one value -------------------------------------------------------------------------------


def lead_id_of(
    value: Any, errors: ErrorCollector, missing: ErrorCode = ErrorCode.LEAD_NOT_FOUND
) -> int | None:
    """A lead id: ``missing``'s code when none is sent, 92001 when it cannot be one."""
    if is_blank(value):
        errors.add("lead" if missing == ErrorCode.LEAD_NOT_FOUND else None, missing)
        return None
    pk = parse_id(value)
    if pk is None:
        errors.add("lead", ErrorCode.LEAD_NOT_FOUND)
    return pk


def status_of(value: Any, errors: ErrorCollector, field: str = "status") -> Status | None:
    """The Status a client named; None when none was (blank), or 92003 for an unknown one."""
    if isinstance(value, Status):
        return value
    if is_blank(value):
        return None
    if value not in Status.values:
        errors.add(field, ErrorCode.INVALID_LEAD_STATUS, as_text(value))
        return None
    return Status(value)


def data_type_of(value: Any, errors: ErrorCollector) -> ExtendedFieldDefinition.DataType:
    """An extended field's data type (STRING when none is given, or standing in for one that
    is not a data type, refused as the model refuses it)."""
    default = ExtendedFieldDefinition.DataType.STRING
    return choice_of(ExtendedFieldDefinition, "data_type", value, errors, default)


def reason_id_of(value: Any, errors: ErrorCollector) -> int | None:
    """A reason id; None when none was sent, or 92004 for what cannot be an id."""
    if value is None or value is MISSING or value == "":
        return None
    pk = parse_id(value)
    if pk is None:
        errors.add("reason", ErrorCode.REASON_NOT_FOUND, as_text(value))
    return pk


def text_of(
    value: Any, errors: ErrorCollector, field: str, label: str, default: str | None = ""
) -> str | None:
    """Text as sent (``default`` for none), or 90008 for a number or object where text
    belongs (it would otherwise be stored as its repr)."""
    if value is None or value is MISSING:
        return default
    if not isinstance(value, str):
        errors.add(field, ErrorCode.INVALID_FIELD, label, "expected text")
        return default
    return value


def reason_texts(values: Sequence[Any], errors: ErrorCollector) -> list[str]:
    """The texts of new reasons (none sent is empty text, which the model refuses: 90018);
    one that is no text is 90008 on its index, and left out."""
    texts = []
    for index, value in enumerate(values):
        text = text_of(value, errors, f"reasons[{index}]", "reason", default=None)
        if text is not None or value is None:
            texts.append(text or "")
    return texts


def staff_user_of(value: Any, errors: ErrorCollector, field: str = "owner") -> Any:
    """The active staff user a username or staff id names; None for none sent, 92019 for no
    such user (a User passes through: the service checks it is active staff)."""
    if isinstance(value, User):
        return value
    return resolve_staff_user(value, errors, field)


def sub_status_of(value: Any) -> SubStatus | str | None:
    """A sub-status row, or a name (the service looks it up under the status); None for none."""
    if isinstance(value, SubStatus):
        return value
    return None if is_blank(value) else as_text(value)


# --- one request -----------------------------------------------------------------------------


def status_change(values: Mapping[str, Any], errors: ErrorCollector) -> StatusChange:
    """A status change from snake_case client values (``status``, ``sub_status``,
    ``reason_id``, ``notes``)."""
    return StatusChange(
        status=status_of(values.get("status"), errors),
        sub_status=sub_status_of(values.get("sub_status")),
        reason_id=reason_id_of(values.get("reason_id"), errors),
        notes=as_text(values.get("notes")),
    )


def followup_input(
    values: Mapping[str, Any], errors: ErrorCollector, prefix: str = ""
) -> FollowUpInput:
    """A follow-up from snake_case client values whose dates are parsed already (``prefix``:
    where the request holds it, for the field an unknown follower is reported on)."""
    followed_up_by = values.get("followed_up_by")
    return FollowUpInput(
        followed_up_on=values.get("followed_up_on"),
        followed_up_by=(
            None
            if is_blank(followed_up_by)
            else staff_user_of(followed_up_by, errors, f"{prefix}followed_up_by")
        ),
        scheduled_follow_up=values.get("scheduled_follow_up"),
        next_follow_up=values.get("next_follow_up"),
        notes=as_text(values.get("notes")),
    )


def lead_changes(values: Mapping[str, Any], errors: ErrorCollector) -> LeadChanges:
    """The keys of a lead update that were sent."""
    extended = values.get("extended_fields", MISSING)
    if extended is not MISSING and not isinstance(extended, dict):
        errors.add(
            "extended_fields", ErrorCode.INVALID_FIELD, "extendedFields", "expected an object"
        )
        extended = MISSING
    owner = values.get("owner", MISSING)
    if owner is not MISSING:
        owner = None if is_blank(owner) else staff_user_of(owner, errors)
    return LeadChanges(
        extended_fields=extended,
        owner=owner,
        next_follow_up=values.get("next_follow_up", MISSING),
    )


def new_lead(
    values: Mapping[str, Any], refused: Refusals, owners: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``lead_create``'s typed keyword arguments from snake_case client values whose dates
    are parsed already (the keys sent: a key not sent is left to the service's default). What
    cannot be typed goes into ``refused`` under its argument, and None in its place; the
    service reports it where it reads that argument. ``owners``: staff users by username,
    looked up beforehand for many leads (the CSV batch), the others are looked up here."""
    lead: dict[str, Any] = {**customer_key(values, refused), "lead_for": None}
    sent = values.get("lead_for")
    lead["lead_for"] = lead_for_text(sent)
    if sent is not None and lead["lead_for"] is None:
        refused.on("lead_for").add("lead_for", ErrorCode.INVALID_FIELD, "leadFor", "expected text")
    for name in ("customer_data", "next_follow_up", "last_follow_up", "created_on"):
        if name in values:
            lead[name] = values[name]
    if values.get("type", MISSING) is not MISSING:
        # Anything but one of the four is no type (the model's 92009).
        kind = values["type"]
        lead["type"] = LeadType(kind) if isinstance(kind, str) and kind in LeadType.values else None
    if values.get("status") is not None:
        lead["status"] = status_of(values["status"], refused.on("status"))
    lead["sub_status"] = sub_status_of(values.get("sub_status"))
    lead["reason_id"] = reason_id_of(values.get("reason_id"), refused.on("reason_id"))
    lead["notes"] = as_text(values.get("notes"))
    owner = values.get("owner")
    if not is_blank(owner):
        known = (owners or {}).get(owner.strip()) if isinstance(owner, str) else None
        lead["owner"] = staff_user_of(known or owner, refused.on("owner"))
    if "org_source_id" in values:
        source = values["org_source_id"]
        lead["org_source_id"] = parse_id(source)
        if source is not None and lead["org_source_id"] is None:
            refused.on("org_source_id").add("org_source", ErrorCode.INVALID_ORG_SOURCE)
    extended = values.get("extended_fields")
    if extended is not None:
        lead["extended_fields"] = extended if isinstance(extended, dict) else None
        if not isinstance(extended, dict):
            refused.on("extended_fields").add(
                "extended_fields", ErrorCode.INVALID_FIELD, "extendedFields", "expected an object"
            )
    if "store_code" in values:
        code = values["store_code"]
        lead["store_code"] = None if is_blank(code) else code_text(code)
        if lead["store_code"] is None and not is_blank(code):
            refused.on("store_code").add("store_code", ErrorCode.UNKNOWN_STORE, "")
        kind = values.get("entity_type")
        lead["entity_type"] = kind if isinstance(kind, str) else None
    for name, row in (("status_log_details", _history_row), ("follow_up_details", _followup_row)):
        if name in values:
            items = values[name] or ()
            lead[name] = [row(item, f"{name}[{i}]", refused) for i, item in enumerate(items)]
    return lead


def _history_row(item: Any, at: str, refused: Refusals) -> StatusLogInput:
    if not isinstance(item, Mapping):
        refused.on(at).add(
            f"{at}.item", ErrorCode.INVALID_FIELD, "statusLogDetails", "expected objects"
        )
        return StatusLogInput(status=None)
    return StatusLogInput(
        status=status_of(item.get("status"), refused.on(f"{at}.status"), f"{at}.status"),
        sub_status=sub_status_of(item.get("sub_status")),
        reason_id=reason_id_of(item.get("reason_id"), refused.on(f"{at}.reason_id")),
        notes=as_text(item.get("notes")),
        created_on=item.get("created_on"),
    )


def _followup_row(item: Any, at: str, refused: Refusals) -> FollowUpInput:
    if not isinstance(item, Mapping):
        refused.on(at).add(
            f"{at}.item", ErrorCode.INVALID_FIELD, "followUpDetails", "expected objects"
        )
        return FollowUpInput(followed_up_on=None)
    return followup_input(item, refused.on(f"{at}.followed_up_by"), prefix=f"{at}.")
