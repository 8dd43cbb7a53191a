"""``limit``/``offset`` paging into the list envelope, with every bad value a coded error."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

from ..errors import ErrorCode, ErrorCollector, coded_error
from ..paging import count_rows, page_rows


def list_envelope(
    data: list[Any], *, limit: int, offset: int, total: int, warnings: Sequence[Any] = ()
) -> dict[str, Any]:
    return {
        "data": data,
        "pagination": {"limit": limit, "offset": offset, "total": total},
        "warnings": list(warnings),
        "errors": [],
    }


def _int_param(request: Request, name: str, default: int, minimum: int, maximum: int | None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        bounds = f"a whole number from {minimum}" + (f" to {maximum}" if maximum else "")
        raise ValidationError({name: [coded_error(ErrorCode.INVALID_FILTER, name, bounds)]})
    return value


class LimitOffsetPagination(BasePagination):
    """``limit`` (default 10, at most 1000) and ``offset``; ``pagination.total`` counts all."""

    default_limit = 10
    max_limit = 1000

    def read_params(self, request: Request) -> None:
        """Reads and checks limit and offset; raises every problem at once."""
        errors = ErrorCollector()
        self.limit = self.default_limit
        self.offset = 0
        try:
            self.limit = _int_param(request, "limit", self.default_limit, 0, self.max_limit)
        except ValidationError as exc:
            errors.extend(exc)
        try:
            self.offset = _int_param(request, "offset", 0, 0, None)
        except ValidationError as exc:
            errors.extend(exc)
        errors.raise_if_any()

    def paginate_queryset(
        self,
        queryset: QuerySet | Sequence[Any],
        request: Request,
        view: Any = None,
        *,
        rows: Callable[[QuerySet], QuerySet] | None = None,
    ) -> list[Any]:
        """The page; ``rows`` makes the queryset the page is read from (``.values()`` with
        joins, say): the total and a deep page's keys are found on ``queryset``, without
        them."""
        if not hasattr(self, "limit"):
            self.read_params(request)
        if isinstance(queryset, QuerySet):
            self.total = count_rows(queryset)
            # An offset past the end needs no second query.
            if self.offset >= self.total or self.limit == 0:
                return []
        else:
            self.total = len(queryset)
        return page_rows(queryset, offset=self.offset, limit=self.limit, read=rows)

    def get_paginated_response(self, data: list[Any]) -> Response:
        return Response(list_envelope(data, limit=self.limit, offset=self.offset, total=self.total))

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["data", "pagination", "warnings", "errors"],
            "properties": {
                "data": schema,
                "pagination": {"$ref": "#/components/schemas/Pagination"},
                "warnings": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Message"},
                },
                "errors": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Message"},
                },
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": f"Rows per page (default {self.default_limit}).",
                "schema": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": self.max_limit,
                    "default": self.default_limit,
                },
            },
            {
                "name": "offset",
                "in": "query",
                "required": False,
                "description": "Rows to skip.",
                "schema": {"type": "integer", "minimum": 0, "default": 0},
            },
        ]


class FullListPagination(LimitOffsetPagination):
    """Short lists (a lead's history, reasons, sub-statuses) come whole unless paged."""

    default_limit = 1000
