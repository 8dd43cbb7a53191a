"""The role table through a real server, over HTTP Basic as a Capillary client calls it: what
each person lists, opens and exports, a lead out of sight answered as a missing one on each of
its URLs, the org-admin API kept to admins, and a handover."""

import csv
import io

import pytest
import requests

from crm.org.models import StaffRole
from leads.models import Lead
from tests.factories import PASSWORD
from tests.scoping import SEES, build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def http_as(live_server):
    sessions = []

    def make(username: str) -> requests.Session:
        session = requests.Session()
        session.auth = (username, PASSWORD)
        session.headers["Accept"] = "application/json"
        session.base = f"{live_server.url}/v2"
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


def error_codes(response) -> list[int]:
    return [item["code"] for item in response.json()["errors"]]


@pytest.mark.parametrize("name", sorted(SEES))
def test_each_person_lists_opens_and_exports_only_what_they_see(world, http_as, name):
    http = http_as(name)

    listed = http.get(f"{http.base}/leads", params={"limit": 100}, timeout=10)
    opened = {
        lead_name: http.get(f"{http.base}/leads/{lead.pk}", timeout=10)
        for lead_name, lead in world.leads.items()
    }
    exported = http.get(f"{http.base}/leads/export", timeout=10)

    assert listed.status_code == 200
    assert world.names(row["id"] for row in listed.json()["data"]) == SEES[name]
    assert listed.json()["pagination"]["total"] == len(SEES[name])
    for lead_name, response in opened.items():
        if lead_name in SEES[name]:
            assert response.status_code == 200, (lead_name, response.text)
            assert response.json()["storeCode"] == (
                world.leads[lead_name].store.code if world.leads[lead_name].store else None
            )
        else:
            assert (response.status_code, error_codes(response)) == (404, [92001]), lead_name
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert {row["leadFor"] for row in rows} == {world.leads[n].lead_for for n in SEES[name]}


@pytest.mark.parametrize("path", ["", "/statusLog", "/followups"])
def test_a_lead_out_of_sight_is_the_same_404_as_a_missing_one_over_http(world, http_as, path):
    http = http_as("alice")
    hidden = world.leads["s3"].pk
    missing = Lead.objects.order_by("-pk").first().pk + 1000

    out_of_sight = http.get(f"{http.base}/leads/{hidden}{path}", timeout=10)
    not_there = http.get(f"{http.base}/leads/{missing}{path}", timeout=10)

    assert (out_of_sight.status_code, error_codes(out_of_sight)) == (404, [92001])
    assert out_of_sight.json() == not_there.json()
    assert out_of_sight.headers["Content-Type"] == not_there.headers["Content-Type"]


def test_an_associate_claims_but_does_not_close_in_bulk_over_http(world, http_as):
    http = http_as("alice")
    free, own = world.leads["free_s1"], world.leads["alice_s1"]

    claimed = http.put(f"{http.base}/leads/{free.pk}", json={"owner": "alice"}, timeout=10)
    bulk = http.post(
        f"{http.base}/leads/bulk/status",
        json=[{"leadId": own.pk, "status": "DELETED"}, {"leadId": free.pk, "status": "ON_HOLD"}],
        timeout=10,
    )

    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["owner"] == "alice"
    assert bulk.status_code == 200
    assert [[e["code"] for e in item["errors"]] for item in bulk.json()["data"]] == [[90034], []]
    assert Lead.objects.get(pk=own.pk).status == "OPEN"
    assert Lead.objects.get(pk=free.pk).status == "ON_HOLD"


def test_a_store_manager_hands_a_lead_over_over_http(world, http_as):
    http = http_as("mike")
    lead = world.leads["alice_s1"]

    moved = http.put(f"{http.base}/leads/{lead.pk}", json={"storeCode": "S3"}, timeout=10)

    assert moved.status_code == 200, moved.text
    assert (moved.json()["storeCode"], moved.json()["owner"]) == ("S3", None)
    # Their store no longer holds it; they recorded it, so they still see it.
    assert http.get(f"{http.base}/leads/{lead.pk}", timeout=10).json()["storeCode"] == "S3"
    assert http_as("bob").get(f"{http.base}/leads/{lead.pk}", timeout=10).status_code == 200


@pytest.mark.parametrize("name", ["alice", "mike", "zoe", "nobody"])
def test_the_org_admin_api_is_403_for_anyone_but_an_admin_over_http(world, http_as, name):
    http = http_as(name)

    responses = [
        http.get(f"{http.base}/orgUnits", timeout=10),
        http.post(
            f"{http.base}/orgUnits",
            json={"type": "STORE", "code": "S9", "name": "Nine", "parentCode": "WEST"},
            timeout=10,
        ),
        http.get(f"{http.base}/staff", timeout=10),
        http.put(f"{http.base}/staff/{name}", json={"role": "ADMIN"}, timeout=10),
    ]

    assert [(r.status_code, error_codes(r)) for r in responses] == [(403, [90002])] * 4
    assert not world.units["WEST"].children.filter(code="S9").exists()
    assert not StaffRole.objects.filter(user__username=name, role="ADMIN").exists()


def test_an_admin_manages_units_and_staff_over_http(world, http_as):
    http = http_as("boss")

    created = http.post(
        f"{http.base}/orgUnits",
        json={"type": "STORE", "code": "S9", "name": "Nine", "parentCode": "EAST"},
        timeout=10,
    )
    duplicate = http.post(
        f"{http.base}/orgUnits",
        json={"type": "STORE", "code": "S9", "name": "Again", "parentCode": "EAST"},
        timeout=10,
    )
    moved = http.put(
        f"{http.base}/staff/bob", json={"role": "STORE_MANAGER", "units": ["S9"]}, timeout=10
    )

    assert created.status_code == 200, created.text
    assert (duplicate.status_code, error_codes(duplicate)) == (409, [90037])
    assert moved.status_code == 200, moved.text
    assert (moved.json()["role"], moved.json()["units"]) == ("STORE_MANAGER", ["S9"])
    # bob's role changed: the S3 lead he owns stays his to see; S9's leads are his now.
    assert http_as("bob").get(f"{http.base}/leads", timeout=10).json()["pagination"]["total"] == 1
