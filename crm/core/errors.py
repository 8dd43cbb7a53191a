"""The error-code registry every layer raises through: code, message template, HTTP status.

Every code of the project is in the one table below, so that every layer raises codes from the
floor and none imports a layer above it to do so. Model validation, services, forms and the API
raise them as Django ``ValidationError``s whose ``code`` is the number, so every surface shows
the same code and text; ``crm.core.api.exceptions`` turns them into the response envelope.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

ErrorItem = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class ErrorDef:
    code: int
    message: str
    http_status: int

    def format(self, *args: object) -> str:
        return self.message.format(*args)


REGISTRY: dict[int, ErrorDef] = {}


def register(*rows: tuple[int, str, int]) -> None:
    """Adds (code, message template, HTTP status) rows; a number is registered once."""
    for code, message, status in rows:
        if int(code) in REGISTRY:
            raise ValueError(f"error code {int(code)} is registered twice")
        REGISTRY[int(code)] = ErrorDef(int(code), message, status)


class ErrorCode(IntEnum):
    """Every code of the project. Numbers never change once published."""

    # The Leads resource's table (92001-92025, the Capillary v2 Leads API's texts).
    LEAD_NOT_FOUND = 92001
    DUPLICATE_LEAD_STATUS = 92002
    INVALID_LEAD_STATUS = 92003
    REASON_NOT_FOUND = 92004
    FOLLOWED_UP_ON_NULL = 92005
    LEAD_FOR_NULL = 92006
    USER_ID_NULL = 92007
    USER_NOT_FOUND = 92008
    INVALID_LEAD_TYPE = 92009
    LEAD_ID_NULL = 92010
    CUSTOMER_REGISTRATION_FAILED = 92011
    USER_DETAILS_EMPTY = 92012
    ORG_SOURCE_NULL = 92013
    INVALID_ORG_SOURCE = 92014
    INVALID_ID_TYPE = 92015
    INVALID_SKU = 92016
    INVALID_BRAND = 92017
    INVALID_CATEGORY = 92018
    INVALID_OWNER = 92019
    INVALID_SUB_STATUS = 92020
    SUB_STATUS_EXISTS = 92021
    STATUS_EMPTY = 92022
    SUB_STATUS_EMPTY = 92023
    LEAD_CLOSED = 92024
    AUTO_REGISTRATION_OFF = 92025

    # This app's own errors, outside that table.
    AUTHENTICATION_REQUIRED = 90001
    PERMISSION_DENIED = 90002
    NOT_FOUND = 90003
    METHOD_NOT_ALLOWED = 90004
    MALFORMED_JSON = 90005
    BODY_TOO_LARGE = 90006
    THROTTLED = 90007
    INVALID_FIELD = 90008
    UNKNOWN_EXTENDED_FIELD = 90009
    INVALID_EXTENDED_FIELD_VALUE = 90010
    IDEMPOTENCY_KEY_REUSED = 90011
    BULK_TOO_MANY_ITEMS = 90012
    INVALID_FILTER = 90013
    CUSTOMER_NOT_FOUND = 90014
    CUSTOMER_EXISTS = 90015
    NOT_ACCEPTABLE = 90016
    UNSUPPORTED_MEDIA_TYPE = 90017
    REASON_EMPTY = 90018
    INVALID_BODY = 90019
    NOT_CSV = 90020
    UNKNOWN_CSV_COLUMN = 90021
    EXTENDED_FIELD_EXISTS = 90022
    DUPLICATE_CSV_COLUMN = 90023
    CSV_ROW_TOO_LONG = 90024
    LENGTH_REQUIRED = 90025
    ACT_FOR_DENIED = 90026
    STAFF_NOT_FOUND = 90027
    REASON_EXISTS = 90028
    FOLLOW_UP_EMPTY = 90029
    FOLLOWED_UP_IN_FUTURE = 90030
    CLOSE_REASON_REQUIRED = 90031
    REASON_INACTIVE = 90032
    SUB_STATUS_INACTIVE = 90033
    # Stores, zones and roles (90034-90049).
    LEAD_FORBIDDEN = 90034
    ORG_UNIT_TYPE_INVALID = 90035
    ORG_UNIT_PARENT_INVALID = 90036
    ORG_UNIT_EXISTS = 90037
    UNKNOWN_STORE = 90038
    ORG_UNIT_NOT_FOUND = 90039
    ROLE_INVALID = 90040
    ROLE_UNITS_INVALID = 90041
    STAFF_EXISTS = 90042
    STAFF_USER_NOT_FOUND = 90043
    PASSWORD_INVALID = 90044
    NAME_INVALID = 90045
    ORG_UNIT_UNKNOWN = 90046
    ORG_UNIT_TYPE_LOCKED = 90047
    CSV_COLUMN_MISSING = 90048
    EMAIL_INVALID = 90049
    # Webhooks (90050-90055).
    WEBHOOK_NOT_FOUND = 90050
    WEBHOOK_URL_INVALID = 90051
    WEBHOOK_URL_PRIVATE = 90052
    WEBHOOK_EVENT_INVALID = 90053
    WEBHOOK_DELIVERY_NOT_FOUND = 90054
    WEBHOOK_SECRET_INVALID = 90055
    SERVER_ERROR = 90500

    # Warnings: the request succeeded, but something deserves notice.
    ACTIVE_LEAD_EXISTS = 90101
    NEXT_FOLLOW_UP_IN_PAST = 90102


C = ErrorCode
register(
    (C.AUTHENTICATION_REQUIRED, "Authentication credentials were not provided or are wrong", 401),
    (C.PERMISSION_DENIED, "You do not have permission to perform this action", 403),
    (C.NOT_FOUND, "Not found", 404),
    (C.METHOD_NOT_ALLOWED, "Method {0} not allowed", 405),
    (C.MALFORMED_JSON, "Malformed JSON: {0}", 400),
    (C.BODY_TOO_LARGE, "Request body is larger than {0} bytes", 413),
    (C.THROTTLED, "Too many requests; retry in {0} seconds", 429),
    (C.INVALID_FIELD, "Invalid value for {0}: {1}", 400),
    (C.UNKNOWN_EXTENDED_FIELD, "Unknown extended field {0}", 400),
    (C.INVALID_EXTENDED_FIELD_VALUE, "Invalid value for extended field {0}: {1}", 400),
    (
        C.IDEMPOTENCY_KEY_REUSED,
        "Idempotency-Key {0} was already used with a different request",
        422,
    ),
    (C.BULK_TOO_MANY_ITEMS, "A bulk request takes at most {0} items", 400),
    (C.INVALID_FILTER, "Invalid value for filter {0}: {1}", 400),
    (C.CUSTOMER_NOT_FOUND, "Customer not found", 404),
    (C.CUSTOMER_EXISTS, "A customer with this {0} already exists", 409),
    (C.NOT_ACCEPTABLE, "Cannot produce a response in the requested format", 406),
    (C.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type {0}; send application/json", 415),
    (C.REASON_EMPTY, "Lead reason cannot be empty", 400),
    (C.INVALID_BODY, "Invalid request body: {0}", 400),
    (C.NOT_CSV, "The file is not a CSV file: {0}", 400),
    (C.UNKNOWN_CSV_COLUMN, "Unknown column {0}", 400),
    (C.EXTENDED_FIELD_EXISTS, "Extended field {0} already exists", 409),
    (C.DUPLICATE_CSV_COLUMN, "Column {0} appears more than once", 400),
    (C.CSV_ROW_TOO_LONG, "The row has {0} fields; the header has {1}", 400),
    (
        C.LENGTH_REQUIRED,
        "Send the body with a Content-Length header; a chunked body is not read",
        411,
    ),
    (C.LEAD_NOT_FOUND, "Lead not found", 404),
    (C.DUPLICATE_LEAD_STATUS, "Duplicate Lead Status", 409),
    (C.INVALID_LEAD_STATUS, "Invalid Lead Status {0}", 400),
    (C.REASON_NOT_FOUND, "Lead Reason not found with id {0}", 400),
    (C.FOLLOWED_UP_ON_NULL, "followedUpOn cannot be null", 400),
    (C.LEAD_FOR_NULL, "leadFor cannot be null", 400),
    (C.USER_ID_NULL, "userId cannot be null", 400),
    (C.USER_NOT_FOUND, "No user found with the given userId {0}", 400),
    (C.INVALID_LEAD_TYPE, "Invalid Lead Type", 400),
    (C.LEAD_ID_NULL, "LeadId cannot be null", 400),
    (C.CUSTOMER_REGISTRATION_FAILED, "Customer Registration failed", 400),
    (C.USER_DETAILS_EMPTY, "User Details cannot be empty", 400),
    (C.ORG_SOURCE_NULL, "Org Source cannot be null", 400),
    (C.INVALID_ORG_SOURCE, "Invalid org source", 400),
    (C.INVALID_ID_TYPE, "Invalid Id Type", 400),
    (C.INVALID_SKU, "Invalid SKU {0}", 400),
    (C.INVALID_BRAND, "Invalid Brand {0}", 400),
    (C.INVALID_CATEGORY, "Invalid Category {0}", 400),
    (C.INVALID_OWNER, "Invalid lead owner {0}", 400),
    (C.INVALID_SUB_STATUS, "Invalid lead sub status {0}", 400),
    (C.SUB_STATUS_EXISTS, "Lead sub status {0} already exists for status {1}", 409),
    (C.STATUS_EMPTY, "Lead status cannot be empty", 400),
    (C.SUB_STATUS_EMPTY, "Lead sub status cannot be empty", 400),
    (C.LEAD_CLOSED, "Status change not allowed on closed leads", 409),
    (C.AUTO_REGISTRATION_OFF, "Customer is not registered. Auto-registration is off", 400),
    (C.ACTIVE_LEAD_EXISTS, "An active lead {0} already exists for this customer and item", 200),
    (C.NEXT_FOLLOW_UP_IN_PAST, "nextFollowUp {0} is in the past", 200),
    (C.ACT_FOR_DENIED, "You may not act for staff user {0}", 403),
    (C.STAFF_NOT_FOUND, "No active staff user {0}", 400),
    (C.REASON_EXISTS, "Lead reason {0} already exists", 409),
    (C.FOLLOW_UP_EMPTY, "Write what was said or when to follow up next", 400),
    (C.FOLLOWED_UP_IN_FUTURE, "followedUpOn cannot be in the future", 400),
    (C.CLOSE_REASON_REQUIRED, "A reason is required to change a lead to {0}", 400),
    (C.REASON_INACTIVE, "Lead reason {0} is no longer in use", 400),
    (C.SUB_STATUS_INACTIVE, "Lead sub status {0} is no longer in use", 400),
    (C.LEAD_FORBIDDEN, "You may not {0} lead {1}", 403),
    (C.ORG_UNIT_TYPE_INVALID, "Invalid org unit type {0}", 400),
    (C.ORG_UNIT_PARENT_INVALID, "Org unit {0} cannot be the parent of a {1}", 400),
    (C.ORG_UNIT_EXISTS, "Org unit {0} already exists", 409),
    (C.UNKNOWN_STORE, "No active store {0}", 400),
    (C.ORG_UNIT_NOT_FOUND, "No org unit {0}", 404),
    (C.ROLE_INVALID, "Invalid role {0}", 400),
    (C.ROLE_UNITS_INVALID, "A {0} covers units of type {1}; {2} is not one", 400),
    (C.STAFF_EXISTS, "Staff user {0} already exists", 409),
    (C.STAFF_USER_NOT_FOUND, "No staff user {0}", 404),
    (C.PASSWORD_INVALID, "Password not accepted: {0}", 400),
    (C.NAME_INVALID, "Invalid {0} {1}: {2}", 400),
    (C.ORG_UNIT_UNKNOWN, "No org unit {0}", 400),
    (C.ORG_UNIT_TYPE_LOCKED, "Org unit {0} has units under it; its type cannot change", 409),
    (C.CSV_COLUMN_MISSING, "Column {0} is missing", 400),
    (C.EMAIL_INVALID, "Invalid email {0}", 400),
    (C.WEBHOOK_NOT_FOUND, "No webhook {0}", 404),
    (C.WEBHOOK_URL_INVALID, "Webhook URL {0} is not an http or https URL", 400),
    (C.WEBHOOK_URL_PRIVATE, "Webhook URL {0} points to an address that is not public", 400),
    (C.WEBHOOK_EVENT_INVALID, "Unknown webhook event {0}", 400),
    (C.WEBHOOK_DELIVERY_NOT_FOUND, "No delivery {0} of webhook {1}", 404),
    (C.WEBHOOK_SECRET_INVALID, "A webhook secret is whsec_ and base64 of 24 to 64 bytes", 400),
    (C.SERVER_ERROR, "Internal server error", 500),
)
del C


def message_for(code: int, *args: object) -> str:
    return REGISTRY[int(code)].format(*args)


def http_status_for(code: int) -> int:
    return REGISTRY[int(code)].http_status


def error_item(code: int, *args: object, message: str | None = None) -> ErrorItem:
    """One envelope item ``{"code", "message"}``: the only place such a dict is built. The
    message is the registry's template filled with ``args``, unless one already rendered
    (a ValidationError's, a DRF detail's) is given."""
    return {"code": int(code), "message": message_for(code, *args) if message is None else message}


def coded_error(code: int, *args: object) -> ValidationError:
    """A ValidationError whose ``code`` is the registry number and whose text is filled in."""
    return ValidationError(message_for(code, *args), code=int(code))


def error_code_of(error: ValidationError) -> int | None:
    """The registry number of a single ValidationError, or None for Django's own codes."""
    try:
        code = int(error.code)
    except (TypeError, ValueError):
        return None
    return code if code in REGISTRY else None


class ErrorCollector:
    """Gathers every broken rule of one request so that all are reported together."""

    def __init__(self) -> None:
        self._errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str | None, code: int, *args: object) -> None:
        error = coded_error(code, *args)
        bucket = self._errors.setdefault(field or NON_FIELD_ERRORS, [])
        # The same code on the same field once is enough.
        if not any(e.code == error.code and e.message == error.message for e in bucket):
            bucket.append(error)

    def extend(self, error: ValidationError, prefix: str = "", skip: Collection[str] = ()) -> None:
        """Adds every error of ``error`` (its fields prefixed), but those about a field in
        ``skip`` (already refused: what the service says of the value put in its place is
        moot) unless they are about the record itself."""
        for field, item in iter_errors(error):
            key = f"{prefix}{field}" if prefix and field != NON_FIELD_ERRORS else field
            if refused(key, skip) and error_code_of(item) not in RECORD_CODES:
                continue
            bucket = self._errors.setdefault(key, [])
            if not any(e.code == item.code and e.message == item.message for e in bucket):
                bucket.append(item)

    def record_first(self) -> None:
        """Puts the errors about the record itself (RECORD_CODES) first, as a service that
        finds the record before it looks at the values sent reports them."""
        pairs = [(field, e) for field, errors in self._errors.items() for e in errors]
        pairs.sort(key=lambda pair: error_code_of(pair[1]) not in RECORD_CODES)
        self._errors = {}
        for field, error in pairs:
            self._errors.setdefault(field, []).append(error)

    def fields(self) -> list[str]:
        """The fields with an error (not the request-wide ones)."""
        return [field for field in self._errors if field != NON_FIELD_ERRORS]

    def has(self, code: int) -> bool:
        return any(e.code == int(code) for errors in self._errors.values() for e in errors)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def raise_if_any(self) -> None:
        if self._errors:
            raise ValidationError(self._errors)

    def as_error(self) -> ValidationError:
        """Everything gathered as one ValidationError (empty when nothing was)."""
        return ValidationError(self._errors)


class Refusals:
    """What an edge could not type, by the service argument it was for (``status``,
    ``status_log_details[4]``, ``status_log_details[3].reason_id``), with the coded errors the
    edge found (on the fields the service would name). A service that takes them reports each
    one where it reads that argument (``report``), so one answer lists every problem of a
    request in the service's own order, and the service runs once: nothing is checked twice,
    nothing run and rolled back. In the argument's place the edge hands the service None."""

    def __init__(self) -> None:
        self._errors: dict[str, ErrorCollector] = {}

    def on(self, argument: str) -> ErrorCollector:
        """Where an edge puts the errors of ``argument`` (an ErrorCollector, so that the
        typing functions of ``inputs`` modules write to either)."""
        return self._errors.setdefault(argument, ErrorCollector())

    def __contains__(self, argument: str) -> bool:
        return bool(self._errors.get(argument))

    def __bool__(self) -> bool:
        return any(self._errors.values())

    def report(self, argument: str, errors: ErrorCollector) -> bool:
        """Adds the errors ``argument`` was refused with to ``errors``, here; True when it was
        refused (the service then has no value to check)."""
        if argument not in self:
            return False
        errors.extend(self._errors[argument].as_error())
        return True

    def replace(self, found: ValidationError, fields: dict[str, str]) -> ValidationError:
        """``found`` (a model's errors, in its order) with the errors of each refused argument
        of ``fields`` (argument: the model field it sets) in place of what the model said of
        the None it was given there."""
        merged = ErrorCollector()
        done: set[str] = set()
        by_field = {field: argument for argument, field in fields.items() if argument in self}
        for field, error in iter_errors(found):
            argument = by_field.get(field)
            if argument is None:
                merged.extend(ValidationError({field: [error]}))
            elif argument not in done:
                done.add(argument)
                merged.extend(self._errors[argument].as_error())
        for argument in set(by_field.values()) - done:
            merged.extend(self._errors[argument].as_error())
        return merged.as_error()


# Codes about the record a request names rather than about a value it sends: still true when
# a value of the request was refused.
RECORD_CODES = frozenset({ErrorCode.LEAD_NOT_FOUND, ErrorCode.LEAD_CLOSED})


def refused(path: str, failed: Iterable[str]) -> bool:
    """Whether ``path`` (``follow_up_details[0].notes``) is, or is inside, a failed field."""
    return any(path == f or path.startswith((f + ".", f + "[")) for f in failed)


def check_all(
    errors: ErrorCollector, call: Callable[[bool], T], *, refused_elsewhere: bool = False
) -> T | None:
    """One request's every problem at once. The edge has turned what the client sent into the
    service's typed arguments, putting what could not be one in ``errors``. Nothing refused:
    ``call(False)``, the service itself. Otherwise ``call(True)``: the service with
    ``check_only`` (it writes nothing) judges the rest, and everything is raised together,
    the edge's findings first (None is returned when, refused only elsewhere, neither found
    anything)."""
    if not errors and not refused_elsewhere:
        return call(False)
    failed = errors.fields()
    try:
        call(True)
    except ValidationError as exc:
        errors.extend(exc, skip=failed)
    errors.record_first()
    errors.raise_if_any()
    return None


def iter_errors(error: ValidationError) -> Iterator[tuple[str, ValidationError]]:
    """(field, single error) pairs of a possibly nested ValidationError, in order."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                for _, single in iter_errors(item):
                    yield field, single
    elif hasattr(error, "error_list") and (
        len(error.error_list) != 1 or error.error_list[0] is not error
    ):
        for item in error.error_list:
            for field, single in iter_errors(item):
                yield field, single
    else:
        yield NON_FIELD_ERRORS, error


def rendered_message(error: ValidationError) -> str:
    message = error.message
    if error.params:
        message = message % error.params
    return str(message)


def error_items(error: ValidationError) -> list[ErrorItem]:
    """Envelope items ``{"code", "message"}`` for every error inside a ValidationError.

    Django's own validation codes (``max_length``, ``invalid`` ...) become INVALID_FIELD with the
    field's name, so a client always gets a number.
    """
    items: list[ErrorItem] = []
    seen: set[tuple[object, str]] = set()
    for field, single in iter_errors(error):
        code = error_code_of(single)
        if code is not None:
            item = error_item(code, message=rendered_message(single))
        else:
            name = field if field != NON_FIELD_ERRORS else "request"
            item = error_item(ErrorCode.INVALID_FIELD, name, rendered_message(single))
        key = (item["code"], item["message"])
        if key not in seen:
            seen.add(key)
            items.append(item)
    return items


def http_status_of(items: Iterable[ErrorItem]) -> int:
    """One HTTP status for a response carrying these errors: the most specific wins.

    A missing lead (404) outranks a conflict (409), which outranks plain bad input (400).
    """
    statuses = [http_status_for(int(item["code"])) for item in items]  # type: ignore[arg-type]
    if not statuses:
        return 400
    for preferred in (500, 404, 413, 429, 401, 403, 409, 422):
        if preferred in statuses:
            return preferred
    return max(statuses)
