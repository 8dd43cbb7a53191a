"""``/v2/me/notifications``: the signed-in user's in-app notifications (follow-ups due, webhooks
switched off), newest first, and marking them read."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from ..selectors import notification_list
from ..services import notifications_mark_read
from .envelope import list_of, object_envelope, object_response
from .pagination import LimitOffsetPagination
from .schema import error_response, paging_parameters
from .serializers import DateTimeField, IdField, RequestSerializer, parse
from .views import ApiViewSet


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    createdOn = DateTimeField(source="created_on")  # noqa: N815
    readOn = DateTimeField(source="read_on", allow_null=True)  # noqa: N815


class MarkReadSerializer(RequestSerializer):
    """``ids`` to mark read; without it, every unread notification."""

    ids = serializers.ListField(child=IdField(), required=False)


class NotificationQuerySerializer(RequestSerializer):
    unread = serializers.BooleanField(required=False, default=False)


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationPagination(LimitOffsetPagination):
    default_limit = 20


class NotificationViewSet(ApiViewSet):
    pagination_class = NotificationPagination
    request_serializers = {"read": MarkReadSerializer}

    @extend_schema(
        summary="Your notifications, newest first",
        parameters=[
            *paging_parameters(NotificationPagination.default_limit),
            OpenApiParameter("unread", bool, description="true: only those not read yet."),
        ],
        responses={200: list_of(NotificationSerializer)},
    )
    def list(self, request: Request) -> Response:
        # An empty value is no filter, as for every query parameter of the API.
        query = {k: v for k, v in request.query_params.items() if k == "unread" and v != ""}
        unread = parse(NotificationQuerySerializer, query)["unread"]
        return self.page(
            notification_list(user=request.user, unread_only=unread), NotificationSerializer
        )

    @extend_schema(
        summary="Mark your notifications read (those of ids, or all)",
        request=MarkReadSerializer,
        responses={
            200: object_envelope(MarkedSerializer),
            400: error_response(400, "ids is not a list of ids", 90008),
        },
    )
    @action(detail=False, methods=["post"], url_path="read")
    def read(self, request: Request) -> Response:
        data = parse(MarkReadSerializer, request.data)
        marked = notifications_mark_read(user=request.user, ids=data.get("ids"))
        return object_response({"marked": marked})


router = SimpleRouter(trailing_slash=False)
router.register("me/notifications", NotificationViewSet, basename="api-notification")
urlpatterns = router.urls
