"""The API is the edge that types a request: camelCase JSON becomes the services' typed,
snake_case keyword arguments before any service sees it."""

import datetime

from customers.inputs import CustomerDetails
from leads import services
from leads.models import Lead, Status
from tests.factories import CustomerFactory, LeadFactory, ReasonFactory


def test_a_camel_case_key_never_reaches_a_service(api, staff, monkeypatch):
    """POST /v2/leads with every field the body can carry: the service gets snake_case
    keyword arguments of Python types only."""
    seen = {}
    original = services.lead_create

    def spy(**kwargs):
        seen.update(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(services, "lead_create", spy)
    customer = CustomerFactory()
    body = {
        "type": "CUSTOM",
        "leadFor": "Sofa",
        "idType": "EMAIL",
        "identifier": "new.person@example.com",
        "customer": {"firstName": "New", "lastName": "Person"},
        "status": "OPEN",
        "notes": "Walked in",
        "owner": staff.username,
        "orgSourceId": -1,
        "nextFollowUp": "2030-01-01T10:00:00+05:30",
        "extendedFields": {},
        "followUpDetails": [{"followedUpOn": "2026-01-01T10:00:00+05:30", "notes": "Called"}],
    }
    response = api.post("/v2/leads", body, format="json")
    assert response.status_code == 200, response.json()
    assert seen, "the service was not called"
    assert all(name == name.lower() for name in seen)

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                assert key == key.lower(), key
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(seen)
    assert seen["customer_data"] == CustomerDetails(first_name="New", last_name="Person")
    assert isinstance(seen["next_follow_up"], datetime.datetime)
    assert seen["created_by"] == staff
    assert customer.pk  # the other customer stays untouched
    assert Lead.objects.get().customer.email == "new.person@example.com"


def test_a_status_change_over_the_api_reaches_the_service_typed(api, staff, monkeypatch):
    seen = {}
    original = services.lead_change_status

    def spy(**kwargs):
        seen.update(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(services, "lead_change_status", spy)
    lead = LeadFactory()
    reason = ReasonFactory()
    response = api.put(
        f"/v2/leads/{lead.pk}/status",
        {"status": "WON", "reasonId": str(reason.pk), "notes": "Paid"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert seen["status"] is Status.WON
    assert seen["reason_id"] == reason.pk
    assert seen["lead_id"] == lead.pk
    assert seen["check_only"] is False
    lead.refresh_from_db()
    assert lead.status == Status.WON
