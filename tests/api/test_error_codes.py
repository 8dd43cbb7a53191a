"""Each of the Leads resource's 25 codes, raised through HTTP, with its status and no write."""

import pytest

from customers.models import Customer
from leads.models import Lead, LeadStatus, OrgSettings, Status, SubStatus
from tests.factories import LeadFactory, SubStatusFactory, UserFactory

from .conftest import assert_error_envelope


@pytest.fixture
def lead(customer, staff):
    return LeadFactory(customer=customer, owner=staff)


def _create(api, **body):
    return api.post("/v2/leads", body, format="json")


def _change(api, lead, **body):
    return api.put(f"/v2/leads/{lead.pk}/status", body, format="json")


CASES = {
    92001: (404, lambda api, c, lead: api.get("/v2/leads/987654")),
    92002: (409, lambda api, c, lead: _change(api, lead, status="OPEN")),
    92003: (
        400,
        lambda api, c, lead: _create(api, userId=c.pk, leadFor="x", type="CUSTOM", status="NEW"),
    ),
    92004: (400, lambda api, c, lead: _change(api, lead, status="LOST", reasonId=999)),
    92005: (
        400,
        lambda api, c, lead: api.post(
            f"/v2/leads/{lead.pk}/followup", {"notes": "hi"}, format="json"
        ),
    ),
    92006: (400, lambda api, c, lead: _create(api, userId=c.pk, type="CUSTOM", leadFor=None)),
    92007: (400, lambda api, c, lead: _create(api, userId=None, type="CUSTOM", leadFor="x")),
    92008: (400, lambda api, c, lead: _create(api, userId=987654, type="CUSTOM", leadFor="x")),
    92009: (400, lambda api, c, lead: _create(api, userId=c.pk, type="SHOE", leadFor="x")),
    92010: (
        200,
        lambda api, c, lead: api.post("/v2/leads/bulk/status", [{"status": "WON"}], format="json"),
    ),
    92011: (
        400,
        lambda api, c, lead: _create(
            api, idType="MOBILE", identifier="12", type="CUSTOM", leadFor="x"
        ),
    ),
    92012: (400, lambda api, c, lead: _create(api, type="CUSTOM", leadFor="x")),
    92013: (
        400,
        lambda api, c, lead: _create(
            api, userId=c.pk, type="CUSTOM", leadFor="x", orgSourceId=None
        ),
    ),
    92014: (
        400,
        lambda api, c, lead: _create(api, userId=c.pk, type="CUSTOM", leadFor="x", orgSourceId=77),
    ),
    92015: (
        400,
        lambda api, c, lead: _create(
            api, idType="PAN", identifier="x1", type="CUSTOM", leadFor="x"
        ),
    ),
    92016: (400, lambda api, c, lead: _create(api, userId=c.pk, type="SKU", leadFor="NOPE")),
    92017: (400, lambda api, c, lead: _create(api, userId=c.pk, type="BRAND", leadFor="NOPE")),
    92018: (400, lambda api, c, lead: _create(api, userId=c.pk, type="CATEGORY", leadFor="NOPE")),
    92019: (
        400,
        lambda api, c, lead: _create(api, userId=c.pk, type="CUSTOM", leadFor="x", owner="ghost"),
    ),
    92020: (400, lambda api, c, lead: _change(api, lead, status="ON_HOLD", subStatus="Nope")),
    92021: (
        409,
        lambda api, c, lead: api.post(
            "/v2/leads/substatus", {"status": "ON_HOLD", "subStatus": "Known"}, format="json"
        ),
    ),
    92022: (400, lambda api, c, lead: _change(api, lead, subStatus="Known")),
    92023: (
        400,
        lambda api, c, lead: api.post("/v2/leads/substatus", {"status": "ON_HOLD"}, format="json"),
    ),
    92024: (409, lambda api, c, lead: _change(api, lead, status="OPEN")),
    92025: (
        400,
        lambda api, c, lead: _create(
            api, idType="EMAIL", identifier="new@example.com", type="CUSTOM", leadFor="x"
        ),
    ),
}


def _snapshot():
    return (
        Lead.objects.count(),
        LeadStatus.objects.count(),
        Customer.objects.count(),
        SubStatus.objects.count(),
    )


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_resource_code_reaches_the_client_with_its_status(code, client_for, customer, lead):
    status, send = CASES[code]
    user = UserFactory(username="config-admin", is_superuser=True)
    api = client_for(user)
    SubStatusFactory(status=Status.ON_HOLD, name="Known")
    if code == 92024:
        Lead.objects.filter(pk=lead.pk).update(status=Status.WON)
    if code == 92025:
        OrgSettings.objects.update_or_create(pk=1, defaults={"auto_register_customers": False})
    before = _snapshot()

    response = send(api, customer, lead)

    if code == 92010:
        # A bulk request answers per item: the item carries the code.
        assert response.status_code == 200
        [item] = response.json()["data"]
        assert [e["code"] for e in item["errors"]] == [92010]
        assert item["success"] is False
    else:
        assert_error_envelope(response, status, code)
    assert _snapshot() == before
