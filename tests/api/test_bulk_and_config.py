"""Bulk status changes (each item on its own), reasons and sub-statuses."""

from django.test import override_settings

from leads.models import LeadStatus, Reason, Status, SubStatus
from tests.factories import LeadFactory, ReasonFactory, SubStatusFactory

from .conftest import assert_error_envelope


def _bulk(api, items):
    return api.post("/v2/leads/bulk/status", items, format="json")


def test_valid_items_apply_while_others_fail_with_their_own_codes(api, customer, staff):
    open_lead = LeadFactory(customer=customer, owner=staff)
    won_lead = LeadFactory(customer=customer, owner=staff, status=Status.WON)
    other = LeadFactory(customer=customer, owner=staff)
    reason = ReasonFactory()

    response = _bulk(
        api,
        [
            {"leadId": open_lead.pk, "status": "LOST", "reasonId": reason.pk},
            {"status": "LOST"},
            {"leadId": 999999, "status": "LOST"},
            {"leadId": won_lead.pk, "status": "OPEN"},
            {"leadId": other.pk, "status": "MAYBE"},
            {"leadId": other.pk, "status": "OPEN"},
            "not an object",
        ],
    )

    body = response.json()
    assert response.status_code == 200
    assert [item["index"] for item in body["data"]] == list(range(7))
    assert [item["success"] for item in body["data"]] == [True] + [False] * 6
    assert [[e["code"] for e in item["errors"]] for item in body["data"]] == [
        [],
        [92010],
        [92001],
        [92024],
        [92003],
        [92002],
        [90008],
    ]
    assert body["data"][0]["lead"]["status"] == "LOST"
    assert body["data"][1]["lead"] is None
    assert body["pagination"]["total"] == 7
    open_lead.refresh_from_db()
    won_lead.refresh_from_db()
    other.refresh_from_db()
    assert (open_lead.status, won_lead.status, other.status) == ("LOST", "WON", "OPEN")
    assert LeadStatus.objects.filter(lead=other).count() == 1


def test_an_item_with_a_type_error_is_not_applied_and_reports_every_problem(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)

    response = _bulk(api, [{"leadId": lead.pk, "status": "MAYBE", "notes": 7}])

    [item] = response.json()["data"]
    assert sorted(e["code"] for e in item["errors"]) == [90008, 92003]
    assert item["leadId"] == lead.pk and item["success"] is False
    lead.refresh_from_db()
    assert lead.status == "OPEN"


def test_a_type_error_blocks_an_otherwise_valid_item(api, customer, staff):
    lead = LeadFactory(customer=customer, owner=staff)

    reason = ReasonFactory()

    response = _bulk(
        api, [{"leadId": lead.pk, "status": "LOST", "reasonId": reason.pk, "notes": ["x"]}]
    )

    [item] = response.json()["data"]
    assert [e["code"] for e in item["errors"]] == [90008]
    lead.refresh_from_db()
    assert lead.status == "OPEN"
    assert LeadStatus.objects.filter(lead=lead).count() == 1


@override_settings(LEADS_BULK_MAX_ITEMS=2)
def test_more_items_than_the_limit_is_90012_and_applies_none(api, customer, staff):
    leads = [LeadFactory(customer=customer, owner=staff) for _ in range(3)]

    response = _bulk(api, [{"leadId": lead.pk, "status": "LOST"} for lead in leads])

    assert_error_envelope(response, 400, 90012)
    assert "2" in response.json()["errors"][0]["message"]
    assert all(lead.status == "OPEN" for lead in leads)
    assert not LeadStatus.objects.filter(status="LOST").exists()


def test_a_bulk_body_that_is_not_an_array_is_90019(api):
    assert_error_envelope(_bulk(api, {"leadId": 1, "status": "WON"}), 400, 90019)


def test_an_empty_bulk_is_an_empty_list(api):
    body = _bulk(api, []).json()

    assert body["data"] == [] and body["pagination"]["total"] == 0


def test_reasons_are_added_all_or_none(manager_api):
    response = manager_api.post(
        "/v2/leads/reasons", [{"reason": "Too expensive"}, {"reason": "  "}], format="json"
    )

    assert_error_envelope(response, 400, 90018)
    assert not Reason.objects.exists()


def test_reasons_are_returned_with_their_ids(manager_api):
    response = manager_api.post(
        "/v2/leads/reasons",
        [{"reason": "Too expensive"}, {"reason": "Bought elsewhere"}],
        format="json",
    )

    body = response.json()
    assert response.status_code == 200
    assert [r["reason"] for r in body["data"]] == ["Too expensive", "Bought elsewhere"]
    assert [r["id"] for r in body["data"]] == list(
        Reason.objects.order_by("id").values_list("id", flat=True)
    )


def test_a_reason_item_that_is_not_an_object_is_90008(manager_api):
    response = manager_api.post("/v2/leads/reasons", ["Too expensive"], format="json")

    assert_error_envelope(response, 400, 90008)
    assert not Reason.objects.exists()


def test_reasons_list(api):
    first, second = ReasonFactory(), ReasonFactory()

    body = api.get("/v2/leads/reasons").json()

    assert [r["id"] for r in body["data"]] == [first.pk, second.pk]


def test_substatus_create_returns_it(manager_api):
    response = manager_api.post(
        "/v2/leads/substatus", {"status": "ON_HOLD", "subStatus": "YetToDecide"}, format="json"
    )

    body = response.json()
    sub = SubStatus.objects.get()
    assert response.status_code == 200
    assert body == {
        "id": sub.pk,
        "status": "ON_HOLD",
        "subStatus": "YetToDecide",
        "createdOn": body["createdOn"],
        "warnings": [],
    }


def test_substatus_create_reports_every_missing_part(manager_api):
    response = manager_api.post("/v2/leads/substatus", {}, format="json")

    assert_error_envelope(response, 400, 92022, 92023)
    assert not SubStatus.objects.exists()


def test_substatus_with_an_unknown_status_is_92003(manager_api):
    response = manager_api.post(
        "/v2/leads/substatus", {"status": "MAYBE", "subStatus": "x"}, format="json"
    )

    assert_error_envelope(response, 400, 92003)


def test_substatuses_list_all_or_one_status(api):
    hold = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    lost = SubStatusFactory(status=Status.LOST, name="Price")

    everything = api.get("/v2/leads/substatuses").json()["data"]
    only_lost = api.get("/v2/leads/substatuses?status=LOST").json()["data"]

    assert {s["id"] for s in everything} == {hold.pk, lost.pk}
    assert [s["subStatus"] for s in only_lost] == ["Price"]
    assert_error_envelope(api.get("/v2/leads/substatuses?status=MAYBE"), 400, 92003)


def test_fixed_paths_are_never_read_as_a_lead_id(api):
    # GET on the POST-only sub-status path is a 405, not "lead substatus not found".
    assert_error_envelope(api.get("/v2/leads/substatus"), 405, 90004)
    assert_error_envelope(api.get("/v2/leads/bulk/status"), 405, 90004)
    assert api.get("/v2/leads/reasons").status_code == 200
    assert api.get("/v2/leads/substatuses").status_code == 200
