"""The role table, read through ``leads.access`` (the one place every surface asks)."""

import pytest

from crm.org.models import Role, UnitType
from leads.access import LeadAction, may, visible_leads
from leads.models import Lead
from tests.factories import NO_ROLE, LeadFactory, OrgUnitFactory, UserFactory, give_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    west = OrgUnitFactory(code="WEST", type=UnitType.ZONE)
    s1 = OrgUnitFactory(code="S1", parent=west)
    s2 = OrgUnitFactory(code="S2", parent=west)
    s3 = OrgUnitFactory(code="S3")
    alice, ann, mike, zoe, admin = (
        UserFactory(username=n) for n in ("alice", "ann", "mike", "zoe", "admin")
    )
    nobody = UserFactory(username="nobody", role=NO_ROLE)
    give_role(alice, Role.ASSOCIATE, s1)
    give_role(ann, Role.ASSOCIATE, s1)
    give_role(mike, Role.STORE_MANAGER, s1)
    give_role(zoe, Role.ZONE_MANAGER, west)
    give_role(admin, Role.ADMIN)
    leads = {
        "alice_s1": LeadFactory(owner=alice, store=s1),
        "ann_s1": LeadFactory(owner=ann, store=s1),
        "free_s1": LeadFactory(owner=None, created_by=mike, store=s1),
        "s2": LeadFactory(owner=None, created_by=zoe, store=s2),
        "s3": LeadFactory(owner=None, created_by=admin, store=s3),
        "org": LeadFactory(owner=None, created_by=nobody, store=None),
    }
    users = {u.username: u for u in (alice, ann, mike, zoe, admin, nobody)}
    return users, leads, {"S1": s1, "S2": s2, "S3": s3}


def seen(user, leads):
    ids = set(visible_leads(Lead.objects.all(), user).values_list("pk", flat=True))
    return {name for name, lead in leads.items() if lead.pk in ids}


def test_each_role_sees_its_units(world):
    users, leads, _ = world
    assert seen(users["alice"], leads) == {"alice_s1", "ann_s1", "free_s1"}
    assert seen(users["mike"], leads) == {"alice_s1", "ann_s1", "free_s1"}
    assert seen(users["zoe"], leads) == {"alice_s1", "ann_s1", "free_s1", "s2"}
    assert seen(users["admin"], leads) == set(leads)
    # No role: only what they own or created.
    assert seen(users["nobody"], leads) == {"org"}


def test_associate_changes_own_and_unowned_leads_of_their_store(world):
    users, leads, _ = world
    alice = users["alice"]
    assert may(alice, LeadAction.CHANGE, leads["alice_s1"])
    assert may(alice, LeadAction.CHANGE, leads["free_s1"])
    assert not may(alice, LeadAction.CHANGE, leads["ann_s1"])
    assert not may(alice, LeadAction.BULK_CLOSE, leads["alice_s1"])


def test_associate_may_only_claim(world):
    users, leads, _ = world
    alice, ann = users["alice"], users["ann"]
    assert may(alice, LeadAction.ASSIGN, leads["free_s1"], to=alice)
    assert not may(alice, LeadAction.ASSIGN, leads["free_s1"], to=ann)
    assert not may(alice, LeadAction.ASSIGN, leads["ann_s1"], to=alice)


def test_store_manager_assigns_to_staff_of_the_store_and_hands_over_its_leads(world):
    users, leads, stores = world
    mike = users["mike"]
    assert may(mike, LeadAction.ASSIGN, leads["alice_s1"], to=users["ann"])
    assert not may(mike, LeadAction.ASSIGN, leads["alice_s1"], to=users["nobody"])
    assert may(mike, LeadAction.BULK_CLOSE, leads["ann_s1"])
    # A handover sends a lead of their stores to any store, even one they do not cover...
    assert may(mike, LeadAction.MOVE, leads["ann_s1"], to=stores["S2"])
    assert may(users["zoe"], LeadAction.MOVE, leads["ann_s1"], to=stores["S3"])
    # ...but never a lead of a store they do not cover, nor as an associate.
    assert not may(mike, LeadAction.MOVE, leads["s2"], to=stores["S1"])
    assert not may(users["zoe"], LeadAction.MOVE, leads["s3"], to=stores["S1"])
    assert not may(users["alice"], LeadAction.MOVE, leads["alice_s1"], to=stores["S2"])


def test_admin_may_do_everything(world):
    users, leads, stores = world
    admin = users["admin"]
    for action in LeadAction:
        assert may(admin, action, leads["s3"], to=stores["S1"])
