"""The error-code registry every layer raises through: code, message template, HTTP status.

Each app registers its own codes here at import (``register``): the project-wide ones below,
the customer codes in ``customers.errors``, the lead codes in ``leads.errors`` (which also
lists every code in one enum, ``ErrorCode``). Model validation, services, forms and the API
raise them as Django ``ValidationError``s whose ``code`` is the number, so every surface shows
the same code and text; ``crm.core.api.exceptions`` turns them into the response envelope.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

ErrorItem = dict[str, Any]


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


class CoreCode(IntEnum):
    """Project-wide codes: HTTP, authentication, request shape, paging and filters."""

    AUTHENTICATION_REQUIRED = 90001
    PERMISSION_DENIED = 90002
    NOT_FOUND = 90003
    METHOD_NOT_ALLOWED = 90004
    MALFORMED_JSON = 90005
    BODY_TOO_LARGE = 90006
    THROTTLED = 90007
    INVALID_FIELD = 90008
    IDEMPOTENCY_KEY_REUSED = 90011
    BULK_TOO_MANY_ITEMS = 90012
    INVALID_FILTER = 90013
    NOT_ACCEPTABLE = 90016
    UNSUPPORTED_MEDIA_TYPE = 90017
    INVALID_BODY = 90019
    LENGTH_REQUIRED = 90025
    SERVER_ERROR = 90500


C = CoreCode
register(
    (C.AUTHENTICATION_REQUIRED, "Authentication credentials were not provided or are wrong", 401),
    (C.PERMISSION_DENIED, "You do not have permission to perform this action", 403),
    (C.NOT_FOUND, "Not found", 404),
    (C.METHOD_NOT_ALLOWED, "Method {0} not allowed", 405),
    (C.MALFORMED_JSON, "Malformed JSON: {0}", 400),
    (C.BODY_TOO_LARGE, "Request body is larger than {0} bytes", 413),
    (C.THROTTLED, "Too many requests; retry in {0} seconds", 429),
    (C.INVALID_FIELD, "Invalid value for {0}: {1}", 400),
    (
        C.IDEMPOTENCY_KEY_REUSED,
        "Idempotency-Key {0} was already used with a different request",
        422,
    ),
    (C.BULK_TOO_MANY_ITEMS, "A bulk request takes at most {0} items", 400),
    (C.INVALID_FILTER, "Invalid value for filter {0}: {1}", 400),
    (C.NOT_ACCEPTABLE, "Cannot produce a response in the requested format", 406),
    (C.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type {0}; send application/json", 415),
    (C.INVALID_BODY, "Invalid request body: {0}", 400),
    (
        C.LENGTH_REQUIRED,
        "Send the body with a Content-Length header; a chunked body is not read",
        411,
    ),
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

    def extend(self, error: ValidationError, prefix: str = "") -> None:
        for field, item in iter_errors(error):
            key = f"{prefix}{field}" if prefix and field != NON_FIELD_ERRORS else field
            bucket = self._errors.setdefault(key, [])
            if not any(e.code == item.code and e.message == item.message for e in bucket):
                bucket.append(item)

    def has(self, code: int) -> bool:
        return any(e.code == int(code) for errors in self._errors.values() for e in errors)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def raise_if_any(self) -> None:
        if self._errors:
            raise ValidationError(self._errors)


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
            item = error_item(CoreCode.INVALID_FIELD, name, rendered_message(single))
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
