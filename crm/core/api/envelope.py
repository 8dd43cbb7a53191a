"""The response envelope of the Capillary v2 API: helpers that build it, and serializers that
describe it in the OpenAPI schema.

- one object: its fields at the top level plus ``"warnings": []``;
- a list: ``{"data": [...], "pagination": {"limit", "offset", "total"}, "warnings": [],
  "errors": []}``;
- an error: ``{"errors": [{"code", "message"}], "warnings": []}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from .pagination import list_envelope


class MessageSerializer(serializers.Serializer):
    """An error or a warning: a stable number and its text."""

    code = serializers.IntegerField()
    message = serializers.CharField()


class PaginationSerializer(serializers.Serializer):
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    total = serializers.IntegerField()


class ErrorEnvelopeSerializer(serializers.Serializer):
    errors = MessageSerializer(many=True)
    warnings = MessageSerializer(many=True)


def object_response(
    data: dict[str, Any],
    *,
    warnings: Sequence[dict[str, Any]] = (),
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return Response({**data, "warnings": list(warnings)}, status=status, headers=headers)


def list_response(data: list[Any], *, warnings: Sequence[dict[str, Any]] = ()) -> Response:
    """A whole list (not paged): pagination says so."""
    return Response(
        list_envelope(data, limit=len(data), offset=0, total=len(data), warnings=warnings)
    )


@cache
def object_envelope(serializer_class: type[serializers.Serializer]) -> type:
    """Schema of one ``serializer_class`` object with the envelope's ``warnings``."""
    base = serializer_class.__name__.removesuffix("Serializer")
    envelope = type(
        f"{base}ResponseSerializer",
        (serializer_class,),
        {
            "__doc__": serializer_class.__doc__,
            "__module__": serializer_class.__module__,
            "warnings": MessageSerializer(many=True, read_only=True),
        },
    )
    # One object even when the action is called "list" (the customer lookup).
    return extend_schema_serializer(many=False)(envelope)


@cache
def list_of(serializer_class: type[serializers.Serializer]) -> type:
    """Schema of the list envelope around ``serializer_class`` items."""
    base = serializer_class.__name__.removesuffix("Serializer")
    envelope = type(
        f"{base}ListSerializer",
        (serializers.Serializer,),
        {
            "__doc__": f"A page of {base} items in the list envelope.",
            "__module__": serializer_class.__module__,
            "data": serializer_class(many=True, read_only=True),
            "pagination": PaginationSerializer(read_only=True),
            "warnings": MessageSerializer(many=True, read_only=True),
            "errors": MessageSerializer(many=True, read_only=True),
        },
    )
    # The envelope is one object even on list actions: no second wrapping into an array.
    return extend_schema_serializer(many=False)(envelope)
