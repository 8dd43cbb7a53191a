"""``/v2/customers``: look a customer up by identifier, register one, read one."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from crm.core.api.envelope import object_envelope, object_response
from crm.core.api.exceptions import raise_coded
from crm.core.api.schema import error_response
from crm.core.api.serializers import call_service
from crm.core.api.views import IDEMPOTENCY_PARAMETER, ApiViewSet
from crm.core.errors import ErrorCode
from crm.core.parsing import parse_id
from customers import selectors, services
from customers.services import IdType

from .serializers import CustomerRegisterSerializer, CustomerSerializer


def _customer_or_404(customer: object) -> None:
    if customer is None:
        raise_coded(ErrorCode.CUSTOMER_NOT_FOUND)


class CustomerViewSet(ApiViewSet):
    lookup_url_kwarg = "userId"
    lookup_value_regex = "[^/]+"
    request_serializers = {"create": CustomerRegisterSerializer}
    # GET /v2/customers looks one customer up: it answers an object, not a page.
    pagination_class = None

    @extend_schema(
        summary="Look a customer up by identifier",
        parameters=[
            OpenApiParameter(
                "idType",
                str,
                required=True,
                enum=IdType.ALL,
                description="MOBILE, EMAIL or EXTERNAL_ID (any case); 92015 otherwise.",
            ),
            OpenApiParameter(
                "identifier",
                {"type": "string", "minLength": 1},
                required=True,
                description="The mobile, email or external id.",
            ),
        ],
        responses={
            200: object_envelope(CustomerSerializer),
            400: error_response(
                400, "No identifier, or a wrong idType", ErrorCode.USER_DETAILS_EMPTY, 92015
            ),
            404: error_response(404, "No customer has it", ErrorCode.CUSTOMER_NOT_FOUND),
        },
    )
    def list(self, request: Request) -> Response:
        customer = selectors.customer_find(
            id_type=request.query_params.get("idType"),
            identifier=request.query_params.get("identifier"),
        )
        _customer_or_404(customer)
        return object_response(CustomerSerializer(customer).data)

    @extend_schema(
        summary="Register a customer",
        description="Answers 200 with the customer and a Location header.",
        request=CustomerRegisterSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            200: object_envelope(CustomerSerializer),
            400: error_response(
                400,
                "An identifier that is not valid, a wrong JSON type",
                ErrorCode.CUSTOMER_REGISTRATION_FAILED,
                ErrorCode.INVALID_FIELD,
            ),
            409: error_response(
                409,
                "The mobile, email or external id belongs to a customer already",
                ErrorCode.CUSTOMER_EXISTS,
            ),
        },
    )
    def create(self, request: Request) -> Response:
        def respond() -> Response:
            customer = call_service(
                CustomerRegisterSerializer(data=request.data),
                services.customer_register,
                CustomerRegisterSerializer.typed,
            )
            location = request.build_absolute_uri(
                reverse("api-customer-detail", kwargs={"userId": customer.pk})
            )
            return object_response(
                CustomerSerializer(customer).data, headers={"Location": location}
            )

        return self.idempotent(request, respond)

    @extend_schema(
        summary="One customer",
        parameters=[OpenApiParameter("userId", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={
            200: object_envelope(CustomerSerializer),
            404: error_response(404, "No such customer", ErrorCode.CUSTOMER_NOT_FOUND),
        },
    )
    def retrieve(self, request: Request, userId: str) -> Response:  # noqa: N803
        pk = parse_id(userId)
        customer = selectors.customer_get(customer_id=pk) if pk is not None else None
        _customer_or_404(customer)
        return object_response(CustomerSerializer(customer).data)
