"""camelCase JSON of org units and staff users in the org-admin API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from crm.core.api.serializers import RawField, RequestSerializer, TextField, args
from crm.core.models import User

from ..models import Role, UnitType
from ..selectors import role_of

OPTIONAL_TEXT = {"required": False, "allow_null": True, "allow_blank": True}


class OrgUnitSerializer(serializers.Serializer):
    """A zone, a store or a till. ``code`` is Capillary's ``entityCode``."""

    id = serializers.IntegerField(read_only=True)
    type = serializers.ChoiceField(choices=UnitType.choices, read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    parentCode = serializers.CharField(  # noqa: N815
        source="parent.code", read_only=True, allow_null=True
    )
    isActive = serializers.BooleanField(source="is_active", read_only=True)  # noqa: N815


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A store in the West zone",
            value={"type": "STORE", "code": "S1", "name": "Bandra", "parentCode": "WEST"},
            request_only=True,
        )
    ]
)
class OrgUnitRequestSerializer(RequestSerializer):
    """A zone (no parent), a store (parent: a zone, or none) or a till (parent: a store). On
    PUT only the keys sent change."""

    schema_required = ("type", "code", "name")

    type = RawField(required=False, schema=serializers.ChoiceField(choices=UnitType.choices))
    code = TextField(max_length=64, min_length=1, required=False)
    name = TextField(max_length=200, min_length=1, required=False)
    parentCode = TextField(source="parent_code", **OPTIONAL_TEXT)  # noqa: N815
    isActive = serializers.BooleanField(source="is_active", required=False)  # noqa: N815

    @staticmethod
    def create_kwargs(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": None,
            "code": None,
            "name": None,
            **OrgUnitRequestSerializer.update_kwargs(data),
        }

    @staticmethod
    def update_kwargs(data: dict[str, Any]) -> dict[str, Any]:
        return args(data, "type", "code", "name", "parent_code", "is_active")


class StaffSerializer(serializers.Serializer):
    """A staff user, their role and the units it covers (the password is never shown)."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    firstName = serializers.CharField(source="first_name", read_only=True)  # noqa: N815
    lastName = serializers.CharField(source="last_name", read_only=True)  # noqa: N815
    email = serializers.CharField(read_only=True)
    role = serializers.SerializerMethodField()
    units = serializers.SerializerMethodField()
    isActive = serializers.BooleanField(source="is_active", read_only=True)  # noqa: N815

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_role(self, user: User) -> str | None:
        staff_role = role_of(user)
        return staff_role.role if staff_role else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_units(self, user: User) -> list[str]:
        staff_role = role_of(user)
        # .all() reads the prefetched units (ordered by code) without a query.
        return [unit.code for unit in staff_role.units.all()] if staff_role else []


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An associate of store S1",
            value={
                "username": "priya",
                "firstName": "Priya",
                "lastName": "Nair",
                "email": "priya@store.example",
                "password": "a long passphrase",
                "role": "ASSOCIATE",
                "units": ["S1"],
                "isActive": True,
            },
            request_only=True,
        )
    ]
)
class StaffRequestSerializer(RequestSerializer):
    """A staff user. ``password`` is write-only and checked by the password validators;
    ``role`` null removes the role (the user then sees only the leads they own or created).
    On PUT only the keys sent change (``username`` is the path's)."""

    schema_required = ("username",)

    username = TextField(max_length=150, min_length=1, required=False)
    firstName = TextField(source="first_name", max_length=150, **OPTIONAL_TEXT)  # noqa: N815
    lastName = TextField(source="last_name", max_length=150, **OPTIONAL_TEXT)  # noqa: N815
    email = TextField(max_length=254, **OPTIONAL_TEXT)
    password = TextField(write_only=True, **OPTIONAL_TEXT)
    role = RawField(
        required=False,
        allow_null=True,
        schema=serializers.ChoiceField(choices=Role.choices, allow_null=True),
    )
    units = serializers.ListField(child=TextField(), required=False, allow_null=True)
    isActive = serializers.BooleanField(source="is_active", required=False)  # noqa: N815

    @staticmethod
    def create_kwargs(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "username": None,
            **args(
                data,
                "username",
                "first_name",
                "last_name",
                "email",
                "password",
                "role",
                "units",
                "is_active",
            ),
        }

    @staticmethod
    def update_kwargs(data: dict[str, Any]) -> dict[str, Any]:
        return args(
            data, "first_name", "last_name", "email", "password", "role", "units", "is_active"
        )
