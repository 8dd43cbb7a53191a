"""The dashboard is about the signed-in person's units: every count scoped by role; store and
zone managers (and admins) also get conversion and follow-up discipline per store and per
associate; everyone gets the ageing of active leads. No query per store or per person."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.core import paging
from crm.org.models import Role, UnitType
from leads.models import Status
from tests.factories import (
    NO_ROLE,
    FollowUpFactory,
    LeadFactory,
    OrgUnitFactory,
    UserFactory,
    give_role,
)

from .conftest import FRAME_QUERIES, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    west = OrgUnitFactory(code="WEST", name="West", type=UnitType.ZONE)
    east = OrgUnitFactory(code="EAST", name="East", type=UnitType.ZONE)
    units = {
        "WEST": west,
        "EAST": east,
        "S1": OrgUnitFactory(code="S1", name="Bandra", parent=west),
        "S2": OrgUnitFactory(code="S2", name="Andheri", parent=west),
        "S3": OrgUnitFactory(code="S3", name="Indiranagar", parent=east),
    }
    staff = {
        "alice": give_role(UserFactory(username="alice"), Role.ASSOCIATE, units["S1"]).user,
        "bob": give_role(UserFactory(username="bob"), Role.ASSOCIATE, units["S1"]).user,
        "carol": give_role(UserFactory(username="carol"), Role.ASSOCIATE, units["S2"]).user,
        "dev": give_role(UserFactory(username="dev"), Role.ASSOCIATE, units["S3"]).user,
        "sam": give_role(UserFactory(username="sam"), Role.STORE_MANAGER, units["S1"]).user,
        "zoe": give_role(UserFactory(username="zoe"), Role.ZONE_MANAGER, west).user,
        "root": give_role(UserFactory(username="root"), Role.ADMIN).user,
        "loner": UserFactory(username="loner", role=NO_ROLE),
    }
    return units, staff


@pytest.fixture
def leads(org):
    """S1: alice 2 WON, 1 LOST, 1 OPEN overdue; bob 1 OPEN. S2: carol 1 WON, 1 OPEN.
    S3: dev 3 LOST. No store: loner 1 OPEN."""
    units, staff = org
    yesterday = timezone.now() - datetime.timedelta(days=1)
    s1, s2, s3 = units["S1"], units["S2"], units["S3"]
    LeadFactory.create_batch(2, store=s1, owner=staff["alice"], status=Status.WON)
    LeadFactory(store=s1, owner=staff["alice"], status=Status.LOST)
    LeadFactory(store=s1, owner=staff["alice"], status=Status.OPEN, next_follow_up=yesterday)
    LeadFactory(store=s1, owner=staff["bob"], status=Status.OPEN)
    LeadFactory(store=s2, owner=staff["carol"], status=Status.WON)
    LeadFactory(store=s2, owner=staff["carol"], status=Status.OPEN)
    LeadFactory.create_batch(3, store=s3, owner=staff["dev"], status=Status.LOST)
    LeadFactory(store=None, owner=staff["loner"], status=Status.OPEN)
    return org


def dashboard(client_for, user, query=""):
    return client_for(user).get(reverse("dashboard") + query)


@pytest.mark.parametrize(
    "who,total,team",
    [
        ("alice", 5, False),
        ("bob", 5, False),
        ("dev", 3, False),
        ("loner", 1, False),
        ("sam", 5, True),
        ("zoe", 7, True),
        ("root", 11, True),
    ],
)
def test_every_count_is_the_leads_the_person_may_see(client_for, leads, who, total, team):
    _, staff = leads
    response = dashboard(client_for, staff[who])
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats["total"] == total
    assert sum(stats["by_type"].values()) == total
    assert (
        sum(row["n"] for row in response.context["ageing_rows"])
        == stats["by_status"][Status.OPEN] + stats["by_status"][Status.ON_HOLD]
    )
    assert ("team" in response.context) is team


def test_a_store_manager_sees_their_store_and_its_associates(client_for, leads):
    _, staff = leads
    response = dashboard(client_for, staff["sam"])
    team = response.context["team"]
    assert [row["label"] for row in team["stores"]] == ["S1 · Bandra"]
    store = team["stores"][0]
    assert (store["n"], store["active"], store["won"], store["lost"], store["missed"]) == (
        5,
        2,
        2,
        1,
        1,
    )
    assert store["conversion"] == pytest.approx(2 / 3)
    owners = {row["label"]: row for row in team["owners"]}
    alice = owners[f"{staff['alice'].first_name} {staff['alice'].last_name}"]
    assert (alice["won"], alice["lost"], alice["missed"]) == (2, 1, 1)
    bob = owners[f"{staff['bob'].first_name} {staff['bob'].last_name}"]
    assert bob["conversion"] is None
    assert set(owners) == {alice["label"], bob["label"]}
    text = text_of(response)
    assert "Leads of S1" in text
    assert "Conversion by store" in text and "67%" in text
    assert "Indiranagar" not in text and "Andheri" not in text


def test_a_zone_manager_sees_the_stores_of_their_zone(client_for, leads):
    _, staff = leads
    team = dashboard(client_for, staff["zoe"]).context["team"]
    assert [row["label"] for row in team["stores"]] == ["S1 · Bandra", "S2 · Andheri"]
    assert team["total"]["won"] == 3 and team["total"]["lost"] == 1
    assert team["total"]["conversion"] == pytest.approx(3 / 4)
    html = dashboard(client_for, staff["zoe"]).content.decode()
    assert "entityType=STORE&amp;entityCode=S2" in html


def test_an_admin_sees_every_store_and_the_leads_of_none(client_for, leads):
    _, staff = leads
    team = dashboard(client_for, staff["root"]).context["team"]
    labels = [row["label"] for row in team["stores"]]
    assert labels == ["S1 · Bandra", "S2 · Andheri", "S3 · Indiranagar", "No store"]
    assert team["stores"][2]["conversion"] == 0


def test_median_time_to_first_follow_up_per_store_and_associate(client_for, org):
    units, staff = org
    now = timezone.now()
    created = now - datetime.timedelta(days=2)
    first = LeadFactory(store=units["S1"], owner=staff["alice"], created_on=created)
    FollowUpFactory(lead=first, followed_up_on=created + datetime.timedelta(hours=2))
    FollowUpFactory(lead=first, followed_up_on=created + datetime.timedelta(hours=30))
    second = LeadFactory(store=units["S1"], owner=staff["bob"], created_on=created)
    FollowUpFactory(lead=second, followed_up_on=created + datetime.timedelta(hours=4))
    # Without a follow-up a lead has no time to its first one (it is not counted as zero).
    LeadFactory(store=units["S1"], owner=staff["bob"], created_on=created)
    team = dashboard(client_for, staff["sam"]).context["team"]
    assert team["stores"][0]["waited"] == "3 h"
    owners = {row["label"]: row["waited"] for row in team["owners"]}
    assert sorted(owners.values()) == ["2 h", "4 h"]


def test_ageing_buckets_count_active_leads_by_days_since_created(client_for, org):
    units, staff = org
    now = timezone.now()
    for days in (0, 3, 4, 7, 8, 14, 15, 40):
        LeadFactory(
            store=units["S1"],
            owner=staff["alice"],
            status=Status.OPEN,
            created_on=now - datetime.timedelta(days=days),
        )
    LeadFactory(
        store=units["S1"],
        owner=staff["alice"],
        status=Status.WON,
        created_on=now - datetime.timedelta(days=1),
    )
    response = dashboard(client_for, staff["alice"])
    rows = response.context["ageing_rows"]
    assert [(row["label"], row["n"]) for row in rows] == [
        ("0–3 days", 2),
        ("4–7 days", 2),
        ("8–14 days", 2),
        ("15+ days", 2),
    ]
    today = timezone.localdate()
    assert f"createdOnFrom={(today - datetime.timedelta(days=7)).isoformat()}" in rows[1]["url"]
    assert f"createdOnTo={(today - datetime.timedelta(days=4)).isoformat()}" in rows[1]["url"]
    assert "createdOnFrom" not in rows[3]["url"]


def test_my_leads_narrows_the_ageing_too_and_hides_the_team(client_for, leads):
    _, staff = leads
    response = dashboard(client_for, staff["sam"], "?scope=mine")
    assert response.context["stats"]["total"] == 0
    assert sum(row["n"] for row in response.context["ageing_rows"]) == 0
    assert "team" not in response.context


def test_cached_counts_are_never_shared_between_people_who_see_different_leads(
    client_for, leads, settings, monkeypatch
):
    settings.LEADS_COUNT_CACHE_SECONDS = 300
    monkeypatch.setattr(paging, "COUNT_CACHE_FROM", 1)
    _, staff = leads
    assert dashboard(client_for, staff["alice"]).context["stats"]["total"] == 5
    assert dashboard(client_for, staff["dev"]).context["stats"]["total"] == 3
    assert dashboard(client_for, staff["root"]).context["stats"]["total"] == 11


# A zone manager: the units named in the heading (two); an admin: none. (The role and the
# stores come with the session's user: crm/org/auth.py.)
@pytest.mark.parametrize("who,role_queries", [("zoe", 2), ("root", 0)])
def test_the_team_figures_cost_the_same_queries_for_few_or_many_stores_and_people(
    client_for, org, django_assert_num_queries, who, role_queries
):
    units, staff = org
    LeadFactory(store=units["S1"], owner=staff["alice"])
    client = client_for(staff[who])
    # frame + the four dashboard counts + the role's + ageing + per store, per owner and
    # first follow-ups
    expected = FRAME_QUERIES + 4 + role_queries + 1 + 3
    with django_assert_num_queries(expected):
        assert client.get(reverse("dashboard")).status_code == 200
    for n in range(4, 12):
        store = OrgUnitFactory(code=f"S{n}", parent=units["WEST"])
        person = give_role(UserFactory(), Role.ASSOCIATE, store).user
        lead = LeadFactory.create_batch(2, store=store, owner=person, status=Status.WON)[0]
        FollowUpFactory(lead=lead)
    with django_assert_num_queries(expected):
        response = client.get(reverse("dashboard"))
    assert len(response.context["team"]["stores"]) == 9
