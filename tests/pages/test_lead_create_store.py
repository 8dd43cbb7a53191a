"""Add lead's store: the picker offers the active stores the user works at (an admin: every
one), starts at their store when they have one, and sends the choice to lead_create, whose
codes the form shows beside it (90038 no such active store, 90034 not theirs)."""

import pytest
from django.urls import reverse

from crm.org.models import OrgUnit
from leads.models import Lead
from tests.factories import CustomerFactory, OrgUnitFactory
from tests.scoping import build_world

from .conftest import field_errors

pytestmark = pytest.mark.django_db

ADD = reverse("lead-create")


@pytest.fixture
def world():
    world = build_world()
    # A store nobody may choose any more.
    OrgUnitFactory(code="S9", name="Closed store", parent=world.units["EAST"], is_active=False)
    return world


@pytest.fixture
def page_as(world, client_for):
    return lambda name: client_for(world.users[name])


def offered(response) -> list[str]:
    return [value for value, _ in response.context["form"].fields["store_code"].widget.choices]


def form(customer, **values):
    data = {
        "customer_mode": "existing",
        "find_by": "USER_ID",
        "identifier": str(customer.pk),
        "type": "CUSTOM",
        "lead_for": "Sofa",
        "owner": "",
        "org_source": "-1",
    }
    data.update(values)
    return data


@pytest.mark.parametrize(
    ("name", "stores", "initial"),
    [
        ("alice", ["S1"], "S1"),
        ("mike", ["S1"], "S1"),
        ("zoe", ["", "S1", "S2"], None),
        ("bob", ["S3"], "S3"),
        ("boss", ["", "S1", "S2", "S3"], None),
        ("nobody", [""], None),
    ],
)
def test_the_picker_offers_the_active_stores_the_user_works_at(
    world, page_as, name, stores, initial
):
    response = page_as(name).get(ADD)

    assert response.status_code == 200
    assert offered(response) == stores
    assert response.context["form"]["store_code"].initial == initial


def test_an_associate_records_the_lead_at_their_store_by_default(world, page_as):
    customer = CustomerFactory()
    client = page_as("alice")
    initial = client.get(ADD).context["form"]["store_code"].value()

    response = client.post(ADD, form(customer, store_code=initial))

    assert response.status_code == 302
    lead = Lead.objects.get(lead_for="Sofa")
    assert (lead.store.code, lead.created_by.username) == ("S1", "alice")


def test_a_zone_manager_picks_one_of_their_stores(world, page_as):
    response = page_as("zoe").post(ADD, form(CustomerFactory(), store_code="S2"))

    assert response.status_code == 302
    assert Lead.objects.get(lead_for="Sofa").store.code == "S2"


def test_an_admin_may_leave_the_store_empty_for_an_org_level_lead(world, page_as):
    response = page_as("boss").post(ADD, form(CustomerFactory(), store_code=""))

    assert response.status_code == 302
    assert Lead.objects.get(lead_for="Sofa").store is None


def test_a_store_that_is_not_the_users_is_refused_with_90034_beside_the_picker(world, page_as):
    response = page_as("alice").post(ADD, form(CustomerFactory(), store_code="S3"))

    assert response.status_code == 403
    assert [e[:5] for e in field_errors(response, "store_code")] == ["90034"]
    # The value sent stays selected, so the person sees what was refused.
    assert "S3" in offered(response)
    assert not Lead.objects.filter(lead_for="Sofa").exists()


@pytest.mark.parametrize("code", ["S9", "NOPE", "WEST"])
def test_an_inactive_unknown_or_non_store_unit_is_90038_beside_the_picker(world, page_as, code):
    response = page_as("boss").post(ADD, form(CustomerFactory(), store_code=code))

    assert response.status_code == 400
    assert [e[:5] for e in field_errors(response, "store_code")] == ["90038"]
    assert not Lead.objects.filter(lead_for="Sofa").exists()


def test_the_handover_offers_every_other_active_store(world, page_as):
    lead = world.leads["alice_s1"]

    page = page_as("mike").get(reverse("lead-detail", args=[lead.pk]))

    choices = [value for value, _ in page.context["store_form"].fields["store_code"].widget.choices]
    assert choices == ["", "S2", "S3"]


def test_a_person_whose_only_store_closed_records_org_level_leads(world, page_as):
    OrgUnit.objects.filter(code="S3").update(is_active=False)
    client = page_as("bob")

    page = client.get(ADD)
    response = client.post(ADD, form(CustomerFactory(), store_code=""))

    assert offered(page) == [""]
    assert response.status_code == 302
    # Not placed in the closed store, which takes no new lead (90038 when named).
    assert Lead.objects.get(lead_for="Sofa").store is None
