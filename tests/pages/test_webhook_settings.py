"""The settings page's webhooks section, for webhook admins only."""

import pytest
from django.urls import reverse

from crm.webhooks.models import WebhookDelivery, WebhookEndpoint
from crm.webhooks.services import new_secret
from leads import services as lead_services
from leads.models import Status
from tests.factories import LeadFactory, UserFactory

from .conftest import field_errors, text_of

SETTINGS = reverse("org-settings")


@pytest.fixture
def admin_client(client_for, db):
    return client_for(UserFactory(username="root", is_superuser=True))


def test_an_admin_adds_a_webhook_and_sees_its_secret_once(admin_client, settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_RANGES = ["127.0.0.0/8"]

    response = admin_client.post(
        reverse("org-add-webhook"),
        {"url": "http://127.0.0.1:9/hook", "events": ["lead.created", "lead.assigned"]},
    )

    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["lead.created", "lead.assigned"]
    page = admin_client.get(response["Location"])
    assert endpoint.secret in text_of(page)
    assert "http://127.0.0.1:9/hook" in text_of(page)
    # Shown once: the next visit lists the webhook without its secret.
    assert endpoint.secret not in admin_client.get(SETTINGS).content.decode()


def test_a_private_url_is_refused_beside_its_field(admin_client, settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_RANGES = []

    response = admin_client.post(reverse("org-add-webhook"), {"url": "http://10.0.0.5/x"})

    assert response.status_code == 400
    assert field_errors(response, "url") == [
        "90052 · Webhook URL http://10.0.0.5/x points to an address that is not public"
    ]
    assert not WebhookEndpoint.objects.exists()


def test_an_admin_switches_a_webhook_off_and_removes_it(admin_client):
    endpoint = WebhookEndpoint.objects.create(
        url="https://example.com/h", events=["*"], secret=new_secret()
    )

    admin_client.post(reverse("org-toggle-webhook", args=[endpoint.pk]), {"is_active": "false"})
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "Switch on" in text_of(admin_client.get(SETTINGS))

    admin_client.post(reverse("org-delete-webhook", args=[endpoint.pk]))
    assert not WebhookEndpoint.objects.exists()


def test_a_failed_delivery_can_be_sent_again_from_the_page(admin_client, manager):
    endpoint = WebhookEndpoint.objects.create(
        url="https://example.com/h", events=["*"], secret=new_secret()
    )
    lead = LeadFactory(owner=manager)
    lead_services.lead_change_status(lead_id=lead.pk, status=Status.ON_HOLD, changed_by=manager)
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=lead.outbox_events.get(),
        lead=lead,
        state=WebhookDelivery.State.FAILED,
        attempts=7,
    )
    assert "Send again" in text_of(admin_client.get(SETTINGS))

    admin_client.post(reverse("org-retry-webhook-delivery", args=[endpoint.pk, delivery.pk]))

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (WebhookDelivery.State.PENDING, 0)


def test_managers_without_the_permission_see_no_webhooks(manager_client):
    WebhookEndpoint.objects.create(url="https://example.com/h", events=["*"], secret=new_secret())

    page = manager_client.get(SETTINGS)

    assert 'id="webhooks"' not in page.content.decode()
    response = manager_client.post(reverse("org-add-webhook"), {"url": "https://example.com/x"})
    assert response.status_code == 403
    assert WebhookEndpoint.objects.count() == 1
