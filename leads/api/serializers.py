"""camelCase JSON of the Leads API, in and out.

Request serializers check JSON types; their ``typed`` step turns the parsed values into the
services' typed arguments with ``leads.inputs``, which reports a value that cannot be one
with the registry's code. The services apply the rules and raise the registry's codes.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from crm.core.api.envelope import MessageSerializer
from crm.core.api.serializers import (
    DateTimeField,
    IdField,
    RawField,
    RequestSerializer,
    StaffIdField,
    TextField,
    UsernameField,
)
from crm.core.errors import ErrorCode, ErrorCollector, Refusals
from customers.api.serializers import CustomerSummarySerializer
from customers.inputs import CustomerDetails
from leads import inputs
from leads.models import LeadType, Status

STATUS_SCHEMA = serializers.ChoiceField(choices=Status.choices)
NULLABLE_TEXT = {"type": "string", "nullable": True}
NULLABLE_ID = {"type": "integer", "nullable": True}
# A staff user as Capillary clients name one (the staff id), or by username.
STAFF_SCHEMA = {"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True}


def optional(schema: dict[str, Any] | serializers.Field, **kwargs: Any) -> RawField:
    """A JSON value the body may leave out or send as null, handed on as sent (typed later)."""
    return RawField(required=False, allow_null=True, schema=schema, **kwargs)


def created_by_field(what: str) -> RawField:
    """A request's ``createdBy``: the staff user (id or username) the write is recorded for."""
    return optional(
        STAFF_SCHEMA,
        source="created_by",
        help_text=f"Staff id or username of the staff user the {what} is recorded for "
        "(default: you; 90026 when you may not act for them).",
    )


# --- responses -----------------------------------------------------------------------------


class LeadHistorySerializer(serializers.Serializer):
    """What a follow-up and a status log row both show: which lead and customer, the notes,
    who recorded it and when. A subclass's own fields stand between the ids and the notes."""

    TRAILING = ("notes", "createdBy", "createdOn")

    id = serializers.IntegerField(read_only=True)
    leadId = serializers.IntegerField(source="lead_id", read_only=True)  # noqa: N815
    userId = serializers.IntegerField(source="lead.customer_id", read_only=True)  # noqa: N815
    notes = serializers.CharField(read_only=True)
    createdBy = StaffIdField("created_by")  # noqa: N815
    createdOn = DateTimeField(source="created_on", read_only=True)  # noqa: N815

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for name in self.TRAILING:
            fields[name] = fields.pop(name)
        return fields


class FollowUpSerializer(LeadHistorySerializer):
    """A contact with the customer about a lead."""

    followedUpOn = DateTimeField(source="followed_up_on", read_only=True)  # noqa: N815
    followedUpBy = StaffIdField("followed_up_by")  # noqa: N815
    scheduledFollowUp = DateTimeField(  # noqa: N815
        source="scheduled_follow_up", read_only=True, allow_null=True
    )
    nextFollowUp = DateTimeField(  # noqa: N815
        source="next_follow_up", read_only=True, allow_null=True
    )


class StatusLogSerializer(LeadHistorySerializer):
    """One status the lead has held (``statusLogDetails``)."""

    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    subStatus = serializers.CharField(  # noqa: N815
        source="sub_status.name", read_only=True, allow_null=True
    )
    reasonId = serializers.IntegerField(  # noqa: N815
        source="reason_id", read_only=True, allow_null=True
    )
    reason = serializers.CharField(source="reason.reason", read_only=True, allow_null=True)


class LeadSerializer(serializers.Serializer):
    """A lead with its customer, follow-ups and status log (oldest first)."""

    id = serializers.IntegerField(read_only=True)
    userId = serializers.IntegerField(source="customer_id", read_only=True)  # noqa: N815
    type = serializers.ChoiceField(choices=LeadType.choices, read_only=True)
    leadFor = serializers.CharField(source="lead_for", read_only=True)  # noqa: N815
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    subStatus = serializers.CharField(  # noqa: N815
        source="sub_status.name", read_only=True, allow_null=True
    )
    owner = UsernameField("owner")
    orgSourceId = serializers.IntegerField(source="org_source_id", read_only=True)  # noqa: N815
    storeCode = serializers.CharField(  # noqa: N815
        source="store.code",
        read_only=True,
        allow_null=True,
        help_text="The store the lead belongs to (its entityCode); null: an org-level lead.",
    )
    nextFollowUp = DateTimeField(  # noqa: N815
        source="next_follow_up", read_only=True, allow_null=True
    )
    lastFollowUp = DateTimeField(  # noqa: N815
        source="last_follow_up", read_only=True, allow_null=True
    )
    createdOn = DateTimeField(source="created_on", read_only=True)  # noqa: N815
    createdBy = StaffIdField("created_by")  # noqa: N815
    lastUpdatedOn = DateTimeField(source="last_updated_on", read_only=True)  # noqa: N815
    lastUpdatedBy = StaffIdField("last_updated_by")  # noqa: N815
    extendedFields = serializers.DictField(  # noqa: N815
        source="extended_fields", read_only=True
    )
    customer = CustomerSummarySerializer(read_only=True)
    followUpDetails = FollowUpSerializer(  # noqa: N815
        source="followups.all", many=True, read_only=True
    )
    statusLogDetails = StatusLogSerializer(  # noqa: N815
        source="status_logs.all", many=True, read_only=True
    )


class ReasonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reason = serializers.CharField(read_only=True)
    createdOn = DateTimeField(source="created_on", read_only=True)  # noqa: N815


class SubStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    subStatus = serializers.CharField(source="name", read_only=True)  # noqa: N815
    createdOn = DateTimeField(source="created_on", read_only=True)  # noqa: N815


class BulkItemResultSerializer(serializers.Serializer):
    """The outcome of one bulk item: the lead as it is now, or that item's own errors."""

    index = serializers.IntegerField(read_only=True)
    leadId = RawField(  # noqa: N815
        source="lead_id",
        read_only=True,
        allow_null=True,
        schema={"description": "The item's leadId as sent (null when missing)."},
    )
    success = serializers.BooleanField(source="ok", read_only=True)
    lead = LeadSerializer(read_only=True, allow_null=True)
    errors = MessageSerializer(many=True, read_only=True)


# --- requests ------------------------------------------------------------------------------


class CustomerDetailsSerializer(RequestSerializer):
    """Used when an unknown identifier registers a new customer."""

    firstName = TextField(  # noqa: N815
        source="first_name", required=False, allow_null=True, allow_blank=True
    )
    lastName = TextField(  # noqa: N815
        source="last_name", required=False, allow_null=True, allow_blank=True
    )
    mobile = TextField(required=False, allow_null=True, allow_blank=True)
    email = TextField(required=False, allow_null=True, allow_blank=True)


class FollowUpRequestSerializer(RequestSerializer):
    schema_required = ("followedUpOn",)

    followedUpOn = DateTimeField(  # noqa: N815
        source="followed_up_on", required=False, allow_null=True
    )
    followedUpBy = optional(  # noqa: N815
        STAFF_SCHEMA,
        source="followed_up_by",
        help_text="Staff id or username of the staff user who followed up (default: you).",
    )
    scheduledFollowUp = DateTimeField(  # noqa: N815
        source="scheduled_follow_up", required=False, allow_null=True
    )
    nextFollowUp = DateTimeField(  # noqa: N815
        source="next_follow_up", required=False, allow_null=True
    )
    notes = TextField(required=False, allow_null=True, allow_blank=True)
    createdBy = created_by_field("contact")  # noqa: N815

    @staticmethod
    def typed(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
        return {"contact": inputs.followup_input(data, errors)}


class StatusFieldsSerializer(RequestSerializer):
    """A status with its sub-status, reason and notes."""

    status = RawField(required=False, allow_null=True, schema=STATUS_SCHEMA)
    subStatus = RawField(  # noqa: N815
        source="sub_status", required=False, allow_null=True, schema=NULLABLE_TEXT
    )
    reasonId = RawField(  # noqa: N815
        source="reason_id", required=False, allow_null=True, schema=NULLABLE_ID
    )
    notes = TextField(required=False, allow_null=True, allow_blank=True)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Put on hold",
            value={"status": "ON_HOLD", "subStatus": "YetToDecide", "reasonId": 1, "notes": ""},
            request_only=True,
        )
    ]
)
class StatusChangeSerializer(StatusFieldsSerializer):
    schema_required = ("status",)

    createdBy = created_by_field("change")  # noqa: N815

    @staticmethod
    def typed(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
        return inputs.status_change(data, errors).as_kwargs()


class StatusLogRequestSerializer(StatusChangeSerializer):
    """A past status, recorded as history before the lead's current one."""

    createdOn = DateTimeField(source="created_on", required=False, allow_null=True)  # noqa: N815


LEAD_CREATE_EXAMPLE = {
    "type": "SKU",
    "leadFor": "SKU-1001",
    "idType": "MOBILE",
    "identifier": "+919876543210",
    "customer": {"firstName": "Asha", "lastName": "Rao"},
    "owner": "alice",
    "orgSourceId": -1,
    "nextFollowUp": "2026-12-01T10:00:00+05:30",
    "extendedFields": {},
    "followUpDetails": [{"followedUpOn": "2026-11-27T09:30:00+05:30", "notes": "Asked for a demo"}],
}


STORE_KEYS = ("store_code", "entity_type", "entity_code")


def store_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    """``storeCode``, or Capillary's ``entityType`` + ``entityCode``, as lead_create() takes
    them."""
    if "store_code" in data:
        return {"store_code": data["store_code"]}
    if "entity_code" in data:
        return {"store_code": data["entity_code"], "entity_type": data.get("entity_type")}
    return {}


@extend_schema_serializer(
    examples=[
        OpenApiExample("By identifier", value=LEAD_CREATE_EXAMPLE, request_only=True),
        OpenApiExample(
            "By userId",
            value={"userId": 1, "type": "CUSTOM", "leadFor": "Wedding collection"},
            request_only=True,
        ),
    ]
)
class LeadCreateSerializer(StatusFieldsSerializer):
    """A new lead. The customer is ``userId`` if the key is present, else ``idType`` +
    ``identifier`` (registered as NON_LOYALTY when unknown and the org allows it)."""

    schema_required = ("leadFor",)

    type = optional(serializers.ChoiceField(choices=LeadType.choices, default=LeadType.SKU))
    leadFor = TextField(  # noqa: N815
        source="lead_for", required=False, allow_null=True, allow_blank=True
    )
    userId = optional(NULLABLE_ID, source="user_id")  # noqa: N815
    idType = optional(  # noqa: N815
        {"type": "string", "nullable": True, "description": "MOBILE, EMAIL, EXTERNAL_ID"},
        source="id_type",
    )
    identifier = optional(NULLABLE_TEXT)
    customer = CustomerDetailsSerializer(required=False, allow_null=True)
    owner = optional(NULLABLE_TEXT)
    orgSourceId = IdField(  # noqa: N815
        source="org_source_id", required=False, allow_null=True, max_value=2**31 - 1
    )
    nextFollowUp = DateTimeField(  # noqa: N815
        source="next_follow_up", required=False, allow_null=True
    )
    lastFollowUp = DateTimeField(  # noqa: N815
        source="last_follow_up", required=False, allow_null=True
    )
    createdOn = DateTimeField(source="created_on", required=False, allow_null=True)  # noqa: N815
    createdBy = created_by_field("lead")  # noqa: N815
    extendedFields = optional(  # noqa: N815
        {"type": "object", "additionalProperties": True}, source="extended_fields"
    )
    followUpDetails = FollowUpRequestSerializer(  # noqa: N815
        source="follow_up_details", many=True, required=False, allow_null=True
    )
    statusLogDetails = StatusLogRequestSerializer(  # noqa: N815
        source="status_log_details", many=True, required=False, allow_null=True
    )
    storeCode = optional(  # noqa: N815
        NULLABLE_TEXT,
        source="store_code",
        help_text="The store (or a till of it) the lead belongs to; default: your store when "
        "you work at exactly one (90038 unknown or inactive, 90034 outside your stores).",
    )
    entityType = optional(  # noqa: N815
        {"type": "string", "nullable": True, "enum": ["STORE", "TILL"]},
        source="entity_type",
        help_text="Capillary's way to name the store: with entityCode (storeCode wins).",
    )
    entityCode = optional(NULLABLE_TEXT, source="entity_code")  # noqa: N815

    @staticmethod
    def typed(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
        """lead_create()'s typed arguments; what cannot be typed is handed to it as refused,
        to be reported in its order with what it finds (``inputs.new_lead``)."""
        customer = data.get("customer")
        values = {
            **{k: v for k, v in data.items() if k not in STORE_KEYS},
            **store_kwargs(data),
            "customer_data": CustomerDetails.of(customer if isinstance(customer, dict) else None),
        }
        refused = Refusals()
        return {**inputs.new_lead(values, refused), "refused": refused}


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Assign and reschedule",
            value={"owner": "bob", "nextFollowUp": "2026-12-02T11:00:00+05:30"},
            request_only=True,
        )
    ]
)
class LeadUpdateSerializer(RequestSerializer):
    """Only the keys sent change. ``extendedFields`` is merged (a null value removes a key);
    ``owner`` null unassigns the lead."""

    extendedFields = RawField(  # noqa: N815
        source="extended_fields",
        required=False,
        schema={"type": "object", "additionalProperties": True},
    )
    owner = RawField(required=False, allow_null=True, schema=NULLABLE_TEXT)
    nextFollowUp = DateTimeField(  # noqa: N815
        source="next_follow_up", required=False, allow_null=True
    )
    storeCode = RawField(  # noqa: N815
        source="store_code",
        required=False,
        allow_null=True,
        schema=NULLABLE_TEXT,
        help_text="Hand the lead over to this store (managers; kept in its history). Its owner "
        "is cleared when they do not work there.",
    )

    @staticmethod
    def typed(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
        changes = inputs.lead_changes(data, errors).as_kwargs()
        if "store_code" in data:
            # A store's code, checked by the service (90038) as lead_create() checks one.
            changes["store_code"] = data["store_code"]
        return changes


class BulkStatusItemSerializer(StatusChangeSerializer):
    """One item of a bulk status change. ``leadId`` and ``status`` are needed, but their
    absence fails only this item (92010, 92022), like any other problem of it."""

    schema_required = ()

    leadId = RawField(  # noqa: N815
        source="lead_id", required=False, allow_null=True, schema={"type": "integer"}
    )

    @staticmethod
    def typed(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
        """The item's lead id (92010 when none is sent, 92001 when it cannot be one) and
        its change."""
        lead_id = inputs.lead_id_of(data.get("lead_id"), errors, missing=ErrorCode.LEAD_ID_NULL)
        return {"lead_id": lead_id, "change": inputs.status_change(data, errors)}


class ReasonRequestSerializer(RequestSerializer):
    schema_required = ("reason",)

    reason = RawField(required=False, allow_null=True, schema={"type": "string"})

    @staticmethod
    def typed(rows: list[Any], errors: ErrorCollector) -> dict[str, Any]:
        values = [row.get("reason") if isinstance(row, dict) else row for row in rows]
        return {"reasons": inputs.reason_texts(values, errors)}


class SubStatusRequestSerializer(RequestSerializer):
    schema_required = ("status", "subStatus")

    status = RawField(required=False, allow_null=True, schema=STATUS_SCHEMA)
    subStatus = RawField(  # noqa: N815
        source="name", required=False, allow_null=True, schema={"type": "string"}
    )

    @staticmethod
    def typed(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
        return {
            "status": inputs.status_of(data.get("status"), errors),
            "name": inputs.text_of(data.get("name"), errors, "name", "subStatus"),
        }
