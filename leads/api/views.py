"""The v2 Leads API. Each action parses, calls one service or selector, and answers in the
envelope; the rules and their codes live in ``leads.services`` / ``leads.models``."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from crm.core.api.envelope import (
    list_of,
    list_response,
    object_envelope,
    object_response,
)
from crm.core.api.exceptions import ApiError, camel_error, raise_coded
from crm.core.api.pagination import FullListPagination, LimitOffsetPagination
from crm.core.api.schema import error_response as _errors
from crm.core.api.schema import paging_parameters
from crm.core.api.serializers import call_service
from crm.core.api.views import IDEMPOTENCY_PARAMETER, ApiViewSet
from leads import inputs, selectors, services
from leads.errors import ErrorCode, ErrorCollector, error_item, error_items
from leads.filters import SEARCH_MAX_LENGTH, SORT_FIELDS, filtered_leads
from leads.models import LeadType, Status
from leads.resolvers import next_follow_up_warnings, resolve_actor

from .rows import lead_row_get, lead_rows, lead_values
from .serializers import (
    BulkItemResultSerializer,
    BulkStatusItemSerializer,
    FollowUpRequestSerializer,
    FollowUpSerializer,
    LeadCreateSerializer,
    LeadSerializer,
    LeadUpdateSerializer,
    ReasonRequestSerializer,
    ReasonSerializer,
    StatusChangeSerializer,
    StatusLogSerializer,
    SubStatusRequestSerializer,
    SubStatusSerializer,
)

LEAD_ID = OpenApiParameter(
    "leadId",
    OpenApiTypes.STR,
    location=OpenApiParameter.PATH,
    description="The lead's id (anything that is not an existing id is 92001).",
)


LEAD_BODY_ERRORS = _errors(
    400,
    "Every problem of the request, each with its code",
    ErrorCode.LEAD_FOR_NULL,
    ErrorCode.INVALID_LEAD_TYPE,
    ErrorCode.USER_NOT_FOUND,
    ErrorCode.INVALID_FIELD,
)

# The date filters take a date (its whole day) or a date-time; anything else is 90013.
DATE_OR_TIME = {"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]}

FILTER_PARAMETERS = [
    OpenApiParameter("userId", int, description="Customer id (92008 when none)."),
    OpenApiParameter(
        "status", str, description="One or more statuses, comma-separated: " + ", ".join(Status)
    ),
    OpenApiParameter("substatus", str, description="Sub-status name (92020 when none)."),
    OpenApiParameter("owner", str, description="Owner's username (92019 when none)."),
    OpenApiParameter(
        "type", str, description="One or more types, comma-separated: " + ", ".join(LeadType)
    ),
    OpenApiParameter("leadFor", str, description="Exactly this item."),
    OpenApiParameter("orgSourceId", int, description="Org source id (92014 when none)."),
    OpenApiParameter(
        "importJob",
        # An id the database can hold (a larger number is no import's id: 90013).
        {"type": "integer", "minimum": -(2**63) + 1, "maximum": 2**63 - 1},
        description="Only the leads a CSV import added.",
    ),
    OpenApiParameter(
        "entityType",
        str,
        enum=["ZONE", "STORE", "TILL"],
        description="With entityCode: a store's leads, a till's store's, or every store of a "
        "zone's (90035 for another type).",
    ),
    OpenApiParameter(
        "entityCode", str, description="The unit's code (90038 when there is none of the type)."
    ),
    OpenApiParameter("storeCode", str, description="A store's (or a till's store's) leads."),
    OpenApiParameter("createdOnFrom", DATE_OR_TIME, description="ISO 8601 date or date-time."),
    OpenApiParameter(
        "createdOnTo", DATE_OR_TIME, description="ISO 8601 date (whole day) or date-time."
    ),
    OpenApiParameter("nextFollowUpFrom", DATE_OR_TIME, description="ISO 8601 date or date-time."),
    OpenApiParameter("nextFollowUpTo", DATE_OR_TIME, description="ISO 8601 date or date-time."),
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": SEARCH_MAX_LENGTH},
        description="Text in leadFor or the customer's name/contact (90013 past the length).",
    ),
    OpenApiParameter("sortBy", str, enum=list(SORT_FIELDS), description="Default createdOn."),
    OpenApiParameter("sortOrder", str, enum=["ASC", "DESC"], description="Default DESC."),
]


UPDATE: dict[str, Any] = {
    "parameters": [LEAD_ID],
    "request": LeadUpdateSerializer,
    "responses": {
        200: object_envelope(LeadSerializer),
        400: _errors(
            400,
            "",
            ErrorCode.INVALID_OWNER,
            ErrorCode.UNKNOWN_EXTENDED_FIELD,
            ErrorCode.UNKNOWN_STORE,
        ),
        403: _errors(403, "Your role does not allow it", ErrorCode.LEAD_FORBIDDEN),
        404: _errors(404, "", ErrorCode.LEAD_NOT_FOUND),
    },
}


def call_as_actor(
    request: Request,
    serializer_class: Any,
    service: Any,
    by: str,
    lead_id: str | None = None,
) -> Any:
    """``service`` with the typed request, in the name of the staff user the request's
    ``createdBy`` names (``by`` is the service's argument for it): the caller when it names
    none; otherwise the caller is passed as ``recorded_by``, for audit. ``lead_id`` is the
    path's, for a service about one lead. A ``createdBy`` that cannot be used is reported
    together with what the service finds wrong (checked as the caller)."""

    def typed(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
        actor = resolve_actor(request.user, data.get("created_by"), errors)
        kwargs = {
            by: actor,
            "recorded_by": request.user if actor.pk != request.user.pk else None,
            **serializer_class.typed(data, errors),
        }
        if lead_id is not None:
            kwargs["lead_id"] = inputs.lead_id_of(lead_id, errors)
        return kwargs

    return call_service(serializer_class(data=request.data), _on_lead(service), typed)


def _on_lead(service: Any) -> Any:
    """``service``, but for a lead id that could not be one (reported as 92001), which leaves
    nothing else to check."""

    def call(**kwargs: Any) -> Any:
        return None if "lead_id" in kwargs and kwargs["lead_id"] is None else service(**kwargs)

    return call


def _lead_response(lead_id: Any, user: Any, **kwargs: Any) -> Response:
    """The lead as ``user`` may see it; None after a write the caller was allowed to make
    (a handover may take the lead out of their sight: they are still shown what they did)."""
    return object_response(lead_row_get(lead_id=lead_id, user=user), **kwargs)


def _location(request: Request, name: str, **kwargs: Any) -> str:
    return request.build_absolute_uri(reverse(name, kwargs=kwargs))


def _history_action(
    name: str, related: str, serializer_class: type, what: str, url_path: str, url_name: str
) -> Any:
    """``GET /v2/leads/{leadId}/<url_path>``: one of the lead's histories, oldest first, in
    the list envelope. The detail queryset has both prefetched in order: three queries in all."""

    def history(self: ApiViewSet, request: Request, leadId: str) -> Response:  # noqa: N803
        lead = selectors.lead_get(lead_id=leadId, user=request.user)
        return self.page(getattr(lead, related).all(), serializer_class, FullListPagination())

    # The router maps the URL to the method by this name.
    history.__name__ = history.__qualname__ = name
    return extend_schema(
        summary=f"The lead's {what}, oldest first",
        parameters=[LEAD_ID, *paging_parameters(FullListPagination.default_limit)],
        responses={200: list_of(serializer_class), 404: _errors(404, "", 92001)},
    )(action(detail=True, methods=["get"], url_path=url_path, url_name=url_name)(history))


class LeadViewSet(ApiViewSet):
    """Leads: search, add, read, update, change status, follow-ups and history."""

    lookup_url_kwarg = "leadId"
    # Any text reaches the view, so that "abc" is the coded 92001 rather than an unknown URL.
    lookup_value_regex = "[^/]+"
    pagination_class = LimitOffsetPagination
    request_serializers = {
        "create": LeadCreateSerializer,
        "update": LeadUpdateSerializer,
        "partial_update": LeadUpdateSerializer,
        "change_status": StatusChangeSerializer,
        "followup": FollowUpRequestSerializer,
    }

    @extend_schema(
        summary="Search leads",
        parameters=FILTER_PARAMETERS + paging_parameters(LimitOffsetPagination.default_limit),
        responses={200: list_of(LeadSerializer)},
    )
    def list(self, request: Request) -> Response:
        # Filter and paging problems are reported together.
        errors = ErrorCollector()
        leads: Any = None
        try:
            leads = filtered_leads(
                request.query_params, selectors.lead_search_queryset(), user=request.user
            )
        except ValidationError as exc:
            errors.extend(exc)
        try:
            self.paginator.read_params(request)
        except ValidationError as exc:
            errors.extend(exc)
        errors.raise_if_any()
        # Counted without the joins the rows need, then read as the rows' tuples.
        page = self.paginator.paginate_queryset(leads, request, view=self, rows=lead_values)
        return self.paginator.get_paginated_response(lead_rows(page))

    @extend_schema(
        summary="Add a lead",
        description=(
            "Answers 200 with the lead (as Capillary does) and a Location header. An OPEN or "
            "ON_HOLD lead of the same customer, type and leadFor is reported in `warnings` "
            "(90101)."
        ),
        request=LeadCreateSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            200: object_envelope(LeadSerializer),
            400: LEAD_BODY_ERRORS,
            422: _errors(422, "Idempotency-Key reused", ErrorCode.IDEMPOTENCY_KEY_REUSED),
        },
    )
    def create(self, request: Request) -> Response:
        return self.idempotent(request, lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        result = call_as_actor(request, LeadCreateSerializer, services.lead_create, "created_by")
        return _lead_response(
            result.lead.pk,
            None,
            warnings=result.warnings,
            headers={"Location": _location(request, "api-lead-detail", leadId=result.lead.pk)},
        )

    @extend_schema(
        summary="One lead",
        parameters=[LEAD_ID],
        responses={200: object_envelope(LeadSerializer), 404: _errors(404, "", 92001)},
    )
    def retrieve(self, request: Request, leadId: str) -> Response:  # noqa: N803
        return _lead_response(leadId, request.user)

    @extend_schema(
        summary="Update a lead (extended fields, owner, next follow-up, store)", **UPDATE
    )
    def update(self, request: Request, leadId: str) -> Response:  # noqa: N803
        def typed(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
            kwargs = LeadUpdateSerializer.typed(data, errors)
            return {**kwargs, "lead_id": inputs.lead_id_of(leadId, errors)}

        call_service(
            LeadUpdateSerializer(data=request.data),
            _on_lead(partial(services.lead_update, updated_by=request.user)),
            typed,
        )
        return _lead_response(leadId, None)

    @extend_schema(summary="Update a lead (as PUT: only the keys sent change)", **UPDATE)
    def partial_update(self, request: Request, leadId: str) -> Response:  # noqa: N803
        return self.update(request, leadId)

    @extend_schema(
        summary="Change a lead's status",
        parameters=[LEAD_ID],
        request=StatusChangeSerializer,
        responses={
            200: object_envelope(LeadSerializer),
            400: _errors(
                400,
                "",
                ErrorCode.INVALID_LEAD_STATUS,
                ErrorCode.STATUS_EMPTY,
                ErrorCode.INVALID_SUB_STATUS,
                ErrorCode.REASON_NOT_FOUND,
            ),
            404: _errors(404, "", ErrorCode.LEAD_NOT_FOUND),
            409: _errors(409, "", ErrorCode.DUPLICATE_LEAD_STATUS, ErrorCode.LEAD_CLOSED),
        },
    )
    @action(detail=True, methods=["put"], url_path="status", url_name="status")
    def change_status(self, request: Request, leadId: str) -> Response:  # noqa: N803
        call_as_actor(
            request,
            StatusChangeSerializer,
            services.lead_change_status,
            "changed_by",
            lead_id=leadId,
        )
        return _lead_response(leadId, None)

    status_log = _history_action(
        "status_log", "status_logs", StatusLogSerializer, "status log", "statusLog", "status-log"
    )
    followups = _history_action(
        "followups", "followups", FollowUpSerializer, "follow-ups", "followups", "followups"
    )

    @extend_schema(
        summary="Add a follow-up",
        parameters=[LEAD_ID, IDEMPOTENCY_PARAMETER],
        request=FollowUpRequestSerializer,
        description="Answers the whole lead, with the new follow-up in `followUpDetails`, as "
        "Capillary does.",
        responses={
            200: object_envelope(LeadSerializer),
            400: _errors(
                400,
                "",
                ErrorCode.FOLLOWED_UP_ON_NULL,
                ErrorCode.FOLLOWED_UP_IN_FUTURE,
                ErrorCode.INVALID_FIELD,
            ),
            404: _errors(404, "", ErrorCode.LEAD_NOT_FOUND),
            422: _errors(422, "", ErrorCode.IDEMPOTENCY_KEY_REUSED),
        },
    )
    @action(detail=True, methods=["post"], url_path="followup", url_name="followup")
    def followup(self, request: Request, leadId: str) -> Response:  # noqa: N803
        def respond() -> Response:
            followup = call_as_actor(
                request,
                FollowUpRequestSerializer,
                services.lead_add_followup,
                "created_by",
                lead_id=leadId,
            )
            return _lead_response(
                followup.lead_id, None, warnings=next_follow_up_warnings(followup.next_follow_up)
            )

        return self.idempotent(request, respond)


def _array(data: Any, expected: str) -> list[Any]:
    """The body as a JSON array, or the coded 90019."""
    if not isinstance(data, list):
        raise_coded(ErrorCode.INVALID_BODY, f"expected a JSON array of {expected}")
    return data


class ReasonViewSet(ApiViewSet):
    """Reasons attached to status changes. Adding needs ``leads.add_reason``."""

    write_permission = "leads.add_reason"
    request_serializers = {"create": ReasonRequestSerializer}

    @extend_schema(
        summary="List reasons",
        parameters=paging_parameters(FullListPagination.default_limit),
        responses={200: list_of(ReasonSerializer)},
    )
    def list(self, request: Request) -> Response:
        return self.page(selectors.reason_list(), ReasonSerializer)

    @extend_schema(
        summary="Add reasons (all or none)",
        request=ReasonRequestSerializer(many=True),
        parameters=[IDEMPOTENCY_PARAMETER],
        examples=[
            OpenApiExample(
                "Two reasons",
                value=[{"reason": "Price too high"}, {"reason": "Bought elsewhere"}],
                request_only=True,
            )
        ],
        responses={
            200: list_of(ReasonSerializer),
            400: _errors(400, "", ErrorCode.REASON_EMPTY, ErrorCode.INVALID_BODY),
            409: _errors(409, "The text is a reason already", ErrorCode.REASON_EXISTS),
        },
    )
    def create(self, request: Request) -> Response:
        def respond() -> Response:
            items = _array(request.data, '{"reason": "..."}')
            reasons = call_service(
                ReasonRequestSerializer(data=items, many=True),
                services.reasons_create,
                ReasonRequestSerializer.typed,
            )
            return list_response(ReasonSerializer(reasons, many=True).data)

        return self.idempotent(request, respond)


class SubStatusViewSet(ApiViewSet):
    """``POST /v2/leads/substatus``: define a sub-status (needs ``leads.add_substatus``)."""

    write_permission = "leads.add_substatus"
    request_serializers = {"create": SubStatusRequestSerializer}

    @extend_schema(
        summary="Add a sub-status",
        request=SubStatusRequestSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        examples=[
            OpenApiExample(
                "On hold",
                value={"status": "ON_HOLD", "subStatus": "YetToDecide"},
                request_only=True,
            )
        ],
        responses={
            200: object_envelope(SubStatusSerializer),
            400: _errors(
                400,
                "",
                ErrorCode.STATUS_EMPTY,
                ErrorCode.INVALID_LEAD_STATUS,
                ErrorCode.SUB_STATUS_EMPTY,
            ),
            409: _errors(409, "", ErrorCode.SUB_STATUS_EXISTS),
        },
    )
    def create(self, request: Request) -> Response:
        def respond() -> Response:
            sub = call_service(
                SubStatusRequestSerializer(data=request.data),
                services.substatus_create,
                SubStatusRequestSerializer.typed,
            )
            return object_response(SubStatusSerializer(sub).data)

        return self.idempotent(request, respond)


class SubStatusListViewSet(ApiViewSet):
    """``GET /v2/leads/substatuses``: the sub-statuses, optionally of one status."""

    @extend_schema(
        summary="List sub-statuses",
        parameters=[
            OpenApiParameter("status", str, enum=Status.values, description="Only this status."),
            *paging_parameters(FullListPagination.default_limit),
        ],
        responses={200: list_of(SubStatusSerializer)},
    )
    def list(self, request: Request) -> Response:
        rows = selectors.substatus_list(status=request.query_params.get("status"))
        return self.page(rows, SubStatusSerializer)


class BulkStatusViewSet(ApiViewSet):
    """``POST /v2/leads/bulk/status``: each item applies or fails on its own."""

    request_serializers = {"create": BulkStatusItemSerializer}

    @extend_schema(
        summary="Change the status of many leads",
        description=(
            "Each item succeeds or fails on its own, with its own codes in its `errors`; "
            "the valid items apply even when others fail. At most LEADS_BULK_MAX_ITEMS items "
            "(90012 past it)."
        ),
        request=BulkStatusItemSerializer(many=True),
        parameters=[IDEMPOTENCY_PARAMETER],
        examples=[
            OpenApiExample(
                "Two leads",
                value=[
                    {"leadId": 1, "status": "WON", "reasonId": 1},
                    {"leadId": 2, "status": "ON_HOLD", "subStatus": "YetToDecide"},
                ],
                request_only=True,
            )
        ],
        responses={
            200: list_of(BulkItemResultSerializer),
            400: _errors(400, "", ErrorCode.BULK_TOO_MANY_ITEMS, ErrorCode.INVALID_BODY),
        },
    )
    def create(self, request: Request) -> Response:
        return self.idempotent(request, lambda: self._bulk(request))

    def _bulk(self, request: Request) -> Response:
        items = _array(request.data, "{leadId, status, subStatus, reasonId}")
        limit = settings.LEADS_BULK_MAX_ITEMS
        if len(items) > limit:
            raise_coded(ErrorCode.BULK_TOO_MANY_ITEMS, limit)

        def change(*, lead_id: int | None, change: Any, check_only: bool) -> Any:
            if check_only:
                return _on_lead(services.lead_change_status)(
                    lead_id=lead_id, changed_by=request.user, check_only=True, **change.as_kwargs()
                )
            [result] = services.lead_bulk_change_status(
                items=[(lead_id, change)], changed_by=request.user
            )
            return result

        results: list[services.BulkItemResult] = []
        for index, raw in enumerate(items):
            result = services.BulkItemResult(
                index=index, lead_id=raw.get("leadId") if isinstance(raw, dict) else None
            )
            if not isinstance(raw, dict):
                result.errors = [error_item(ErrorCode.INVALID_FIELD, "item", "expected an object")]
            else:
                # Each item on its own: its problems are its own, all of them at once.
                try:
                    result = call_service(
                        BulkStatusItemSerializer(data=raw), change, BulkStatusItemSerializer.typed
                    )
                except ApiError as exc:
                    result.errors = exc.items
                except ValidationError as exc:
                    result.errors = error_items(camel_error(exc))
            result.index = index
            results.append(result)

        changed = selectors.lead_detail_queryset().in_bulk(
            [r.lead.pk for r in results if r.ok and r.lead is not None]
        )
        for result in results:
            result.lead = changed.get(result.lead.pk) if result.ok and result.lead else None
        return list_response(BulkItemResultSerializer(results, many=True).data)
