"""The base of every ``/v2/`` viewset: authentication, permission, throttling, parsing and
paging as the API promises them, in one place."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from .idempotency import HEADER, idempotent
from .pagination import FullListPagination, LimitOffsetPagination
from .parsers import JSONParser
from .permissions import HasWritePermission, IsActiveStaff
from .throttles import WritesThrottle

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    # What idempotent() takes: 1 to 255 characters, not all blank (90008 otherwise).
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"\S"},
    location=OpenApiParameter.HEADER,
    description=(
        "Optional. A retry with the same key and body returns the first response and writes "
        "nothing; the same key with another body is refused (90011)."
    ),
)


class ApiViewSet(viewsets.GenericViewSet):
    """Views stay thin: parse with a serializer, call a service or selector, answer in the
    envelope. Errors are raised, never answered here (crm.core.api.exceptions does that)."""

    # Writes of a viewset that names a ``write_permission`` need that model permission too.
    permission_classes = [IsActiveStaff, HasWritePermission]
    throttle_classes = [WritesThrottle]
    parser_classes = [JSONParser]
    pagination_class = FullListPagination
    # The request serializer of each action, for the browsable API's forms.
    request_serializers: dict[str, type[serializers.BaseSerializer]] = {}

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return self.request_serializers.get(self.action or "", serializers.Serializer)

    def get_queryset(self) -> Any:
        # Views read through selectors; this only satisfies generic machinery.
        return []

    def page(
        self,
        rows: Iterable[Any],
        serializer_class: type[serializers.BaseSerializer],
        paginator: LimitOffsetPagination | None = None,
    ) -> Response:
        """A page of ``rows`` in the list envelope; limit/offset checked by the paginator."""
        paginator = paginator or self.paginator
        items = paginator.paginate_queryset(rows, self.request, view=self)
        data = serializer_class(items, many=True, context=self.get_serializer_context()).data
        return paginator.get_paginated_response(data)

    def idempotent(self, request: Request, respond: Callable[[], Response]) -> Response:
        return idempotent(request, respond)
