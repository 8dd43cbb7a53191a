"""The org-admin API: ``/v2/orgUnits`` and ``/v2/staff``, for org admins only (the ADMIN role
or a superuser; anyone else 403, 90002). Each action parses, calls one service or selector of
``crm.org`` and answers in the envelope."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from crm.core.api.envelope import list_of, object_envelope, object_response
from crm.core.api.exceptions import raise_coded
from crm.core.api.permissions import IsActiveStaff
from crm.core.api.schema import error_response as _errors
from crm.core.api.schema import paging_parameters
from crm.core.api.serializers import call_service
from crm.core.api.views import IDEMPOTENCY_PARAMETER, ApiViewSet
from crm.core.errors import ErrorCode, ErrorCollector

from .. import selectors, services
from ..models import UnitType, unit_type_of
from ..scope import scope_for
from .serializers import (
    OrgUnitRequestSerializer,
    OrgUnitSerializer,
    StaffRequestSerializer,
    StaffSerializer,
)


class IsOrgAdmin(BasePermission):
    """The org's structure and its staff are for the ADMIN role (and superusers) only."""

    message = "Only org admins may manage org units and staff"

    def has_permission(self, request: Request, view: Any) -> bool:
        return scope_for(request.user).everything


UNIT_CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)
USERNAME = OpenApiParameter("username", OpenApiTypes.STR, OpenApiParameter.PATH)

UNIT_ERRORS = {
    400: _errors(
        400,
        "A bad type, an unknown parent, a parent of the wrong type, a wrong JSON type",
        ErrorCode.ORG_UNIT_TYPE_INVALID,
        ErrorCode.ORG_UNIT_UNKNOWN,
        ErrorCode.ORG_UNIT_PARENT_INVALID,
        ErrorCode.INVALID_FIELD,
    ),
    409: _errors(409, "The code is taken", ErrorCode.ORG_UNIT_EXISTS),
}
STAFF_ERRORS = {
    400: _errors(
        400,
        "A password the validators refuse, a bad username, role or units",
        ErrorCode.PASSWORD_INVALID,
        ErrorCode.NAME_INVALID,
        ErrorCode.EMAIL_INVALID,
        ErrorCode.ROLE_INVALID,
        ErrorCode.ROLE_UNITS_INVALID,
        ErrorCode.ORG_UNIT_UNKNOWN,
        ErrorCode.INVALID_FIELD,
    ),
    409: _errors(409, "The username is taken", ErrorCode.STAFF_EXISTS),
}


class OrgAdminViewSet(ApiViewSet):
    """Add, read and change one kind of row by its key (``lookup_url_kwarg``): each subclass
    names its serializers, services and selector; the schema is each subclass's."""

    permission_classes = [IsActiveStaff, IsOrgAdmin]
    lookup_value_regex = "[^/]+"
    request_serializer: type[Any]
    response_serializer: type[Any]
    not_found: ErrorCode

    # The typed services (crm.org.services) and the keyword arguments of a parsed request.
    create_service: Any
    update_service: Any

    # A field sent as any JSON value (a choice), refused unless text with its code.
    choice_fields: dict[str, ErrorCode] = {}

    def get_serializer_class(self) -> type[Any]:
        if self.action in ("create", "update", "partial_update"):
            return self.request_serializer
        return super().get_serializer_class()

    def create_arguments(self, data: dict[str, Any]) -> dict[str, Any]:
        return self.request_serializer.create_kwargs(data)

    def update_arguments(self, key: str, data: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def typed_arguments(self, arguments: dict[str, Any], errors: ErrorCollector) -> dict:
        """The services take a choice as text (or None): any other JSON value is refused here
        with the choice's code, and left out for the service's check."""
        for name, code in self.choice_fields.items():
            value = arguments.get(name)
            if value is not None and not isinstance(value, str):
                errors.add(name, code, value)
                arguments.pop(name)
        return arguments

    def get_row(self, key: str) -> Any:
        raise NotImplementedError

    def _answer(self, key: str, **kwargs: Any) -> Response:
        row = self.get_row(key)
        if row is None:
            raise_coded(self.not_found, key)
        return object_response(self.response_serializer(row).data, **kwargs)

    def create(self, request: Request) -> Response:
        def respond() -> Response:
            row = call_service(
                self.request_serializer(data=request.data),
                type(self).create_service,
                lambda data, errors: self.typed_arguments(self.create_arguments(data), errors),
            )
            key = getattr(row, self.lookup_url_kwarg)
            url = reverse(f"{self.basename}-detail", kwargs={self.lookup_url_kwarg: key})
            return self._answer(key, headers={"Location": request.build_absolute_uri(url)})

        return self.idempotent(request, respond)

    def retrieve(self, request: Request, **kwargs: str) -> Response:
        return self._answer(kwargs[self.lookup_url_kwarg])

    def update(self, request: Request, **kwargs: str) -> Response:
        key = kwargs[self.lookup_url_kwarg]
        row = call_service(
            self.request_serializer(data=request.data),
            type(self).update_service,
            lambda data, errors: self.typed_arguments(self.update_arguments(key, data), errors),
        )
        return self._answer(getattr(row, self.lookup_url_kwarg))

    def partial_update(self, request: Request, **kwargs: str) -> Response:
        return self.update(request, **kwargs)


def _schemas(
    what: str, path: OpenApiParameter, request: Any, response: Any, errors: dict, not_found: Any
) -> dict[str, Any]:
    answer = object_envelope(response)
    missing = {404: _errors(404, f"No such {what}", not_found)}
    change = {
        "parameters": [path],
        "request": request,
        "responses": {200: answer, **errors, **missing},
    }
    return {
        "create": extend_schema(
            summary=f"Add a {what}",
            description=f"Answers 200 with the {what} and a Location header.",
            request=request,
            parameters=[IDEMPOTENCY_PARAMETER],
            responses={200: answer, **errors},
        ),
        "retrieve": extend_schema(
            summary=f"One {what}", parameters=[path], responses={200: answer, **missing}
        ),
        "update": extend_schema(summary=f"Change a {what} (only the keys sent)", **change),
        "partial_update": extend_schema(summary=f"Change a {what} (as PUT)", **change),
    }


@extend_schema_view(
    **_schemas(
        "org unit",
        UNIT_CODE,
        OrgUnitRequestSerializer,
        OrgUnitSerializer,
        {
            **UNIT_ERRORS,
            409: _errors(
                409,
                "The code is taken, or units under it keep its type",
                ErrorCode.ORG_UNIT_EXISTS,
                ErrorCode.ORG_UNIT_TYPE_LOCKED,
            ),
        },
        ErrorCode.ORG_UNIT_NOT_FOUND,
    )
)
class OrgUnitViewSet(OrgAdminViewSet):
    """Zones, stores and tills."""

    lookup_url_kwarg = "code"
    request_serializer = OrgUnitRequestSerializer
    response_serializer = OrgUnitSerializer
    not_found = ErrorCode.ORG_UNIT_NOT_FOUND

    @extend_schema(
        summary="List org units (zones, then stores, then tills)",
        parameters=[
            OpenApiParameter("type", str, enum=UnitType.values, description="Only this type."),
            *paging_parameters(1000),
        ],
        responses={200: list_of(OrgUnitSerializer)},
    )
    def list(self, request: Request) -> Response:
        unit_type = request.query_params.get("type")
        if unit_type and unit_type.upper() not in UnitType.values:
            raise_coded(ErrorCode.ORG_UNIT_TYPE_INVALID, unit_type)
        units = selectors.org_unit_list(type=unit_type.upper() if unit_type else None)
        return self.page(units, OrgUnitSerializer)

    create_service = staticmethod(services.org_unit_create)
    update_service = staticmethod(services.org_unit_update)

    def typed_arguments(self, arguments: dict[str, Any], errors: ErrorCollector) -> dict:
        if "type" in arguments:
            arguments["type"] = unit_type_of(arguments["type"], errors)
        return arguments

    def update_arguments(self, key: str, data: dict[str, Any]) -> dict[str, Any]:
        return {"unit_code": key, **OrgUnitRequestSerializer.update_kwargs(data)}

    def get_row(self, key: str) -> Any:
        return selectors.org_unit_get(code=key)


@extend_schema_view(
    **_schemas(
        "staff user",
        USERNAME,
        StaffRequestSerializer,
        StaffSerializer,
        STAFF_ERRORS,
        ErrorCode.STAFF_USER_NOT_FOUND,
    )
)
class StaffViewSet(OrgAdminViewSet):
    """Staff users (each with their numeric ``id``), their role and the units it covers.
    Without a password a new account cannot log in until one is set."""

    lookup_url_kwarg = "username"
    request_serializer = StaffRequestSerializer
    response_serializer = StaffSerializer
    not_found = ErrorCode.STAFF_USER_NOT_FOUND

    @extend_schema(
        summary="List staff users with their roles",
        parameters=paging_parameters(1000),
        responses={200: list_of(StaffSerializer)},
    )
    def list(self, request: Request) -> Response:
        return self.page(selectors.staff_list(), StaffSerializer)

    create_service = staticmethod(services.staff_create)
    choice_fields = {"role": ErrorCode.ROLE_INVALID}
    update_service = staticmethod(services.staff_update)

    def update_arguments(self, key: str, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "username": key,
            "changed_by": self.request.user,
            **StaffRequestSerializer.update_kwargs(data),
        }

    def get_row(self, key: str) -> Any:
        return selectors.staff_get(username=key)
