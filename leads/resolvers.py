"""Client values to lead rows: the sub-status a name means under a status, the reason an id
names, the staff user a username names, and whether a status is one.

Shared by the services (one lead at a time) and the batch (``leads.batch``), so that both
report the same codes and texts for the same values.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from crm.core.parsing import MISSING, parse_id

from .errors import ErrorCode, ErrorCollector, ErrorItem, Refusals, error_item
from .models import REASON_REQUIRED_STATUSES, Lead, OrgSettings, Reason, Status, SubStatus

User = get_user_model()


def as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def is_blank(value: Any) -> bool:
    return value is None or value is MISSING or (isinstance(value, str) and not value.strip())


def lead_for_text(value: Any) -> str | None:
    """What a client sent as leadFor, as text: text, or a number as text; None otherwise."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else None


def resolve_sub_status(
    status: Any, name: Any, errors: ErrorCollector, field_name: str = "sub_status"
) -> SubStatus | None:
    """The SubStatus called ``name`` under ``status`` (92020 when there is none, 90033 when it
    is no longer in use)."""
    if isinstance(name, SubStatus):
        if name.status != status:
            errors.add(field_name, ErrorCode.INVALID_SUB_STATUS, name.name)
        elif not name.is_active:
            errors.add(field_name, ErrorCode.SUB_STATUS_INACTIVE, name.name)
        return name
    if is_blank(name):
        return None
    sub = (
        SubStatus.objects.filter(status=status, name=as_text(name).strip()).first()
        if status in Status.values
        else None
    )
    if sub is None:
        errors.add(field_name, ErrorCode.INVALID_SUB_STATUS, as_text(name))
    elif not sub.is_active:
        errors.add(field_name, ErrorCode.SUB_STATUS_INACTIVE, sub.name)
    return sub


def resolve_reason(reason_id: Any, errors: ErrorCollector) -> Reason | None:
    """The Reason an id names (92004 when there is none, 90032 when it is no longer in use)."""
    if isinstance(reason_id, Reason):
        reason = reason_id
    elif reason_id is None or reason_id is MISSING or reason_id == "":
        return None
    else:
        pk = parse_id(reason_id)
        reason = Reason.objects.filter(pk=pk).first() if pk is not None else None
        if reason is None:
            errors.add("reason", ErrorCode.REASON_NOT_FOUND, as_text(reason_id))
            return None
    if not reason.is_active:
        errors.add("reason", ErrorCode.REASON_INACTIVE, reason.reason)
    return reason


def check_close_reason(status: Any, reason_id: Any, errors: ErrorCollector) -> None:
    """90031 when a change to LOST or DELETED names no reason while the org requires one."""
    if (
        status in REASON_REQUIRED_STATUSES
        and (reason_id is None or reason_id is MISSING or reason_id == "")
        and OrgSettings.load().require_close_reason
    ):
        errors.add("reason", ErrorCode.CLOSE_REASON_REQUIRED, status)


def find_staff_user(value: Any) -> Any:
    """The user a client names: by username, or by staff id (a number, as Capillary clients
    send it; a username made of digits wins over an id). None when there is no such user."""
    if isinstance(value, int) and not isinstance(value, bool):
        return User.objects.filter(pk=value).first()
    user = User.objects.filter(username=as_text(value).strip()).first()
    if user is None and parse_id(value) is not None:
        user = User.objects.filter(pk=parse_id(value)).first()
    return user


def staff_users_named(names: set[str]) -> dict[str, Any]:
    """The users of these usernames (stripped), by username, in one query: what many leads
    name as their owners (``find_staff_user`` looks up the others: staff ids, unknown names)."""
    wanted = {name.strip() for name in names if isinstance(name, str)}
    return {u.username: u for u in User.objects.filter(username__in=wanted)} if wanted else {}


def resolve_staff_user(username: Any, errors: ErrorCollector, field_name: str = "owner"):
    """An active staff user by username or staff id (92019 otherwise). A User instance passes
    through."""
    if isinstance(username, User):
        user = username
    elif is_blank(username):
        return None
    else:
        user = find_staff_user(username)
        if user is None:
            errors.add(field_name, ErrorCode.INVALID_OWNER, as_text(username))
            return None
    if not user.is_active_staff:
        errors.add(field_name, ErrorCode.INVALID_OWNER, user.get_username())
        return None
    return user


def may_act_for(caller: Any, staff: Any) -> bool:
    """Whether ``caller`` may record a lead, a status change or a follow-up in ``staff``'s name
    (a client's ``createdBy``): themselves always; others with ``leads.act_for_staff``."""
    return caller.pk == staff.pk or caller.has_perm("leads.act_for_staff")


def resolve_actor(caller: Any, sent: Any, errors: ErrorCollector) -> Any:
    """The staff user a request's ``createdBy`` names (the caller when none is sent): an active
    staff user (90027 otherwise) the caller may act for (90026 otherwise)."""
    if sent is None or sent is MISSING or (isinstance(sent, str) and not sent.strip()):
        return caller
    staff = find_staff_user(sent) if isinstance(sent, int | str) else None
    if staff is None or not staff.is_active_staff:
        errors.add("created_by", ErrorCode.STAFF_NOT_FOUND, as_text(sent))
        return caller
    if not may_act_for(caller, staff):
        errors.add("created_by", ErrorCode.ACT_FOR_DENIED, staff.get_username())
        return caller
    return staff


def next_follow_up_warnings(next_follow_up: Any) -> list[ErrorItem]:
    """Warning 90102 for a next follow-up already past (kept: a late entry is still a record,
    but it is likely a typing slip)."""
    if isinstance(next_follow_up, datetime.datetime) and next_follow_up < timezone.now():
        shown = timezone.localtime(next_follow_up).isoformat(timespec="seconds")
        return [error_item(ErrorCode.NEXT_FOLLOW_UP_IN_PAST, shown)]
    return []


def check_status(status: Any, errors: ErrorCollector, field_name: str = "status") -> bool:
    """Adds 92022/92003 for a missing or unknown status; True when the status is usable."""
    if is_blank(status):
        errors.add(field_name, ErrorCode.STATUS_EMPTY)
        return False
    if status not in Status.values:
        errors.add(field_name, ErrorCode.INVALID_LEAD_STATUS, as_text(status))
        return False
    return True


# --- a new lead: the steps lead_create() and its batch share ----------------------------------

# The dates of a new lead: an edge that could not read one (a CSV cell) is answered first.
_DATES = ("next_follow_up", "last_follow_up", "created_on")
# lead_create() arguments the lead's full_clean() judges, with the field it reports them on.
_CLEANED = {"status": "status", "org_source_id": "org_source", "extended_fields": "extended_fields"}


def auto_registers() -> bool:
    """Whether a lead naming an unknown identifier registers its customer (the org's setting)."""
    return OrgSettings.load().auto_register_customers


def report_dates(refused: Refusals, errors: ErrorCollector) -> None:
    for name in _DATES:
        refused.report(name, errors)


def lead_references(
    lead: Lead, sub_status: Any, owner: Any, reason: Any, refused: Refusals, errors: ErrorCollector
) -> Reason | None:
    """Sets the new lead's sub-status (by name under its status, or the row) and owner, and
    returns its reason (by id, or the row), in this order, each checked (or its refusal
    reported)."""
    lead.sub_status = resolve_sub_status(lead.status, sub_status, errors)
    if not refused.report("owner", errors):
        lead.owner = resolve_staff_user(owner, errors)
    if refused.report("reason_id", errors):
        return None
    return resolve_reason(reason, errors)


def clean_lead(lead: Lead, errors: ErrorCollector, refused: Refusals, **options: Any) -> None:
    """The new lead's ``full_clean(**options)``, with what the edge refused of its status, org
    source and extended fields reported where the model reports those fields."""
    found = ValidationError({})
    try:
        lead.full_clean(**options)
    except ValidationError as exc:
        found = exc
    errors.extend(refused.replace(found, _CLEANED))
