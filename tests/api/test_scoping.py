"""The role table over the API (HTTP Basic, as Capillary clients call): what each role sees in
the search, the export and a lead's pages, what it may change, and the store of a lead in
every response, its search and its handover."""

import csv
import io

import pytest

from leads.models import Lead, Status, StoreChange
from tests.scoping import SEES, build_world

from .conftest import codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def as_user(world, client_for):
    return lambda name: client_for(world.users[name])


@pytest.mark.parametrize("name", sorted(SEES))
def test_each_role_searches_only_the_leads_it_sees(world, as_user, name):
    response = as_user(name).get("/v2/leads", {"limit": 100})

    assert response.status_code == 200
    body = response.json()
    assert world.names(row["id"] for row in body["data"]) == SEES[name]
    assert body["pagination"]["total"] == len(SEES[name])


@pytest.mark.parametrize("name", sorted(SEES))
def test_each_role_exports_only_the_leads_it_sees(world, as_user, name):
    response = as_user(name).get("/v2/leads/export")

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    exported = {row["leadFor"] for row in rows}
    assert exported == {world.leads[n].lead_for for n in SEES[name]}


@pytest.mark.parametrize("path", ["", "/statusLog", "/followups"])
def test_a_lead_out_of_sight_answers_as_a_missing_one(world, as_user, path):
    hidden = world.leads["s3"].pk
    missing = Lead.objects.order_by("-pk").first().pk + 1000
    client = as_user("alice")

    out_of_sight = client.get(f"/v2/leads/{hidden}{path}")
    not_there = client.get(f"/v2/leads/{missing}{path}")

    assert (out_of_sight.status_code, codes(out_of_sight)) == (404, [92001])
    assert out_of_sight.json() == not_there.json()
    assert as_user("bob").get(f"/v2/leads/{hidden}{path}").status_code == 200


def test_writes_to_a_lead_out_of_sight_are_404_and_change_nothing(world, as_user):
    lead = world.leads["s3"]
    client = as_user("alice")

    responses = [
        client.put(f"/v2/leads/{lead.pk}/status", {"status": "WON"}, format="json"),
        client.post(
            f"/v2/leads/{lead.pk}/followup",
            {"followedUpOn": "2026-01-01T10:00:00Z"},
            format="json",
        ),
        client.put(f"/v2/leads/{lead.pk}", {"owner": "alice"}, format="json"),
        client.put(f"/v2/leads/{lead.pk}", {"storeCode": "S1"}, format="json"),
    ]

    assert [(r.status_code, codes(r)) for r in responses] == [(404, [92001])] * 4
    lead.refresh_from_db()
    assert (lead.status, lead.owner.username, lead.store.code) == ("OPEN", "bob", "S3")
    assert not lead.followups.exists()


def test_writes_a_role_does_not_allow_are_403_90034(world, as_user):
    lead = world.leads["ann_s1"]
    client = as_user("alice")

    responses = [
        client.put(f"/v2/leads/{lead.pk}/status", {"status": "WON"}, format="json"),
        client.post(
            f"/v2/leads/{lead.pk}/followup",
            {"followedUpOn": "2026-01-01T10:00:00Z"},
            format="json",
        ),
        client.put(f"/v2/leads/{lead.pk}", {"nextFollowUp": "2030-01-01T10:00:00Z"}, "json"),
        client.put(f"/v2/leads/{lead.pk}", {"owner": "alice"}, format="json"),
        client.put(f"/v2/leads/{lead.pk}", {"storeCode": "S2"}, format="json"),
    ]

    assert [(r.status_code, codes(r)) for r in responses] == [(403, [90034])] * 5
    lead.refresh_from_db()
    assert (lead.status, lead.owner.username, lead.store.code) == ("OPEN", "ann", "S1")
    assert lead.next_follow_up is None
    assert not lead.followups.exists()


def test_an_associate_claims_an_unowned_lead_of_their_store(world, as_user):
    lead = world.leads["free_s1"]

    response = as_user("alice").put(f"/v2/leads/{lead.pk}", {"owner": "alice"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["owner"] == "alice"
    assert Lead.objects.get(pk=lead.pk).owner.username == "alice"


def test_creating_a_lead_at_a_store_outside_ones_own_is_403(world, as_user, customer):
    body = {"userId": customer.pk, "type": "CUSTOM", "leadFor": "Sofa", "storeCode": "S3"}

    response = as_user("alice").post("/v2/leads", body, format="json")

    assert (response.status_code, codes(response)) == (403, [90034])
    assert not Lead.objects.filter(lead_for="Sofa").exists()


@pytest.mark.parametrize(
    ("body", "store"),
    [
        ({}, "S1"),
        ({"storeCode": "S1"}, "S1"),
        ({"storeCode": "T1"}, "S1"),
        ({"entityType": "TILL", "entityCode": "T1"}, "S1"),
        ({"entityType": "STORE", "entityCode": "S1"}, "S1"),
    ],
)
def test_a_new_lead_names_its_store_in_the_response(world, as_user, customer, body, store):
    payload = {"userId": customer.pk, "type": "CUSTOM", "leadFor": "Sofa", **body}

    response = as_user("mike").post("/v2/leads", payload, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["storeCode"] == store
    assert Lead.objects.get(pk=response.json()["id"]).store.code == store


@pytest.mark.parametrize(
    "body",
    [{"storeCode": "NOPE"}, {"storeCode": "WEST"}, {"entityType": "STORE", "entityCode": "T1"}],
)
def test_a_store_code_naming_no_active_store_is_400_90038(world, as_user, customer, body):
    payload = {"userId": customer.pk, "type": "CUSTOM", "leadFor": "Sofa", **body}

    response = as_user("boss").post("/v2/leads", payload, format="json")

    assert (response.status_code, codes(response)) == (400, [90038])
    assert not Lead.objects.filter(lead_for="Sofa").exists()


def test_every_lead_response_carries_its_store_code(world, as_user):
    client = as_user("boss")
    lead = world.leads["s3"]

    listed = {row["id"]: row["storeCode"] for row in client.get("/v2/leads").json()["data"]}
    detail = client.get(f"/v2/leads/{lead.pk}").json()

    assert listed[lead.pk] == "S3"
    assert listed[world.leads["org"].pk] is None
    assert detail["storeCode"] == "S3"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"entityType": "STORE", "entityCode": "S1"}, {"alice_s1", "ann_s1", "free_s1"}),
        ({"entityType": "ZONE", "entityCode": "WEST"}, {"alice_s1", "ann_s1", "free_s1", "s2"}),
        ({"entityType": "ZONE", "entityCode": "EAST"}, {"s3"}),
        ({"entityType": "TILL", "entityCode": "T1"}, {"alice_s1", "ann_s1", "free_s1"}),
        ({"entityCode": "S2"}, {"s2"}),
        ({"storeCode": "S3"}, {"s3"}),
    ],
)
def test_the_search_filters_by_unit(world, as_user, params, expected):
    response = as_user("boss").get("/v2/leads", params)

    assert response.status_code == 200
    assert world.names(row["id"] for row in response.json()["data"]) == expected


def test_a_unit_filter_stays_within_what_the_user_sees(world, as_user):
    response = as_user("mike").get("/v2/leads", {"entityType": "ZONE", "entityCode": "WEST"})

    assert world.names(row["id"] for row in response.json()["data"]) == SEES["mike"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"entityType": "REGION", "entityCode": "WEST"}, 90035),
        ({"entityType": "ZONE", "entityCode": "S1"}, 90038),
        ({"entityType": "STORE", "entityCode": "NOPE"}, 90038),
        ({"entityType": "TILL"}, 90038),
    ],
)
def test_a_unit_filter_that_names_nothing_is_a_coded_400(world, as_user, params, code):
    response = as_user("boss").get("/v2/leads", params)

    assert (response.status_code, codes(response)) == (400, [code])


def test_a_manager_hands_a_lead_over_with_put(world, as_user):
    lead = world.leads["alice_s1"]

    response = as_user("mike").put(f"/v2/leads/{lead.pk}", {"storeCode": "S2"}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["storeCode"], response.json()["owner"]) == ("S2", None)
    change = StoreChange.objects.get(lead=lead)
    assert (change.from_store.code, change.to_store.code) == ("S1", "S2")


def test_bulk_status_reports_each_refused_item_with_its_code(world, as_user):
    body = [
        {"leadId": world.leads["alice_s1"].pk, "status": "DELETED", "reasonId": None},
        {"leadId": world.leads["free_s1"].pk, "status": "ON_HOLD"},
        {"leadId": world.leads["ann_s1"].pk, "status": "ON_HOLD"},
        {"leadId": world.leads["s3"].pk, "status": "ON_HOLD"},
    ]

    response = as_user("alice").post("/v2/leads/bulk/status", body, format="json")

    assert response.status_code == 200
    items = response.json()["data"]
    assert [[e["code"] for e in item["errors"]] for item in items] == [
        [90034],
        [],
        [90034],
        [92001],
    ]
    statuses = dict(Lead.objects.values_list("pk", "status"))
    assert statuses[world.leads["free_s1"].pk] == Status.ON_HOLD
    assert statuses[world.leads["alice_s1"].pk] == Status.OPEN


def test_a_zone_manager_bulk_closes_the_leads_of_their_zone(world, as_user, settings):
    from leads.models import OrgSettings

    row = OrgSettings.load()
    row.require_close_reason = False
    row.save()
    body = [
        {"leadId": world.leads["s2"].pk, "status": "LOST"},
        {"leadId": world.leads["s3"].pk, "status": "LOST"},
    ]

    response = as_user("zoe").post("/v2/leads/bulk/status", body, format="json")

    items = response.json()["data"]
    assert [[e["code"] for e in item["errors"]] for item in items] == [[], [92001]]
    assert Lead.objects.get(pk=world.leads["s2"].pk).status == Status.LOST
    assert Lead.objects.get(pk=world.leads["s3"].pk).status == Status.OPEN
