"""camelCase JSON of customers in the v2 API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from crm.core.api.serializers import DateTimeField, RawField, RequestSerializer, TextField, args
from crm.core.errors import ErrorCollector
from customers.inputs import loyalty_type_of
from customers.models import Customer

OPTIONAL_TEXT = {"required": False, "allow_null": True, "allow_blank": True}


class CustomerSummarySerializer(serializers.Serializer):
    """A customer as shown inside a lead."""

    id = serializers.IntegerField(read_only=True)
    firstName = serializers.CharField(source="first_name", read_only=True)  # noqa: N815
    lastName = serializers.CharField(source="last_name", read_only=True)  # noqa: N815
    mobile = serializers.CharField(read_only=True, allow_null=True)
    email = serializers.CharField(read_only=True, allow_null=True)
    externalId = serializers.CharField(  # noqa: N815
        source="external_id", read_only=True, allow_null=True
    )
    loyaltyType = serializers.ChoiceField(  # noqa: N815
        source="loyalty_type", choices=Customer.LoyaltyType.choices, read_only=True
    )


class CustomerSerializer(CustomerSummarySerializer):
    """A customer: a person leads are for."""

    createdOn = DateTimeField(source="created_on", read_only=True)  # noqa: N815
    updatedOn = DateTimeField(source="updated_on", read_only=True)  # noqa: N815


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Walk-in customer",
            value={
                "firstName": "Asha",
                "lastName": "Rao",
                "mobile": "+919876543210",
                "email": "asha@example.com",
            },
            request_only=True,
        )
    ]
)
class CustomerRegisterSerializer(RequestSerializer):
    """A new customer; mobile is stored in E.164, email in lower case."""

    loyaltyType = RawField(  # noqa: N815
        source="loyalty_type",
        required=False,
        # An empty value names no type, as parsing reads it (crm.core.parsing.choice_of).
        schema={
            "type": "string",
            "enum": [*Customer.LoyaltyType.values, ""],
            "default": Customer.LoyaltyType.NON_LOYALTY,
            "description": "LOYALTY or NON_LOYALTY; absent or empty: NON_LOYALTY.",
        },
    )
    firstName = TextField(source="first_name", **OPTIONAL_TEXT)  # noqa: N815
    lastName = TextField(source="last_name", **OPTIONAL_TEXT)  # noqa: N815
    mobile = TextField(**OPTIONAL_TEXT)
    email = TextField(**OPTIONAL_TEXT)
    externalId = TextField(source="external_id", **OPTIONAL_TEXT)  # noqa: N815

    @staticmethod
    def typed(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
        kwargs = args(data, "mobile", "email", "external_id")
        # A name sent as null is no name.
        kwargs.update(
            {name: data[name] or "" for name in ("first_name", "last_name") if name in data}
        )
        loyalty_type = loyalty_type_of(data.get("loyalty_type"), errors)
        return {**kwargs, "loyalty_type": loyalty_type}
