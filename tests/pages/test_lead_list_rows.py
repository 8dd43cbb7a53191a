"""The lead list's rows: one query of tuples with the catalog names, and the first pages of
every lead read by SQL compiled once, which must be the rows the view's own query reads."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from crm.core.paging import ListPaginator
from crm.org.models import Role
from crm.pages.rows import first_pages, lead_list_rows
from crm.pages.views.lead_list import list_page_leads
from leads.models import LeadType, Status
from leads.selectors import lead_list_rows_queryset
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    LeadFactory,
    OrgUnitFactory,
    SkuFactory,
    UserFactory,
    give_role,
)

LIST = reverse("lead-list")


def _leads():
    """A SKU, a brand, a category and a custom lead, one SKU code gone from the catalog, and a
    DELETED lead (which the list leaves out)."""
    owner = UserFactory(username="rhea", first_name="Rhea", last_name="Kapoor")
    store = OrgUnitFactory(code="S7", name="Andheri")
    sku = SkuFactory(code="SKU-1", name="Linen shirt")
    brand = BrandFactory(code="BR-1", name="Nimbus")
    category = CategoryFactory(code="CAT-1", name="Footwear")
    start = timezone.now() - datetime.timedelta(days=10)
    made = []
    for day, (kind, code, status) in enumerate(
        [
            (LeadType.SKU, sku.code, Status.OPEN),
            (LeadType.BRAND, brand.code, Status.ON_HOLD),
            (LeadType.CATEGORY, category.code, Status.WON),
            (LeadType.CUSTOM, "Gift wrap", Status.OPEN),
            (LeadType.SKU, "SKU-GONE", Status.LOST),
            (LeadType.CUSTOM, "Removed", Status.DELETED),
        ]
    ):
        lead = LeadFactory(type=kind, lead_for=code, status=status, owner=owner, store=store)
        lead.__class__.objects.filter(pk=lead.pk).update(
            created_on=start + datetime.timedelta(days=day),
            next_follow_up=start + datetime.timedelta(days=day, hours=1),
        )
        made.append(lead)
    return made


def _request(user, query: str = ""):
    request = RequestFactory().get(f"{LIST}?{query}" if query else LIST)
    request.user = user
    return request


def _page(request, size: int = 3, number: int = 1):
    # (A total under COUNT_CACHE_FROM is counted by the view's query every time.)
    first = first_pages(request, lambda: list_page_leads(request, lead_list_rows_queryset()))
    assert first is not None
    return list(ListPaginator(first, size).page(number).object_list)


def _plain(request):
    return list(list_page_leads(request, lead_list_rows_queryset()))


def test_first_pages_are_the_rows_the_views_query_reads(db):
    made = _leads()
    admin = UserFactory(username="root", is_superuser=True)
    request = _request(admin, "page=2&per_page=25")

    prepared = _page(request, 3, 1) + _page(request, 3, 2)
    plain = _plain(request)

    assert prepared == plain
    assert [row[0] for row in prepared] == [lead.pk for lead in reversed(made[:5])]
    names = {row[0]: row[-1] for row in prepared}
    assert [names[lead.pk] for lead in made[:5]] == [
        "Linen shirt",
        "Nimbus",
        "Footwear",
        None,
        None,
    ]


def test_a_filter_or_a_scope_reads_the_views_own_query(db):
    admin = UserFactory(username="root", is_superuser=True)
    associate = UserFactory(username="asha")
    give_role(associate, Role.ASSOCIATE, OrgUnitFactory(code="S1"))

    def leads():
        return None

    assert first_pages(_request(admin, "status=OPEN"), leads) is None
    assert first_pages(_request(admin, "sortBy=nextFollowUp"), leads) is None
    assert first_pages(_request(associate), leads) is None


def test_a_deep_page_and_an_uncounted_total_come_from_the_views_query(db, monkeypatch):
    _leads()
    admin = UserFactory(username="root", is_superuser=True)
    request = _request(admin)
    monkeypatch.setattr("crm.pages.rows.DEEP_OFFSET_FROM", 2)
    monkeypatch.setattr("crm.core.paging.COUNT_CACHE_FROM", 1)
    built = []

    def leads():
        built.append(1)
        return list_page_leads(request, lead_list_rows_queryset())

    first = first_pages(request, leads)
    total, deep = len(first), first[3:5]
    again = len(first_pages(request, lambda: pytest.fail("the kept total was counted again")))

    assert total == again == 5 and len(built) == 1  # one queryset, built once, kept
    assert deep == _plain(request)[3:5]


def test_rows_name_the_item_and_fall_back_to_its_code(db):
    made = _leads()
    admin = UserFactory(username="root", is_superuser=True)
    values = list(list_page_leads(_request(admin), lead_list_rows_queryset()))

    rows = {row["id"]: row for row in lead_list_rows(values, now=timezone.now())}

    sku, gone = rows[made[0].pk], rows[made[4].pk]
    assert (sku["item"], sku["details"].split(" · ")[0]) == ("Linen shirt", "SKU-1")
    assert gone["item"] == "SKU-GONE" and not gone["details"].startswith("SKU-GONE")
    assert (sku["owner"], sku["owner_initials"], sku["store"]) == ("rhea", "RK", "S7")
    assert sku["overdue"] is True and rows[made[2].pk]["overdue"] is False  # WON is closed
    assert made[5].pk not in rows


def test_the_list_page_shows_the_catalog_names(db, client_for):
    made = _leads()
    client = client_for(UserFactory(username="root", is_superuser=True))

    html = client.get(LIST).content.decode()

    assert "Linen shirt" in html and "Nimbus" in html and "Gift wrap" in html
    assert "Removed" not in html
    assert f'value="{made[0].pk}"' in html
