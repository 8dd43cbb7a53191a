"""Adding, updating, status changes and follow-ups through the API."""

import datetime

import pytest
from django.utils import timezone

from customers.models import Customer
from leads.models import FollowUp, Lead, LeadStatus, OwnerChange, Status
from tests.factories import (
    ExtendedFieldFactory,
    LeadFactory,
    ReasonFactory,
    SubStatusFactory,
    UserFactory,
)

from .conftest import assert_error_envelope, codes


def test_adding_a_lead_answers_200_with_the_lead_and_a_location(api, staff, customer, sku):
    response = api.post(
        "/v2/leads",
        {"userId": customer.pk, "type": "SKU", "leadFor": "SKU-1001", "owner": staff.username},
        format="json",
    )

    body = response.json()
    lead = Lead.objects.get()
    assert response.status_code == 200
    assert response["Location"].endswith(f"/v2/leads/{lead.pk}")
    assert body["id"] == lead.pk and body["userId"] == customer.pk
    assert body["status"] == "OPEN" and body["orgSourceId"] == -1
    # Capillary shows staff as numeric ids; the owner stays a username.
    assert body["createdBy"] == staff.pk and body["owner"] == staff.username
    assert body["warnings"] == []
    assert [s["status"] for s in body["statusLogDetails"]] == ["OPEN"]
    assert body["customer"]["mobile"] == "+919876543210"


def test_dates_come_back_in_iso_8601_with_an_offset(api, customer):
    body = api.post(
        "/v2/leads",
        {
            "userId": customer.pk,
            "type": "CUSTOM",
            "leadFor": "x",
            "nextFollowUp": "2026-12-01T10:00:00+05:30",
        },
        format="json",
    ).json()

    assert body["nextFollowUp"] == "2026-12-01T04:30:00+00:00"
    assert datetime.datetime.fromisoformat(body["createdOn"]).tzinfo is not None


def test_a_second_active_lead_for_the_same_item_succeeds_with_a_warning(api, customer, staff):
    first = LeadFactory(customer=customer, owner=staff, type="CUSTOM", lead_for="Sofa")

    response = api.post(
        "/v2/leads", {"userId": customer.pk, "type": "CUSTOM", "leadFor": "Sofa"}, format="json"
    )

    assert response.status_code == 200
    assert [w["code"] for w in response.json()["warnings"]] == [90101]
    assert str(first.pk) in response.json()["warnings"][0]["message"]
    assert Lead.objects.count() == 2


def test_a_closed_lead_for_the_same_item_gives_no_warning(api, customer, staff):
    LeadFactory(customer=customer, owner=staff, type="CUSTOM", lead_for="Sofa", status="LOST")

    response = api.post(
        "/v2/leads", {"userId": customer.pk, "type": "CUSTOM", "leadFor": "Sofa"}, format="json"
    )

    assert response.json()["warnings"] == []


def test_an_unknown_mobile_registers_a_non_loyalty_customer(api):
    response = api.post(
        "/v2/leads",
        {
            "idType": "mobile",
            "identifier": "98765 11111",
            "customer": {"firstName": "Ravi", "lastName": "K"},
            "type": "CUSTOM",
            "leadFor": "Sofa",
        },
        format="json",
    )

    customer = Customer.objects.get()
    assert response.status_code == 200
    assert response.json()["userId"] == customer.pk
    assert customer.loyalty_type == "NON_LOYALTY" and customer.mobile == "+919876511111"
    assert customer.first_name == "Ravi"


def test_a_known_email_finds_the_customer(api, customer):
    response = api.post(
        "/v2/leads",
        {"idType": "EMAIL", "identifier": "ASHA@example.com", "type": "CUSTOM", "leadFor": "x"},
        format="json",
    )

    assert response.json()["userId"] == customer.pk
    assert Customer.objects.count() == 1


def test_history_and_follow_ups_are_recorded_in_order(api, customer, staff):
    SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    reason = ReasonFactory()
    response = api.post(
        "/v2/leads",
        {
            "userId": customer.pk,
            "type": "CUSTOM",
            "leadFor": "Sofa",
            "status": "ON_HOLD",
            "subStatus": "YetToDecide",
            "createdOn": "2026-11-01T09:00:00+00:00",
            "statusLogDetails": [
                {"status": "OPEN", "createdOn": "2026-11-01T09:00:00+00:00", "notes": "walk-in"},
                {"status": "ON_HOLD", "reasonId": reason.pk, "createdOn": "2026-11-02T09:00:00Z"},
            ],
            "followUpDetails": [
                {"followedUpOn": "2026-11-03T09:00:00Z", "nextFollowUp": "2026-11-10T09:00:00Z"},
                {"followedUpOn": "2026-11-02T09:00:00Z", "notes": "first call"},
            ],
        },
        format="json",
    )

    body = response.json()
    assert response.status_code == 200, body
    assert [s["status"] for s in body["statusLogDetails"]] == ["OPEN", "ON_HOLD", "ON_HOLD"]
    assert body["statusLogDetails"][1]["reason"] == reason.reason
    assert body["statusLogDetails"][2]["subStatus"] == "YetToDecide"
    assert [f["notes"] for f in body["followUpDetails"]][0] == "first call"
    assert body["lastFollowUp"] == "2026-11-03T09:00:00+00:00"
    assert body["nextFollowUp"] == "2026-11-10T09:00:00+00:00"
    assert LeadStatus.objects.count() == 3 and FollowUp.objects.count() == 2


def test_a_bad_history_item_writes_nothing(api, customer):
    response = api.post(
        "/v2/leads",
        {
            "userId": customer.pk,
            "type": "CUSTOM",
            "leadFor": "Sofa",
            "statusLogDetails": [{"status": "OPEN"}, {"status": "MAYBE"}],
        },
        format="json",
    )

    assert_error_envelope(response, 400, 92003)
    assert not Lead.objects.exists() and not LeadStatus.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("leadFor", 5),
        ("orgSourceId", "abc"),
        ("orgSourceId", 2**40),
        ("createdOn", "31/12/2026"),
        ("followUpDetails", "not a list"),
        ("customer", "not an object"),
        ("notes", ["x"]),
    ],
)
def test_a_wrong_json_type_is_90008_naming_the_field(api, customer, field, value):
    response = api.post(
        "/v2/leads",
        {"userId": customer.pk, "type": "CUSTOM", "leadFor": "x", field: value},
        format="json",
    )

    assert_error_envelope(response, 400, 90008)
    assert field in response.json()["errors"][0]["message"]
    assert not Lead.objects.exists()


def test_put_assigns_the_owner_and_keeps_the_change_as_history(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)
    bob = UserFactory(username="bob")

    response = api.put(f"/v2/leads/{lead.pk}", {"owner": "bob"}, format="json")

    assert response.status_code == 200
    assert response.json()["owner"] == "bob"
    lead.refresh_from_db()
    assert lead.owner == bob
    assert OwnerChange.objects.get(lead=lead).to_owner == bob


def test_patch_merges_extended_fields_and_sets_next_follow_up(api, customer, staff):
    ExtendedFieldFactory(name="budget", data_type="INTEGER")
    ExtendedFieldFactory(name="colour")
    lead = LeadFactory(customer=customer, owner=staff, extended_fields={"colour": "red"})

    response = api.patch(
        f"/v2/leads/{lead.pk}",
        {"extendedFields": {"budget": "1200"}, "nextFollowUp": "2026-12-24T10:00:00Z"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    lead.refresh_from_db()
    assert lead.extended_fields == {"colour": "red", "budget": 1200}
    assert lead.next_follow_up == datetime.datetime(2026, 12, 24, 10, tzinfo=datetime.UTC)
    assert lead.owner == staff


def test_update_with_an_unknown_extended_field_and_owner_reports_both(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)

    response = api.patch(
        f"/v2/leads/{lead.pk}", {"extendedFields": {"nope": 1}, "owner": "ghost"}, format="json"
    )

    assert response.status_code == 400
    assert 92019 in codes(response)
    lead.refresh_from_db()
    assert lead.extended_fields == {} and lead.owner == staff


def test_status_change_appends_a_status_log_row(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)
    sub = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    reason = ReasonFactory()

    response = api.put(
        f"/v2/leads/{lead.pk}/status",
        {"status": "ON_HOLD", "subStatus": "YetToDecide", "reasonId": reason.pk, "notes": "later"},
        format="json",
    )

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ON_HOLD" and body["subStatus"] == "YetToDecide"
    last = LeadStatus.objects.filter(lead=lead).last()
    assert (last.status, last.sub_status, last.reason, last.notes) == (
        "ON_HOLD",
        sub,
        reason,
        "later",
    )
    assert body["statusLogDetails"][-1]["reasonId"] == reason.pk


def test_status_change_on_an_unknown_lead_is_92001_even_with_other_problems(api):
    response = api.put("/v2/leads/424242/status", {"status": "MAYBE", "notes": 3}, format="json")

    assert response.status_code == 404
    assert 92001 in codes(response)


def test_adding_a_follow_up_moves_the_leads_dates(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)

    response = api.post(
        f"/v2/leads/{lead.pk}/followup",
        {
            "followedUpOn": "2026-11-27T10:00:00+05:30",
            "nextFollowUp": "2027-12-01T10:00:00+05:30",
            "notes": "Called, wants a demo",
        },
        format="json",
    )

    body = response.json()
    assert response.status_code == 200
    # The whole lead, as Capillary answers, with the follow-up in it.
    assert body["id"] == lead.pk and body["lastFollowUp"] == "2026-11-27T04:30:00+00:00"
    [followup] = body["followUpDetails"]
    assert followup["leadId"] == lead.pk and followup["followedUpBy"] == staff.pk
    assert followup["userId"] == customer.pk and followup["createdBy"] == staff.pk
    assert body["warnings"] == []
    lead.refresh_from_db()
    assert lead.last_follow_up == datetime.datetime(2026, 11, 27, 4, 30, tzinfo=datetime.UTC)
    assert lead.next_follow_up == datetime.datetime(2027, 12, 1, 4, 30, tzinfo=datetime.UTC)


def test_a_follow_up_by_an_unknown_user_is_92019_and_not_saved(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)

    response = api.post(
        f"/v2/leads/{lead.pk}/followup",
        {"followedUpOn": timezone.now().isoformat(), "followedUpBy": "ghost"},
        format="json",
    )

    assert_error_envelope(response, 400, 92019)
    assert not FollowUp.objects.exists()
