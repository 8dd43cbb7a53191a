"""One small chain for the role table's tests on every surface: two zones, three stores, a
till, a person in each role, and leads placed so that each role sees a different set."""

from __future__ import annotations

from dataclasses import dataclass, field

from crm.org.models import OrgUnit, Role, UnitType
from leads.models import Lead

from .factories import NO_ROLE, LeadFactory, OrgUnitFactory, UserFactory, give_role


@dataclass
class World:
    units: dict[str, OrgUnit] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    leads: dict[str, Lead] = field(default_factory=dict)

    def names(self, ids) -> set[str]:
        """The names of the world's leads among ``ids``."""
        ids = set(ids)
        return {name for name, lead in self.leads.items() if lead.pk in ids}


# Who sees what (the README's role table): the tests compare each surface with this.
SEES = {
    "alice": {"alice_s1", "ann_s1", "free_s1"},
    "mike": {"alice_s1", "ann_s1", "free_s1"},
    "zoe": {"alice_s1", "ann_s1", "free_s1", "s2"},
    "bob": {"s3"},
    "boss": {"alice_s1", "ann_s1", "free_s1", "s2", "s3", "org"},
    "nobody": {"org"},
}


def build_world() -> World:
    world = World()
    west = OrgUnitFactory(code="WEST", name="West", type=UnitType.ZONE)
    east = OrgUnitFactory(code="EAST", name="East", type=UnitType.ZONE)
    s1 = OrgUnitFactory(code="S1", name="Store one", parent=west)
    s2 = OrgUnitFactory(code="S2", name="Store two", parent=west)
    s3 = OrgUnitFactory(code="S3", name="Store three", parent=east)
    t1 = OrgUnitFactory(code="T1", name="Till one", type=UnitType.TILL, parent=s1)
    world.units = {u.code: u for u in (west, east, s1, s2, s3, t1)}
    for name in ("alice", "ann", "mike", "zoe", "boss", "bob"):
        world.users[name] = UserFactory(username=name)
    world.users["nobody"] = UserFactory(username="nobody", role=NO_ROLE)
    u = world.users
    give_role(u["alice"], Role.ASSOCIATE, s1)
    give_role(u["ann"], Role.ASSOCIATE, s1)
    give_role(u["mike"], Role.STORE_MANAGER, s1)
    give_role(u["zoe"], Role.ZONE_MANAGER, west)
    give_role(u["boss"], Role.ADMIN)
    give_role(u["bob"], Role.ASSOCIATE, s3)
    world.leads = {
        "alice_s1": LeadFactory(owner=u["alice"], created_by=u["mike"], store=s1),
        "ann_s1": LeadFactory(owner=u["ann"], created_by=u["mike"], store=s1),
        "free_s1": LeadFactory(owner=None, created_by=u["mike"], store=s1),
        "s2": LeadFactory(owner=None, created_by=u["zoe"], store=s2),
        "s3": LeadFactory(owner=u["bob"], created_by=u["boss"], store=s3),
        "org": LeadFactory(owner=None, created_by=u["nobody"], store=None),
    }
    return world
