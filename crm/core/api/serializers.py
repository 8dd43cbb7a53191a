"""Request parsing shared by the API: types are checked here, rules stay in the services.

A request serializer turns camelCase JSON into the services' typed, snake_case keyword
arguments: it reports wrong JSON types (a date that is no date, text where a number belongs),
and its ``typed`` step the values that cannot be one (an unknown status, an id that is no id)
with the registry's codes. Whether a value is allowed (an existing reason, an open lead ...)
is for the service. When parsing fails, the service still checks the rest of the request
(``check_only``: nothing is written), so that one response lists every problem.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import Field, SkipField
from rest_framework.settings import api_settings

from crm.core.errors import ErrorCode, ErrorCollector, check_all, error_items, message_for

from . import schema as _schema  # noqa: F401 - registers the schema extensions
from .exceptions import ApiError, camel_error, dedupe, detail_items, iter_detail

logger = logging.getLogger("crm.api")

T = TypeVar("T")


# --- fields --------------------------------------------------------------------------------


class RawField(serializers.Field):
    """A JSON value handed to the service as sent; the service's rules judge it.

    ``schema`` is what the OpenAPI schema promises clients (the service refuses the rest with
    its own code): a JSON schema, or a field documented the same way.
    """

    def __init__(self, *, schema: dict[str, Any] | Field | None = None, **kwargs: Any) -> None:
        self.schema = schema or {}
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class TextField(serializers.CharField):
    """Text only: a number or an object where text belongs is a type error, not text."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class DateTimeField(serializers.DateTimeField):
    """ISO 8601 in (any offset, any precision); out as Capillary writes it,
    ``YYYY-MM-DDThh:mm:ssTZD`` (``2018-10-05T08:00:00+05:30``): whole seconds, with the UTC
    offset (``+00:00``, not ``Z``). Stored values keep their precision."""

    def to_representation(self, value: Any) -> str | None:
        if value is None:
            return None
        return timezone.localtime(value).isoformat(timespec="seconds")


class IdField(serializers.IntegerField):
    """An integer id that fits the database's bigint."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", -(2**63) + 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


class StaffIdField(serializers.IntegerField):
    """A staff user shown by numeric id, as Capillary shows entities (null when none)."""

    def __init__(self, source: str, **kwargs: Any) -> None:
        super().__init__(source=f"{source}_id", read_only=True, allow_null=True, **kwargs)


class UsernameField(serializers.CharField):
    """A user shown by username (null when there is none)."""

    def __init__(self, source: str, **kwargs: Any) -> None:
        super().__init__(source=f"{source}.username", read_only=True, allow_null=True, **kwargs)


# --- request serializers ------------------------------------------------------------------


def _not_an_object(serializer: serializers.BaseSerializer) -> ValidationError:
    """The whole body is 90019; a nested value is a type error of its field (90008)."""
    if serializer.root is serializer:
        message = message_for(ErrorCode.INVALID_BODY, "expected a JSON object")
        detail = ErrorDetail(message, code=str(ErrorCode.INVALID_BODY))
    else:
        detail = ErrorDetail("expected a JSON object", code="invalid")
    return ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [detail]})


class PartialListSerializer(serializers.ListSerializer):
    """Keeps what parsed of each item (``parsed``) even when some items fail."""

    def to_internal_value(self, data: Any) -> list[Any]:
        if not isinstance(data, list):
            self.parsed = []
            self.fail("not_a_list", input_type=type(data).__name__)
        values, errors = [], {}
        for index, item in enumerate(data):
            self.child.parsed = item
            try:
                values.append(self.child.run_validation(item))
            except ValidationError as exc:
                errors[index] = exc.detail
                values.append(getattr(self.child, "parsed", item))
        self.parsed = values
        if errors:
            raise ValidationError(errors)
        return values


class RequestSerializer(serializers.Serializer):
    # Base of request bodies: a JSON object, parsed field by field. ``parsed`` holds every
    # field that parsed even when others did not, for the service's second opinion.
    # ``schema_required`` names the fields the schema marks required although their absence
    # is reported by the service with its own code. (Comments, not a docstring: subclasses'
    # docstrings describe them in the OpenAPI schema.)

    schema_required: tuple[str, ...] = ()

    class Meta:
        list_serializer_class = PartialListSerializer

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None and not self.allow_null:
            self.parsed = data
            raise _not_an_object(self)
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        self.parsed: Any = data
        if not isinstance(data, Mapping):
            raise _not_an_object(self)
        values: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for field in self._writable_fields:
            try:
                value = field.run_validation(field.get_value(data))
            except ValidationError as exc:
                errors[field.field_name] = exc.detail
                partial = getattr(field, "parsed", None)
                if isinstance(field, serializers.BaseSerializer) and partial is not None:
                    self.set_value(values, field.source_attrs, partial)
                continue
            except SkipField:
                continue
            self.set_value(values, field.source_attrs, value)
        self.parsed = values
        if errors:
            raise ValidationError(errors)
        return values


def args(data: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """The parsed values the client sent, under their service names."""
    return {name: data[name] for name in names if name in data}


# --- parse, then call the service ---------------------------------------------------------

Typing = Callable[[Any, ErrorCollector], dict[str, Any]]


def service_errors(
    error: DjangoValidationError, failed: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Envelope items of a service's error, minus those about fields that failed parsing
    (already reported with their type error)."""
    kept = ErrorCollector()
    kept.extend(camel_error(error), skip=list(failed))
    return error_items(kept.as_error())


def call_service(
    serializer: serializers.BaseSerializer, service: Callable[..., T], typed: Typing
) -> T:
    """Parses the request in two steps: its JSON types (the serializer), then its values
    (``typed`` turns the parsed snake_case data into the service's typed keyword arguments,
    putting what cannot be one in the collector with the registry's code). Then
    ``service(**arguments, check_only=...)``: for real when nothing was refused; otherwise
    only checked (nothing written), so that one ApiError lists every problem of the request."""
    valid = serializer.is_valid()
    parsed = serializer.validated_data if valid else getattr(serializer, "parsed", None)
    items = [] if valid else detail_items(serializer.errors)
    # A list body where an object belongs (or the reverse) has nothing for the service to judge.
    if not isinstance(parsed, list if getattr(serializer, "many", False) else dict):
        raise ApiError(items)
    errors = ErrorCollector()
    arguments = typed(parsed, errors)
    if not items:
        return check_all(errors, lambda check_only: service(**arguments, check_only=check_only))
    failed = [path for path, _ in iter_detail(serializer.errors)]
    try:
        check_all(errors, lambda _: service(**arguments, check_only=True), refused_elsewhere=True)
    except DjangoValidationError as exc:
        items += service_errors(exc, failed)
    except Exception:
        # The type errors alone are still a correct answer.
        logger.warning("Checking %s failed", serializer.__class__.__name__, exc_info=True)
    raise ApiError(dedupe(items))


def parse(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """Parsed data of a request that needs no service (a query, a lookup), or ApiError."""
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        raise ApiError(detail_items(serializer.errors))
    return serializer.validated_data
