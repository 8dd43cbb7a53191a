"""The webhooks' request and response shapes (camelCase, as the rest of ``/v2/``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from crm.core.api.serializers import DateTimeField, RawField, RequestSerializer, args
from crm.core.errors import ErrorCollector
from leads.models import OutboxEvent

from ..services import CHECKS

EVENTS_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "items": {"type": "string", "enum": ["*", *OutboxEvent.Type.values]},
    "description": 'Event types ("lead.status_changed", ...) or ["*"] for all.',
}
URL_SCHEMA = {"type": "string", "format": "uri", "pattern": "^https?://[^/?#]+"}
SECRET_SCHEMA = {"type": "string", "pattern": "^whsec_"}


class WebhookSerializer(serializers.Serializer):
    """A webhook as the API shows it (its secret never)."""

    id = serializers.IntegerField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    isActive = serializers.BooleanField(source="is_active")  # noqa: N815
    failingSince = DateTimeField(source="failing_since", allow_null=True)  # noqa: N815
    disabledReason = serializers.CharField(source="disabled_reason")  # noqa: N815
    createdOn = DateTimeField(source="created_on")  # noqa: N815


class WebhookWithSecretSerializer(WebhookSerializer):
    """A webhook just created: the one time its secret is shown."""

    secret = serializers.CharField()


class WebhookRequestSerializer(RequestSerializer):
    """``url`` (http or https), ``events`` (default ``["*"]``), ``secret`` (write-only;
    ``whsec_`` and base64; made when absent), ``isActive`` (default true)."""

    url = RawField(required=False, schema=URL_SCHEMA)
    events = RawField(required=False, schema=EVENTS_SCHEMA)
    secret = RawField(required=False, allow_null=True, schema=SECRET_SCHEMA)
    isActive = serializers.BooleanField(source="is_active", required=False)  # noqa: N815

    @staticmethod
    def typed(data: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
        """The services' arguments: a value of another kind than a service takes is refused
        here by the service's own check (same code and text), and None stands in its place."""
        arguments = args(data, "url", "events", "secret", "is_active")
        for name, (fits, check) in CHECKS.items():
            if name in arguments and not fits(arguments[name]):
                check(arguments[name], errors)
                arguments[name] = None
        return arguments


class AttemptSerializer(serializers.Serializer):
    attemptedOn = DateTimeField(source="attempted_on")  # noqa: N815
    statusCode = serializers.IntegerField(source="status_code", allow_null=True)  # noqa: N815
    durationMs = serializers.IntegerField(source="duration_ms")  # noqa: N815
    error = serializers.CharField()


class DeliverySerializer(serializers.Serializer):
    """A delivery of one event, with its attempts."""

    id = serializers.IntegerField()
    eventId = serializers.CharField(source="event.event_id")  # noqa: N815
    eventType = serializers.CharField(source="event.type")  # noqa: N815
    leadId = serializers.IntegerField(source="lead_id")  # noqa: N815
    state = serializers.CharField()
    attempts = AttemptSerializer(source="attempt_log.all", many=True)
    nextAttemptOn = DateTimeField(source="next_attempt_on", allow_null=True)  # noqa: N815
    createdOn = DateTimeField(source="created_on")  # noqa: N815
    finishedOn = DateTimeField(source="finished_on", allow_null=True)  # noqa: N815
