"""``/v2/webhooks``: webhooks and their deliveries, for webhook admins (superusers and holders
of ``webhooks.manage_webhooks``), in the API's envelope."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from crm.core.api.envelope import list_of, object_envelope, object_response
from crm.core.api.pagination import LimitOffsetPagination
from crm.core.api.permissions import IsActiveStaff
from crm.core.api.schema import error_response, paging_parameters
from crm.core.api.serializers import parse
from crm.core.api.views import ApiViewSet
from crm.core.errors import ErrorCode, ErrorCollector, check_all

from .. import selectors, services
from .serializers import (
    DeliverySerializer,
    WebhookRequestSerializer,
    WebhookSerializer,
    WebhookWithSecretSerializer,
)

WEBHOOK_ID = OpenApiParameter("webhookId", OpenApiTypes.STR, OpenApiParameter.PATH)
NOT_FOUND = error_response(404, "No such webhook", ErrorCode.WEBHOOK_NOT_FOUND)
INVALID = error_response(
    400,
    "A URL that is not http(s) or not public, an unknown event, a malformed secret",
    ErrorCode.WEBHOOK_URL_INVALID,
    ErrorCode.WEBHOOK_URL_PRIVATE,
    ErrorCode.WEBHOOK_EVENT_INVALID,
    ErrorCode.WEBHOOK_SECRET_INVALID,
)

# The schema of an action on one webhook named by its path: the webhook, or 404.
ONE_WEBHOOK: dict[str, Any] = {
    "parameters": [WEBHOOK_ID],
    "responses": {200: object_envelope(WebhookSerializer), 404: NOT_FOUND},
}


class ManagesWebhooks(BasePermission):
    """Reads too: a webhook's URL and deliveries are the admins' business."""

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("webhooks.manage_webhooks")


class DeliveryPagination(LimitOffsetPagination):
    default_limit = 50


def _write(request: Request, service: Any, answer: type[Any], **known: Any) -> Response:
    """Parses a webhook sent, hands it to ``service`` with what the path or the user tells
    (``known``) and answers with the endpoint as ``answer`` shows it."""
    data = parse(WebhookRequestSerializer, request.data)
    errors = ErrorCollector()
    arguments = {**known, **WebhookRequestSerializer.typed(data, errors)}
    endpoint = check_all(errors, lambda check_only: service(**arguments, check_only=check_only))
    return object_response(answer(endpoint).data)


class WebhookViewSet(ApiViewSet):
    lookup_url_kwarg = "webhookId"
    lookup_value_regex = "[^/]+"
    permission_classes = [IsActiveStaff, ManagesWebhooks]
    request_serializers = {
        "create": WebhookRequestSerializer,
        "update": WebhookRequestSerializer,
    }

    @extend_schema(summary="List webhooks", responses={200: list_of(WebhookSerializer)})
    def list(self, request: Request) -> Response:
        return self.page(selectors.endpoint_list(), WebhookSerializer)

    @extend_schema(
        summary="Add a webhook",
        description="Answers the webhook with its secret: the only time the secret is shown.",
        request=WebhookRequestSerializer,
        responses={200: object_envelope(WebhookWithSecretSerializer), 400: INVALID},
    )
    def create(self, request: Request) -> Response:
        return _write(
            request, services.endpoint_create, WebhookWithSecretSerializer, created_by=request.user
        )

    @extend_schema(summary="One webhook", **ONE_WEBHOOK)
    def retrieve(self, request: Request, webhookId: str) -> Response:  # noqa: N803
        endpoint = services.endpoint_get(endpoint_id=webhookId)
        return object_response(WebhookSerializer(endpoint).data)

    @extend_schema(
        summary="Change a webhook (only the keys sent; a secret sent replaces it)",
        parameters=[WEBHOOK_ID],
        request=WebhookRequestSerializer,
        responses={200: object_envelope(WebhookSerializer), 400: INVALID, 404: NOT_FOUND},
    )
    def update(self, request: Request, webhookId: str) -> Response:  # noqa: N803
        return _write(request, services.endpoint_update, WebhookSerializer, endpoint_id=webhookId)

    @extend_schema(summary="Remove a webhook (and its deliveries)", **ONE_WEBHOOK)
    def destroy(self, request: Request, webhookId: str) -> Response:  # noqa: N803
        endpoint = services.endpoint_get(endpoint_id=webhookId)
        data = WebhookSerializer(endpoint).data
        services.endpoint_delete(endpoint_id=webhookId)
        return object_response(data)

    @extend_schema(
        summary="A webhook's deliveries, newest first, with their attempts",
        parameters=[WEBHOOK_ID, *paging_parameters(DeliveryPagination.default_limit)],
        responses={200: list_of(DeliverySerializer), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path="deliveries")
    def deliveries(self, request: Request, webhookId: str) -> Response:  # noqa: N803
        endpoint = services.endpoint_get(endpoint_id=webhookId)
        return self.page(
            selectors.delivery_list(endpoint=endpoint), DeliverySerializer, DeliveryPagination()
        )

    @extend_schema(
        summary="Send a delivery again now (a new round of attempts)",
        parameters=[
            WEBHOOK_ID,
            OpenApiParameter("deliveryId", OpenApiTypes.STR, OpenApiParameter.PATH),
        ],
        request=None,
        responses={
            200: object_envelope(DeliverySerializer),
            404: error_response(
                404,
                "No such webhook or delivery",
                ErrorCode.WEBHOOK_NOT_FOUND,
                ErrorCode.WEBHOOK_DELIVERY_NOT_FOUND,
            ),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<deliveryId>[^/]+)/retry",
        url_name="delivery-retry",
    )
    def retry(self, request: Request, webhookId: str, deliveryId: str) -> Response:  # noqa: N803
        delivery = services.delivery_retry(endpoint_id=webhookId, delivery_id=deliveryId)
        return object_response(
            DeliverySerializer(selectors.delivery_get(delivery_id=delivery.pk)).data
        )
