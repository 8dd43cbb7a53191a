"""OpenAPI pieces shared by every endpoint: the error envelope on each operation, the request
serializers' schema-only "required" marks, and the common parameters."""

from __future__ import annotations

from string import Formatter
from typing import Any

from drf_spectacular.authentication import BasicScheme
from drf_spectacular.extensions import (
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework.fields import Field

from crm.core.errors import REGISTRY, ErrorCode, error_item

from .envelope import ErrorEnvelopeSerializer

ERROR_ENVELOPE_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}

# What every operation can answer besides its own codes; bodies and paths add their own.
_ALWAYS = {
    401: ErrorCode.AUTHENTICATION_REQUIRED,
    403: ErrorCode.PERMISSION_DENIED,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    406: ErrorCode.NOT_ACCEPTABLE,
    500: ErrorCode.SERVER_ERROR,
}
_WITH_BODY = {
    400: ErrorCode.INVALID_BODY,
    411: ErrorCode.LENGTH_REQUIRED,
    413: ErrorCode.BODY_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: ErrorCode.THROTTLED,
}
_EXAMPLE_ARGS: dict[int, tuple[object, ...]] = {
    ErrorCode.METHOD_NOT_ALLOWED: ("DELETE",),
    ErrorCode.BODY_TOO_LARGE: (2097152,),
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: ("text/plain",),
    ErrorCode.THROTTLED: (42,),
    ErrorCode.INVALID_BODY: ("expected a JSON object",),
    ErrorCode.INVALID_FILTER: ("status", "expected one of OPEN, ON_HOLD, WON, LOST, DELETED"),
}

_COMPONENTS: dict[str, dict[str, Any]] = {
    "Message": {
        "type": "object",
        "description": "An error or a warning: a stable code and its text.",
        "properties": {
            "code": {"type": "integer", "example": 92006},
            "message": {"type": "string", "example": "leadFor cannot be null"},
        },
        "required": ["code", "message"],
    },
    "Pagination": {
        "type": "object",
        "properties": {
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "total": {"type": "integer"},
        },
        "required": ["limit", "offset", "total"],
    },
    "ErrorEnvelope": {
        "type": "object",
        "description": "Every error response: one item per problem found in the request.",
        "properties": {
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
            "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
        },
        "required": ["errors", "warnings"],
    },
}


def error_example(code: int, *args: object) -> dict[str, Any]:
    """The error envelope as the API answers it for ``code``."""
    if not args:
        slots = [p for p in Formatter().parse(REGISTRY[int(code)].message) if p[1] is not None]
        args = _EXAMPLE_ARGS.get(int(code), ("x",) * len(slots))
    return {"errors": [error_item(code, *args)], "warnings": []}


def error_response(status: int, description: str, *codes: int) -> OpenApiResponse:
    """A documented error response of one view, with one example per code."""
    return OpenApiResponse(
        response=ErrorEnvelopeSerializer,
        description=description,
        examples=[
            OpenApiExample(str(code), value=error_example(code), status_codes=[str(status)])
            for code in codes
        ],
    )


def _error_response(status: int, code: int) -> dict[str, Any]:
    return {
        "description": f"Error envelope (for instance {int(code)})",
        "content": {
            "application/json": {
                "schema": ERROR_ENVELOPE_REF,
                "examples": {str(int(code)): {"value": error_example(code)}},
            }
        },
    }


def add_error_responses(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """POSTPROCESSING_HOOK: every operation documents the error envelope for each status the
    API layer itself can answer (authentication, permission, parsing, throttling ...)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in _COMPONENTS.items():
        schemas[name] = schema
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            extra = dict(_ALWAYS)
            if method in {"post", "put", "patch"}:
                extra.update(_WITH_BODY)
            else:
                extra[400] = ErrorCode.INVALID_FILTER
            if "{" in path:
                extra[404] = ErrorCode.NOT_FOUND
            if any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", [])):
                extra[422] = ErrorCode.IDEMPOTENCY_KEY_REUSED
            for status, code in extra.items():
                responses.setdefault(str(status), _error_response(status, code))
            operation["responses"] = dict(sorted(responses.items()))
    return result


def allow_empty_query_values(
    result: dict[str, Any], generator: Any, **kwargs: Any
) -> dict[str, Any]:
    """POSTPROCESSING_HOOK: an optional query parameter sent empty (``?status=&limit=``, as an
    HTML search form submits its blank fields) counts as not given."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result


class RequestSerializerExtension(OpenApiSerializerExtension):
    """Request serializers leave "required" to the services (so that a missing ``leadFor`` is
    the coded 92006, not a generic error); the schema still marks those fields required."""

    target_class = "crm.core.api.serializers.RequestSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        required = list(getattr(self.target, "schema_required", ()))
        if required:
            schema["required"] = sorted({*schema.get("required", []), *required})
        return schema

    def get_name(self, auto_schema: Any, direction: str) -> str | None:
        return None


class RawFieldExtension(OpenApiSerializerFieldExtension):
    """A value passed to the service as sent is documented as what clients should send."""

    target_class = "crm.core.api.serializers.RawField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = self.target.schema
        if isinstance(schema, Field):
            # Documented like that field (a ChoiceField shares the enum of its choices).
            return auto_schema._map_serializer_field(schema, direction)
        return dict(schema)


def paging_parameters(default_limit: int) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 0, "maximum": 1000, "default": default_limit},
            description=f"Rows per page, 0 to 1000 (default {default_limit}).",
        ),
        OpenApiParameter(
            "offset",
            {"type": "integer", "minimum": 0, "default": 0},
            description="Rows to skip (default 0).",
        ),
    ]


class CachedBasicScheme(BasicScheme):
    """HTTP Basic, as the schema has always documented it (its cache changes nothing a client
    sees)."""

    target_class = "crm.core.api.authentication.CachedBasicAuthentication"
    match_subclasses = True
