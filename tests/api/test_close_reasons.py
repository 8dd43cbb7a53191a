"""The API's side of closing leads: 90031 without a reason (org setting), 90032 and 90033 for
a switched-off reason or sub-status, each with its HTTP status, in the envelope, and nothing
written; the lists still show switched-off rows."""

from leads import services
from leads.inputs import RowEdit
from leads.models import LeadStatus, Status
from tests.factories import LeadFactory, ReasonFactory, SubStatusFactory

from .conftest import assert_error_envelope


def _change(api, lead, **body):
    return api.put(f"/v2/leads/{lead.pk}/status", body, format="json")


def test_lost_without_a_reason_is_90031_over_http(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)

    response = _change(api, lead, status="LOST")

    assert_error_envelope(response, 400, 90031)
    assert response.json()["errors"][0]["message"] == (
        "A reason is required to change a lead to LOST"
    )
    lead.refresh_from_db()
    assert lead.status == Status.OPEN
    assert LeadStatus.objects.filter(lead=lead).count() == 1


def test_with_the_setting_off_the_api_closes_without_a_reason(api, customer, staff):
    services.org_settings_update(require_close_reason=False)
    lead = LeadFactory(customer=customer, owner=staff)

    response = _change(api, lead, status="DELETED")

    assert response.status_code == 200
    assert response.json()["status"] == "DELETED"


def test_a_switched_off_reason_is_90032_and_still_listed(api, customer, staff):
    reason = ReasonFactory(reason="Store closed")
    services.reason_update(reason_id=reason.pk, edit=RowEdit(is_active=False))
    lead = LeadFactory(customer=customer, owner=staff)

    response = _change(api, lead, status="LOST", reasonId=reason.pk)
    listed = api.get("/v2/leads/reasons").json()["data"]

    assert_error_envelope(response, 400, 90032)
    assert [row["id"] for row in listed] == [reason.pk]
    lead.refresh_from_db()
    assert lead.status == Status.OPEN


def test_a_switched_off_sub_status_is_90033(api, customer, staff):
    sub = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    services.substatus_update(substatus_id=sub.pk, edit=RowEdit(is_active=False))
    lead = LeadFactory(customer=customer, owner=staff)

    response = _change(api, lead, status="ON_HOLD", subStatus="YetToDecide")

    assert_error_envelope(response, 400, 90033)
    lead.refresh_from_db()
    assert (lead.status, lead.sub_status_id) == (Status.OPEN, None)


def test_bulk_lost_without_a_reason_refuses_each_item_with_90031(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)
    reason = ReasonFactory()
    other = LeadFactory(customer=customer, owner=staff)

    response = api.post(
        "/v2/leads/bulk/status",
        [
            {"leadId": lead.pk, "status": "LOST"},
            {"leadId": other.pk, "status": "LOST", "reasonId": reason.pk},
        ],
        format="json",
    )

    first, second = response.json()["data"]
    assert [e["code"] for e in first["errors"]] == [90031]
    assert second["success"]
    lead.refresh_from_db()
    other.refresh_from_db()
    assert (lead.status, other.status) == (Status.OPEN, Status.LOST)
