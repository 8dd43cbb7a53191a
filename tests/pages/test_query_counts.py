"""Query budgets: each list page costs the same number of queries at 10 rows and at many."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from leads.models import Lead, LeadStatus, OwnerChange, Status
from tests.factories import (
    CustomerFactory,
    ExtendedFieldFactory,
    FollowUpFactory,
    LeadFactory,
    ReasonFactory,
    SkuFactory,
    SubStatusFactory,
    UserFactory,
)

from .conftest import FRAME_QUERIES

MANY = 60


@pytest.fixture
def catalog(db):
    return [SkuFactory(code=f"SKU-{n}") for n in range(3)]


def make_leads(count, *, owner, customer=None, catalog=(), **extra):
    """Leads that show everything a row can: a catalog item, a customer, a sub-status."""
    sub = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    leads = []
    for n in range(count):
        leads.append(
            LeadFactory(
                owner=owner,
                customer=customer or CustomerFactory(),
                type="SKU",
                lead_for=catalog[n % len(catalog)].code,
                status=Status.ON_HOLD,
                sub_status=sub,
                **extra,
            )
        )
    return leads


# frame + the person's saved views, count, page (with its items' catalog names). The reference
# lists of the filter bar and the bulk bar (owners, sources, sub-statuses, reasons, stores)
# come from the cache (crm/pages/reference.py): the first page after they change reads them,
# five more.
LEAD_LIST = FRAME_QUERIES + 3
REFERENCE_LISTS = 5


def warm(client) -> None:
    """One page, so that the reference lists are cached."""
    client.get(reverse("lead-list"))


@pytest.mark.parametrize("rows", [10, MANY])
def test_lead_list_budget(staff_client, staff, catalog, django_assert_num_queries, rows):
    make_leads(rows, owner=staff, catalog=catalog)

    with django_assert_num_queries(LEAD_LIST + REFERENCE_LISTS):
        staff_client.get(reverse("lead-list"), {"per_page": "100"})
    with django_assert_num_queries(LEAD_LIST):
        response = staff_client.get(reverse("lead-list"), {"per_page": "100"})

    assert len(response.context["rows"]) == rows


@pytest.mark.parametrize("rows", [10, MANY])
def test_filtered_lead_list_budget(staff_client, staff, catalog, django_assert_num_queries, rows):
    make_leads(rows, owner=staff, catalog=catalog)
    warm(staff_client)

    # + the filter's checks that the owner and the sub-status exist
    with django_assert_num_queries(LEAD_LIST + 2):
        response = staff_client.get(
            reverse("lead-list"),
            {"per_page": "100", "owner": staff.username, "substatus": "YetToDecide", "q": "SKU"},
        )

    assert len(response.context["rows"]) == rows


@pytest.mark.parametrize("rows", [10, MANY])
@pytest.mark.parametrize(
    "params",
    [
        {"owner": "~me"},
        {"owner": "~none", "status": "OPEN,ON_HOLD,WON,LOST,DELETED"},
        {"owner": "~me", "q": "+91 98765 43210", "sortBy": "nextFollowUp"},
    ],
    ids=["me", "unassigned-with-deleted", "me-mobile-search"],
)
def test_lead_list_budget_with_the_views_filters(
    staff_client, staff, catalog, django_assert_num_queries, rows, params
):
    from crm.pages.models import SavedView

    owner = staff if params["owner"] == "~me" else None
    customer = CustomerFactory(mobile="+919876543210") if "q" in params else None
    make_leads(rows, owner=owner, customer=customer, catalog=catalog)
    for n in range(3):
        SavedView.objects.create(owner=staff, name=f"View {n}", query=f"status=OPEN&page={n}")
    warm(staff_client)

    # "Me" and "Unassigned" need no lookup; the saved views are one query however many
    with django_assert_num_queries(LEAD_LIST):
        response = staff_client.get(reverse("lead-list"), {"per_page": "100", **params})

    assert len(response.context["rows"]) == rows
    assert len(response.context["saved_views"]) == 3


# frame (whose follow-up counts are the page's own counts) + overdue, today, upcoming, and one
# catalog-name query per non-empty group
FOLLOWUPS = FRAME_QUERIES + 3 + 3


# 10 rows, and more than a group shows (GROUP_LIMIT, 50)
@pytest.mark.parametrize("rows", [10, 156])
def test_my_followups_budget(staff_client, staff, catalog, django_assert_num_queries, rows):
    now = timezone.now()
    for days in (-3, 0, 3):
        moment = now.replace(hour=12) + datetime.timedelta(days=days)
        make_leads(rows // 3, owner=staff, catalog=catalog, next_follow_up=moment)

    with django_assert_num_queries(FOLLOWUPS):
        response = staff_client.get(reverse("my-followups"))

    assert response.context["total"] == rows // 3 * 3


# frame + count, page
CUSTOMERS = FRAME_QUERIES + 2


@pytest.mark.parametrize("rows", [10, MANY])
def test_customer_list_budget(staff_client, staff, catalog, django_assert_num_queries, rows):
    make_leads(rows, owner=staff, catalog=catalog)

    with django_assert_num_queries(CUSTOMERS):
        response = staff_client.get(reverse("customer-list"), {"q": "example"})

    assert len(response.context["customers"]) == min(rows, 25)


# frame + customer, count, page, catalog names; the composer's leads and their names; the
# timeline: status changes, follow-ups, owner changes, store changes, the names of their
# leads' items
CUSTOMER_PAGE = FRAME_QUERIES + 4 + 2 + 5


@pytest.mark.parametrize("rows", [10, MANY])
def test_customer_page_budget(staff_client, staff, catalog, django_assert_num_queries, rows):
    customer = CustomerFactory()
    make_leads(rows, owner=staff, customer=customer, catalog=catalog)

    with django_assert_num_queries(CUSTOMER_PAGE):
        response = staff_client.get(reverse("customer-detail", args=[customer.pk]))

    assert len(response.context["leads"]) == min(rows, 20)


# frame + lead, catalog name, sub-statuses, reasons, owners, extended-field definitions; the
# stores to offer (the user's role, which says whether they may hand the lead over, comes with
# the user: crm/org/auth.py); the timeline: status changes, follow-ups, owner
# changes, store changes
LEAD_PAGE = FRAME_QUERIES + 6 + 1 + 4


@pytest.mark.parametrize("rows", [10, MANY])
def test_lead_page_budget(staff_client, staff, catalog, django_assert_num_queries, rows):
    (lead,) = make_leads(1, owner=staff, catalog=catalog)
    sub = SubStatusFactory(status=Status.OPEN, name="Contacted")
    reason = ReasonFactory()
    others = UserFactory.create_batch(3)
    ExtendedFieldFactory(name="store")
    for n in range(rows):
        FollowUpFactory(lead=lead, followed_up_by=others[n % 3])
        LeadStatus.objects.create(
            lead=lead, status=Status.OPEN, sub_status=sub, reason=reason, created_by=others[n % 3]
        )
        OwnerChange.objects.create(
            lead=lead, from_owner=others[n % 3], to_owner=others[(n + 1) % 3], changed_by=staff
        )

    with django_assert_num_queries(LEAD_PAGE):
        response = staff_client.get(reverse("lead-detail", args=[lead.pk]))

    kinds = [entry.kind for entry in response.context["timeline"]]
    # 3 rows + 1 entries, the newest 50 of them
    assert len(kinds) == min(3 * rows + 1, 50)
    assert set(kinds) == {"status", "followup", "owner"}


@pytest.mark.parametrize("rows", [10, MANY])
def test_a_scoped_lead_list_costs_what_an_unscoped_one_does(
    client_for, catalog, django_assert_num_queries, rows
):
    from crm.org.models import Role
    from tests.factories import OrgUnitFactory, give_role

    store, other = OrgUnitFactory(code="S1"), OrgUnitFactory(code="S2")
    associate = UserFactory(username="scoped")
    give_role(associate, Role.ASSOCIATE, store)
    mine = make_leads(rows, owner=associate, catalog=catalog)
    Lead.objects.filter(pk__in=[lead.pk for lead in mine]).update(store=store)
    make_leads(rows, owner=UserFactory(), catalog=catalog, store=other)
    client = client_for(associate)
    warm(client)

    with django_assert_num_queries(LEAD_LIST):
        response = client.get(reverse("lead-list"), {"per_page": "100"})

    assert response.context["paginator"].count == rows
