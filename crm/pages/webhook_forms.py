"""The settings page's webhook form: a URL, the events it hears and an optional secret."""

from __future__ import annotations

from typing import Any

from django import forms

from crm.webhooks import services
from crm.webhooks.models import WebhookEndpoint
from leads.models import OutboxEvent

from .forms import ServiceFormMixin

ALL_EVENTS = "*"


class WebhookForm(ServiceFormMixin, forms.Form):
    url = forms.CharField(
        label="URL", required=False, help_text="http or https; it must be a public address."
    )
    events = forms.MultipleChoiceField(
        label="Events",
        required=False,
        choices=[(ALL_EVENTS, "All events"), *OutboxEvent.Type.choices],
        widget=forms.CheckboxSelectMultiple,
        initial=[ALL_EVENTS],
    )
    secret = forms.CharField(
        label="Secret",
        required=False,
        help_text="Optional: whsec_ and base64. Left empty, one is made and shown once.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_webhook_%s")
        super().__init__(*args, **kwargs)

    def save(self, *, created_by: Any) -> WebhookEndpoint:
        data = self.cleaned_data
        return services.endpoint_create(
            created_by=created_by,
            url=data.get("url", ""),
            events=list(data.get("events") or [ALL_EVENTS]),
            secret=data.get("secret") or None,
        )
