"""Reads that keep lists cheap at scale: cached large totals, deep pages by key, and the
dashboard's breakdowns from one pass."""

import datetime

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.utils import timezone

from crm.core import paging
from leads import selectors
from leads.filters import filtered_leads
from leads.models import LeadType, OrgSource, Status
from tests.factories import LeadFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_small_totals_are_counted_every_time(db, settings):
    settings.LEADS_COUNT_CACHE_SECONDS = 60
    LeadFactory.create_batch(2)
    assert paging.count_rows(selectors.lead_base_queryset()) == 2
    LeadFactory()
    assert paging.count_rows(selectors.lead_base_queryset()) == 3


def test_large_totals_are_reused_for_a_few_seconds(db, settings, monkeypatch):
    settings.LEADS_COUNT_CACHE_SECONDS = 60
    monkeypatch.setattr(paging, "COUNT_CACHE_FROM", 3)
    LeadFactory.create_batch(3, status=Status.OPEN)
    leads = filtered_leads(QueryDict("status=OPEN"), selectors.lead_base_queryset(), user=None)
    assert paging.count_rows(leads) == 3
    LeadFactory(status=Status.OPEN)
    # The same search within the time allowed: the total it counted before.
    assert paging.count_rows(leads) == 3
    # Another search is counted on its own.
    everything = filtered_leads(QueryDict(""), selectors.lead_base_queryset(), user=None)
    assert paging.count_rows(everything) == 4
    cache.clear()
    assert paging.count_rows(leads) == 4


def test_no_total_is_reused_when_the_setting_is_zero(db, settings, monkeypatch):
    settings.LEADS_COUNT_CACHE_SECONDS = 0
    monkeypatch.setattr(paging, "COUNT_CACHE_FROM", 1)
    LeadFactory()
    assert paging.count_rows(selectors.lead_base_queryset()) == 1
    LeadFactory()
    assert paging.count_rows(selectors.lead_base_queryset()) == 2


@pytest.mark.parametrize("query", ["", "status=OPEN", "sortBy=nextFollowUp&sortOrder=ASC"])
def test_a_deep_page_has_the_rows_of_a_plain_slice(db, monkeypatch, query):
    monkeypatch.setattr(paging, "DEEP_OFFSET_FROM", 2)
    now = timezone.now()
    for n in range(9):
        LeadFactory(
            created_on=now - datetime.timedelta(hours=n % 4),  # ties on created_on
            status=Status.OPEN if n % 3 else Status.WON,
            next_follow_up=None if n % 4 == 0 else now + datetime.timedelta(days=n % 5),
        )
    leads = filtered_leads(QueryDict(query), selectors.lead_detail_queryset(), user=None)
    expected = [lead.pk for lead in leads[3:6]]

    page = paging.page_rows(leads, offset=3, limit=3)

    assert [lead.pk for lead in page] == expected
    # Related lists still come prefetched with the page.
    assert all(len(lead.status_logs.all()) == 1 for lead in page)


def test_a_deep_page_costs_the_same_queries(db, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(paging, "DEEP_OFFSET_FROM", 2)
    LeadFactory.create_batch(6)
    leads = selectors.lead_detail_queryset().order_by("-created_on", "-id")
    with django_assert_num_queries(3):  # the page, its follow-ups, its status log
        assert len(paging.page_rows(leads, offset=4, limit=10)) == 2


def test_dashboard_breakdowns_add_up(db, django_assert_num_queries):
    everyone = UserFactory(is_superuser=True)
    now = timezone.now()
    today_noon = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(12))
    )
    LeadFactory(status=Status.OPEN, type=LeadType.SKU, org_source_id=1, next_follow_up=now)
    LeadFactory(status=Status.OPEN, type=LeadType.BRAND, org_source_id=1)
    LeadFactory(
        status=Status.ON_HOLD,
        type=LeadType.SKU,
        org_source_id=-1,
        next_follow_up=now - datetime.timedelta(days=3),
    )
    LeadFactory(status=Status.ON_HOLD, org_source_id=10, next_follow_up=today_noon)
    # Closed leads are neither due nor overdue, whatever their next follow-up says.
    LeadFactory(
        status=Status.WON,
        type=LeadType.SKU,
        org_source_id=1,
        next_follow_up=now - datetime.timedelta(days=1),
    )
    LeadFactory(status=Status.LOST, type=LeadType.CATEGORY, org_source_id=10)

    with django_assert_num_queries(4):
        stats = selectors.dashboard_stats(user=everyone, today=timezone.localdate())

    assert stats["by_status"] == {
        Status.OPEN: 2,
        Status.ON_HOLD: 2,
        Status.WON: 1,
        Status.LOST: 1,
        Status.DELETED: 0,
    }
    assert stats["total"] == 6
    assert stats["win_rate"] == 0.5
    assert stats["by_type"] == {
        LeadType.SKU: 3,
        LeadType.BRAND: 1,
        LeadType.CUSTOM: 1,
        LeadType.CATEGORY: 1,
    }
    names = dict(OrgSource.objects.values_list("pk", "name"))
    assert stats["by_source"] == [
        {"org_source_id": 1, "org_source__name": names[1], "n": 3},
        {"org_source_id": 10, "org_source__name": names[10], "n": 2},
        {"org_source_id": -1, "org_source__name": names[-1], "n": 1},
    ]
    assert stats["overdue"] == 1
    assert stats["due_today"] == 2


def test_dashboard_for_one_owner_counts_only_their_leads(db):
    owner = UserFactory()
    LeadFactory.create_batch(2, owner=owner, status=Status.WON)
    LeadFactory.create_batch(3, status=Status.OPEN)

    stats = selectors.dashboard_stats(user=UserFactory(is_superuser=True), owner=owner)

    assert stats["total"] == 2
    assert stats["by_status"][Status.WON] == 2
    assert sum(row["n"] for row in stats["by_source"]) == 2


def test_a_large_dashboard_is_reused_a_small_one_counted_again(db, settings, monkeypatch):
    everyone = UserFactory(is_superuser=True)
    settings.LEADS_COUNT_CACHE_SECONDS = 60
    monkeypatch.setattr(paging, "COUNT_CACHE_FROM", 3)
    LeadFactory.create_batch(2, status=Status.WON)
    assert selectors.dashboard_stats(user=everyone)["total"] == 2
    LeadFactory(status=Status.WON)
    assert selectors.dashboard_stats(user=everyone)["total"] == 3  # small: counted again
    LeadFactory(status=Status.LOST)
    # Large: the counts of a few seconds ago.
    assert selectors.dashboard_stats(user=everyone)["by_status"][Status.LOST] == 0
    settings.LEADS_COUNT_CACHE_SECONDS = 0
    assert selectors.dashboard_stats(user=everyone)["by_status"][Status.LOST] == 1


def test_list_paginator_pages_like_djangos(db, monkeypatch):
    from django.core.paginator import Paginator

    monkeypatch.setattr(paging, "DEEP_OFFSET_FROM", 2)
    LeadFactory.create_batch(7)
    leads = selectors.lead_base_queryset().order_by("-created_on", "-id")
    ours, django = paging.ListPaginator(leads, 3), Paginator(leads, 3)
    assert ours.count == django.count == 7
    for number in (1, 2, 3):
        assert list(ours.page(number)) == list(django.page(number))
    orphans = paging.ListPaginator(leads, 3, orphans=1)
    assert len(orphans.page(2)) == 4


def test_an_empty_queryset_counts_zero_without_a_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert paging.count_rows(selectors.lead_base_queryset().none()) == 0


@pytest.mark.postgres
def test_every_sort_of_the_list_has_an_index_on_postgresql(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the NULLS LAST index is PostgreSQL's (SQLite indexes cannot say it)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'leads_lead'")
        definitions = " ".join(row[0] for row in cursor.fetchall())
    assert "(next_follow_up DESC NULLS LAST, id DESC)" in definitions
    assert "(next_follow_up) WHERE" in definitions


@pytest.mark.parametrize("scoped", [False, True])
def test_a_list_without_search_parameters_is_the_query_of_an_empty_search(db, scoped):
    """No search parameter skips the filter set's validation: the same query, the same leads."""
    from crm.org.models import Role
    from tests.factories import OrgUnitFactory, give_role

    user = UserFactory()
    if scoped:
        give_role(user, Role.ASSOCIATE, OrgUnitFactory(code="S1"))
    LeadFactory.create_batch(3)

    bare = filtered_leads(QueryDict("limit=10&page=2"), selectors.lead_base_queryset(), user=user)
    empty = filtered_leads(QueryDict("q=&status="), selectors.lead_base_queryset(), user=user)

    assert str(bare.query) == str(empty.query)
    assert list(bare) == list(empty)
