"""``/v2/webhooks``: webhook admins manage endpoints and see and retry deliveries, in the API's
envelope with coded errors; the secret is write-only."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from crm.webhooks import services
from crm.webhooks.models import WebhookDelivery, WebhookEndpoint
from leads import services as lead_services
from leads.models import OutboxEvent, Status
from tests.api.conftest import assert_error_envelope
from tests.factories import LeadFactory, UserFactory

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.default_format = "json"
    return client


@pytest.fixture
def admin_api(db):
    return client_of(UserFactory(username="root", is_superuser=True))


@pytest.fixture
def hook_manager(db):
    user = UserFactory(username="integrations")
    user.user_permissions.add(Permission.objects.get(codename="manage_webhooks"))
    return user


def test_an_admin_adds_a_webhook_and_gets_its_generated_secret_once(admin_api, receiver):
    response = admin_api.post(
        "/v2/webhooks", {"url": receiver.url, "events": ["lead.status_changed"]}, format="json"
    )

    body = response.json()
    assert response.status_code == 200, body
    endpoint = WebhookEndpoint.objects.get()
    assert body["secret"] == endpoint.secret
    assert body["secret"].startswith("whsec_")
    assert len(base64.b64decode(body["secret"][6:])) == 32
    assert (body["url"], body["events"], body["isActive"]) == (
        receiver.url,
        ["lead.status_changed"],
        True,
    )
    assert body["warnings"] == []
    # Never shown again.
    assert "secret" not in admin_api.get(f"/v2/webhooks/{endpoint.pk}").json()
    listed = admin_api.get("/v2/webhooks").json()
    assert [item["id"] for item in listed["data"]] == [endpoint.pk]
    assert "secret" not in listed["data"][0]


def test_a_given_secret_is_kept_and_events_default_to_all(admin_api, receiver):
    response = admin_api.post("/v2/webhooks", {"url": receiver.url, "secret": SECRET})

    assert response.status_code == 200
    assert WebhookEndpoint.objects.get().secret == SECRET
    assert response.json()["events"] == ["*"]


@pytest.mark.parametrize(
    "body, code",
    [
        ({"url": "ftp://example.com/hook"}, 90051),
        ({"url": "http:///nohost"}, 90051),
        ({}, 90051),
        ({"url": "http://10.1.2.3/hook"}, 90052),
        ({"url": "http://169.254.169.254/latest/meta-data"}, 90052),
        ({"url": "http://localhost:9/hook"}, 90052),
        ({"url": "https://93.184.215.14/hook", "events": ["lead.eaten"]}, 90053),
        ({"url": "https://93.184.215.14/hook", "events": []}, 90053),
        ({"url": "https://93.184.215.14/hook", "secret": "plain"}, 90055),
        ({"url": "https://93.184.215.14/hook", "secret": "whsec_c2hvcnQ="}, 90055),
    ],
)
def test_a_refused_webhook_answers_its_code_and_is_not_saved(admin_api, body, code, settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_RANGES = []

    response = admin_api.post("/v2/webhooks", body, format="json")

    assert_error_envelope(response, 400, code)
    assert not WebhookEndpoint.objects.exists()


def test_values_of_the_wrong_json_kind_are_refused_together_with_their_codes(admin_api):
    response = admin_api.post(
        "/v2/webhooks",
        {"url": 123, "events": ["lead.created", 5], "secret": "plain"},
        format="json",
    )

    assert_error_envelope(response, 400, 90051, 90053, 90055)
    messages = [item["message"] for item in response.json()["errors"]]
    assert "Webhook URL 123 is not an http or https URL" in messages
    assert "Unknown webhook event 5" in messages
    assert not WebhookEndpoint.objects.exists()


def test_a_put_with_a_url_of_the_wrong_kind_changes_nothing(admin_api, receiver):
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, events=["*"], secret=SECRET)

    response = admin_api.put(
        f"/v2/webhooks/{endpoint.pk}", {"url": ["x"], "isActive": False}, format="json"
    )

    assert_error_envelope(response, 400, 90051)
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.is_active) == (receiver.url, True)


def test_the_endpoint_services_take_typed_values(db, receiver):
    with pytest.raises(TypeError, match="url"):
        services.endpoint_create(created_by=None, url=123)
    with pytest.raises(TypeError, match="is_active"):
        services.endpoint_create(created_by=None, url=receiver.url, is_active="yes")
    assert not WebhookEndpoint.objects.exists()


def test_an_allowed_private_range_may_be_reached(admin_api, settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_RANGES = ["10.0.0.0/8"]

    response = admin_api.post("/v2/webhooks", {"url": "http://10.1.2.3/hook"})

    assert response.status_code == 200


def test_put_changes_what_is_sent_and_keeps_the_secret(admin_api, receiver):
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, events=["*"], secret=SECRET)

    response = admin_api.put(
        f"/v2/webhooks/{endpoint.pk}",
        {"events": ["lead.created"], "isActive": False},
        format="json",
    )

    assert response.status_code == 200, response.json()
    endpoint.refresh_from_db()
    assert (endpoint.events, endpoint.is_active, endpoint.secret) == (
        ["lead.created"],
        False,
        SECRET,
    )


def test_switching_a_disabled_webhook_on_clears_why_it_was_off(admin_api, receiver):
    endpoint = WebhookEndpoint.objects.create(
        url=receiver.url, events=["*"], secret=SECRET, is_active=False, disabled_reason="x"
    )

    admin_api.put(f"/v2/webhooks/{endpoint.pk}", {"isActive": True}, format="json")

    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.disabled_reason, endpoint.failing_since) == (
        True,
        "",
        None,
    )


def test_delete_removes_the_webhook(admin_api, receiver):
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, events=["*"], secret=SECRET)

    response = admin_api.delete(f"/v2/webhooks/{endpoint.pk}")

    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_an_unknown_webhook_is_90050(admin_api, method):
    response = getattr(admin_api, method)("/v2/webhooks/999", {}, format="json")

    assert_error_envelope(response, 404, 90050)


def test_associates_may_not_see_or_add_webhooks(staff, receiver):
    api = client_of(staff)

    assert_error_envelope(api.get("/v2/webhooks"), 403, 90002)
    assert_error_envelope(api.post("/v2/webhooks", {"url": receiver.url}), 403, 90002)
    assert not WebhookEndpoint.objects.exists()


def test_holders_of_the_permission_manage_webhooks(hook_manager, receiver):
    response = client_of(hook_manager).post("/v2/webhooks", {"url": receiver.url})

    assert response.status_code == 200


def test_deliveries_list_attempts_and_a_retry_sends_again(
    admin_api, receiver, manager, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_RETRY_SECONDS = []
    receiver.statuses = [500, 204]
    endpoint_id = admin_api.post("/v2/webhooks", {"url": receiver.url}).json()["id"]
    lead = LeadFactory(owner=manager)
    with django_capture_on_commit_callbacks(execute=True):
        lead_services.lead_change_status(lead_id=lead.pk, status=Status.ON_HOLD, changed_by=manager)

    listed = admin_api.get(f"/v2/webhooks/{endpoint_id}/deliveries").json()
    (item,) = listed["data"]
    assert (item["eventType"], item["leadId"], item["state"]) == (
        "lead.status_changed",
        lead.pk,
        "FAILED",
    )
    (attempt,) = item["attempts"]
    assert attempt["statusCode"] == 500 and attempt["durationMs"] >= 0
    assert attempt["error"] == ""

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(f"/v2/webhooks/{endpoint_id}/deliveries/{item['id']}/retry")

    assert response.status_code == 200, response.json()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.SUCCEEDED
    after = admin_api.get(f"/v2/webhooks/{endpoint_id}/deliveries").json()["data"][0]
    assert [a["statusCode"] for a in after["attempts"]] == [500, 204]
    assert after["state"] == "SUCCEEDED"


def test_retrying_an_unknown_delivery_is_90054(admin_api, receiver):
    endpoint_id = admin_api.post("/v2/webhooks", {"url": receiver.url}).json()["id"]

    response = admin_api.post(f"/v2/webhooks/{endpoint_id}/deliveries/77/retry")

    assert_error_envelope(response, 404, 90054)


def test_deliveries_cost_the_same_queries_whatever_the_page_size(
    admin_api, receiver, manager, django_assert_num_queries
):
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, events=["*"], secret=SECRET)
    for lead in LeadFactory.create_batch(12, owner=manager):
        lead_services.lead_change_status(lead_id=lead.pk, status=Status.ON_HOLD, changed_by=manager)
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event=event, lead_id=event.lead_id)
        for event in OutboxEvent.objects.all()
    )
    # endpoint, count, page, attempts
    for limit in (2, 12):
        with django_assert_num_queries(4):
            response = admin_api.get(f"/v2/webhooks/{endpoint.pk}/deliveries?limit={limit}")
        assert len(response.json()["data"]) == limit
