"""The lead services apply the role table themselves (through ``leads.access``): whichever
surface calls them, a lead out of sight is 92001 and a refused change 90034, with nothing
written. Also: the lead's store on creation, and the store handover."""

import pytest
from django.core.exceptions import ValidationError

from crm.org.models import Role
from leads import events, services
from leads.inputs import FollowUpInput, StatusChange
from leads.models import Lead, LeadStatus, OwnerChange, Status, StoreChange
from tests.factories import CustomerFactory, UserFactory, give_role
from tests.leads import edge
from tests.scoping import build_world

from .codes import codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def refused(call) -> list:
    with pytest.raises(ValidationError) as raised:
        call()
    return codes(raised.value)


def test_a_lead_out_of_sight_is_not_found_for_every_write(world):
    bob, lead = world.users["bob"], world.leads["alice_s1"]
    before = (lead.status, lead.owner_id, lead.next_follow_up)

    assert refused(
        lambda: services.lead_change_status(lead_id=lead.pk, status=Status.WON, changed_by=bob)
    ) == [92001]
    assert refused(
        lambda: services.lead_add_followup(
            lead_id=lead.pk, contact=FollowUpInput(followed_up_on=lead.created_on), created_by=bob
        )
    ) == [92001]
    assert refused(
        lambda: services.lead_assign_owner(lead_id=lead.pk, owner=bob, changed_by=bob)
    ) == [92001]
    assert refused(
        lambda: services.lead_update(lead_id=lead.pk, updated_by=bob, extended_fields={})
    ) == [92001]
    assert refused(
        lambda: services.lead_move_store(lead_id=lead.pk, store_code="S3", changed_by=bob)
    ) == [92001]
    lead.refresh_from_db()
    assert (lead.status, lead.owner_id, lead.next_follow_up) == before
    assert not lead.followups.exists()


def test_an_associate_may_not_change_a_colleagues_lead(world):
    alice, lead = world.users["alice"], world.leads["ann_s1"]

    assert refused(
        lambda: services.lead_change_status(lead_id=lead.pk, status=Status.WON, changed_by=alice)
    ) == [90034]
    assert refused(
        lambda: services.lead_update(
            lead_id=lead.pk, updated_by=alice, extended_fields={"budget": "1"}
        )
    ) == [90034]
    lead.refresh_from_db()
    assert lead.status == Status.OPEN
    assert lead.extended_fields == {}
    assert LeadStatus.objects.filter(lead=lead).count() == 1


def test_an_associate_works_their_own_and_unowned_leads_of_their_store(world):
    alice = world.users["alice"]
    own, free = world.leads["alice_s1"], world.leads["free_s1"]

    services.lead_change_status(lead_id=own.pk, status=Status.ON_HOLD, changed_by=alice)
    services.lead_add_followup(
        lead_id=free.pk, contact=FollowUpInput(followed_up_on=free.created_on), created_by=alice
    )

    own.refresh_from_db()
    assert own.status == Status.ON_HOLD
    assert free.followups.get().created_by == alice


def test_an_associate_claims_an_unowned_lead_but_gives_none_away(world):
    alice, ann, free = world.users["alice"], world.users["ann"], world.leads["free_s1"]

    assert refused(
        lambda: services.lead_assign_owner(lead_id=free.pk, owner=ann, changed_by=alice)
    ) == [90034]
    services.lead_assign_owner(lead_id=free.pk, owner=alice, changed_by=alice)

    free.refresh_from_db()
    assert free.owner == alice
    assert list(OwnerChange.objects.filter(lead=free).values_list("to_owner", flat=True)) == [
        alice.pk
    ]


def test_a_store_manager_assigns_only_to_staff_of_the_store(world):
    mike, lead = world.users["mike"], world.leads["alice_s1"]

    assert refused(
        lambda: services.lead_assign_owner(
            lead_id=lead.pk, owner=world.users["bob"], changed_by=mike
        )
    ) == [90034]
    services.lead_assign_owner(lead_id=lead.pk, owner=world.users["ann"], changed_by=mike)

    lead.refresh_from_db()
    assert lead.owner == world.users["ann"]


def test_bulk_deleted_or_lost_needs_a_manager_each_item_on_its_own(world):
    alice, mike = world.users["alice"], world.users["mike"]
    own, free = world.leads["alice_s1"], world.leads["free_s1"]
    items = [
        (own.pk, StatusChange(status=Status.DELETED)),
        (free.pk, StatusChange(status=Status.ON_HOLD)),
        (world.leads["s3"].pk, StatusChange(status=Status.ON_HOLD)),
    ]

    results = services.lead_bulk_change_status(items=items, changed_by=alice)

    assert [[e["code"] for e in r.errors] for r in results] == [[90034], [], [92001]]
    assert Lead.objects.get(pk=own.pk).status == Status.OPEN
    assert Lead.objects.get(pk=free.pk).status == Status.ON_HOLD

    [result] = services.lead_bulk_change_status(
        items=[(own.pk, StatusChange(status=Status.LOST))], changed_by=mike
    )
    # The manager passes the role check; the org's close-reason rule still applies.
    assert [e["code"] for e in result.errors] == [90031]


def test_a_new_lead_takes_the_store_named_a_tills_store_or_the_creators(world):
    alice, boss = world.users["alice"], world.users["boss"]
    customer = CustomerFactory()

    def create(user, **kwargs):
        return edge.lead_create(
            created_by=user, customer=customer, type="CUSTOM", lead_for="Sofa", **kwargs
        ).lead

    assert create(alice).store.code == "S1"  # her one store
    assert create(alice, store_code="T1").store.code == "S1"  # a till: its store
    assert create(boss, store_code="T1", entity_type="TILL").store.code == "S1"
    assert create(boss, store_code="S3", entity_type="STORE").store.code == "S3"
    assert create(boss).store is None  # an admin works at no single store: org-level
    assert create(world.users["zoe"]).store is None  # a zone has many stores


@pytest.mark.parametrize(
    ("code", "entity_type"),
    [("NOPE", None), ("WEST", None), ("S1", "TILL"), ("T1", "STORE"), ("", "STORE")],
)
def test_a_store_code_naming_no_active_store_is_90038(world, code, entity_type):
    kwargs = {"store_code": code, "entity_type": entity_type}
    assert 90038 in refused(
        lambda: (
            edge.lead_create(
                created_by=world.users["boss"],
                customer=CustomerFactory(),
                type="CUSTOM",
                lead_for="Sofa",
                **kwargs,
            )
            if code
            else services.lead_move_store(
                lead_id=world.leads["s3"].pk, store_code=code, changed_by=world.users["boss"]
            )
        )
    )
    assert Lead.objects.filter(lead_for="Sofa").count() == 0


def test_an_inactive_store_takes_no_new_lead(world):
    s2 = world.units["S2"]
    s2.is_active = False
    s2.save()

    assert refused(
        lambda: edge.lead_create(
            created_by=world.users["boss"],
            customer=CustomerFactory(),
            type="CUSTOM",
            lead_for="Sofa",
            store_code="S2",
        )
    ) == [90038]


def test_a_lead_may_not_be_recorded_at_a_store_outside_ones_own(world):
    assert refused(
        lambda: edge.lead_create(
            created_by=world.users["alice"],
            customer=CustomerFactory(),
            type="CUSTOM",
            lead_for="Sofa",
            store_code="S3",
        )
    ) == [90034]
    assert not Lead.objects.filter(lead_for="Sofa").exists()


def test_a_handover_keeps_history_clears_an_owner_from_elsewhere_and_is_announced(world):
    mike, lead = world.users["mike"], world.leads["alice_s1"]

    with events.recorded() as fired:
        services.lead_move_store(lead_id=lead.pk, store_code="S2", changed_by=mike)

    lead.refresh_from_db()
    assert lead.store.code == "S2"
    assert lead.owner is None  # alice works at S1 only
    change = StoreChange.objects.get(lead=lead)
    assert (change.from_store.code, change.to_store.code, change.changed_by) == ("S1", "S2", mike)
    assert OwnerChange.objects.get(lead=lead).to_owner is None
    assert [e.type for e in fired] == [events.EventType.ASSIGNED, events.EventType.STORE_CHANGED]
    assert fired[-1].details == {
        "previous_store_id": world.units["S1"].pk,
        "store_id": world.units["S2"].pk,
    }
    # Out of his stores now: he still sees it (he recorded it) but no longer moves it back.
    assert refused(
        lambda: services.lead_move_store(lead_id=lead.pk, store_code="S1", changed_by=mike)
    ) == [90034]


def test_a_handover_keeps_an_owner_who_works_at_the_new_store(world):
    zoe, lead = world.users["zoe"], world.leads["alice_s1"]
    give_role(world.users["alice"], Role.ASSOCIATE, world.units["S1"], world.units["S2"])

    services.lead_update(lead_id=lead.pk, updated_by=zoe, store_code="S2")

    lead.refresh_from_db()
    assert (lead.store.code, lead.owner) == ("S2", world.users["alice"])
    assert not OwnerChange.objects.filter(lead=lead).exists()


def test_associates_do_not_hand_leads_over(world):
    alice, lead = world.users["alice"], world.leads["alice_s1"]

    assert refused(
        lambda: services.lead_update(lead_id=lead.pk, updated_by=alice, store_code="S2")
    ) == [90034]
    lead.refresh_from_db()
    assert lead.store.code == "S1"
    assert not StoreChange.objects.exists()


def test_store_changes_are_append_only(world):
    services.lead_move_store(
        lead_id=world.leads["s3"].pk, store_code="S1", changed_by=world.users["boss"]
    )
    change = StoreChange.objects.get()

    with pytest.raises(PermissionError):
        change.save()
    with pytest.raises(PermissionError):
        StoreChange.objects.all().delete()


def test_csv_batch_places_each_row_in_its_store_and_refuses_the_others(world):
    alice = world.users["alice"]
    customer = CustomerFactory()
    base = {"user_id": customer.pk, "type": "CUSTOM"}
    items = [
        {**base, "lead_for": "A", "store_code": "S1"},
        {**base, "lead_for": "B", "store_code": "T1"},
        {**base, "lead_for": "C"},
        {**base, "lead_for": "D", "store_code": "S3"},
        {**base, "lead_for": "E", "store_code": "NOPE"},
    ]

    results = edge.lead_create_many(created_by=alice, items=items)

    assert [[e["code"] for e in r.errors] for r in results] == [[], [], [], [90034], [90038]]
    stores = dict(Lead.objects.filter(customer=customer).values_list("lead_for", "store__code"))
    assert stores == {"A": "S1", "B": "S1", "C": "S1"}


def test_a_user_without_a_role_works_only_the_leads_they_recorded(world):
    nobody = world.users["nobody"]
    stranger = UserFactory(username="stranger", role="")
    org = world.leads["org"]

    services.lead_change_status(lead_id=org.pk, status=Status.ON_HOLD, changed_by=nobody)
    assert refused(
        lambda: services.lead_change_status(lead_id=org.pk, status=Status.OPEN, changed_by=stranger)
    ) == [92001]
    org.refresh_from_db()
    assert org.status == Status.ON_HOLD
