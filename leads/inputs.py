"""What a client sent, as the typed values the lead services take.

The services take Python values (``Status``, ids as ``int``, ``datetime``, ``User`` and
``SubStatus`` instances), in snake_case. The edges (the API's serializers, the pages' forms,
the admin, the CSV mapping) turn their wire format into those with the functions here, which
report a value that cannot be one with the registry's code, on the field the service would
name (``status``, ``reason``, ``owner`` ...), so every surface answers with the same code.

The frozen dataclasses are the inputs of one request, built by an edge and handed to a
service as keyword arguments (``as_kwargs()``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from django.contrib.auth import get_user_model

from crm.core.parsing import MISSING, MissingType, check_annotations, choice_of, parse_id

from .errors import ErrorCode, ErrorCollector
from .models import ExtendedFieldDefinition, Status, SubStatus
from .resolvers import as_text, is_blank, resolve_staff_user

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


def followup_input(values: Mapping[str, Any], errors: ErrorCollector) -> FollowUpInput:
    """A follow-up from snake_case client values whose dates are parsed already."""
    followed_up_by = values.get("followed_up_by")
    return FollowUpInput(
        followed_up_on=values.get("followed_up_on"),
        followed_up_by=(
            None
            if is_blank(followed_up_by)
            else staff_user_of(followed_up_by, errors, "followed_up_by")
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
