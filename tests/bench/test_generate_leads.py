"""The benchmark data generator: N leads with the spreads and history the benchmark needs."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from rest_framework.authtoken.models import Token

from crm.pages.management.commands import generate_leads
from customers.models import Customer
from leads.models import ACTIVE_STATUSES, FollowUp, Lead, LeadStatus, LeadType, Status
from tests.factories import CustomerFactory

COUNT = 600


@pytest.fixture
def generated(db):
    call_command("generate_leads", COUNT, seed=3, stdout=None)
    return list(Lead.objects.prefetch_related("status_logs", "followups").order_by("pk"))


def test_generates_the_number_of_leads_asked_with_customers_shared(generated):
    assert len(generated) == COUNT
    per_customer = Counter(lead.customer_id for lead in generated)
    assert Customer.objects.count() == COUNT // 3
    # Shared: fewer customers than leads carry them, and some carry several.
    assert len(per_customer) < COUNT
    assert max(per_customer.values()) >= 3


def test_each_lead_has_two_to_four_followups_and_status_rows(generated):
    followups = Counter(len(lead.followups.all()) for lead in generated)
    statuses = Counter(len(lead.status_logs.all()) for lead in generated)
    assert set(followups) == {2, 3, 4}
    assert set(statuses) == {2, 3, 4}
    assert FollowUp.objects.count() == sum(n * k for n, k in followups.items())
    assert LeadStatus.objects.count() == sum(n * k for n, k in statuses.items())


def test_history_is_consistent_with_each_lead(generated):
    for lead in generated:
        logs = list(lead.status_logs.all())
        assert logs[0].status == Status.OPEN
        assert (logs[-1].status, logs[-1].sub_status_id) == (lead.status, lead.sub_status_id)
        # No status row repeats the one before it (that change would have been a 92002).
        pairs = [(row.status, row.sub_status_id) for row in logs]
        assert all(a != b for a, b in zip(pairs, pairs[1:], strict=False))
        assert [row.created_on for row in logs] == sorted(row.created_on for row in logs)
        followed = [f.followed_up_on for f in lead.followups.all()]
        assert lead.last_follow_up == max(followed)
        assert lead.created_on <= min(followed)
        if lead.status not in ACTIVE_STATUSES:
            assert lead.next_follow_up is None


def test_values_are_spread_over_statuses_types_sources_and_owners(generated):
    statuses = Counter(lead.status for lead in generated)
    types = Counter(lead.type for lead in generated)
    sources = Counter(lead.org_source_id for lead in generated)
    owners = Counter(lead.owner_id for lead in generated if lead.owner_id)
    assert set(statuses) == set(Status.values)
    assert set(types) == set(LeadType.values)
    assert types[LeadType.SKU] > types[LeadType.CUSTOM]
    assert len(sources) >= 6
    assert sources[-1] == max(sources.values())  # in store is the main channel
    assert 15 <= len(owners) <= generate_leads.OWNER_COUNT
    # Skewed, not uniform: the busiest owner holds several times the quietest's share.
    assert max(owners.values()) >= 3 * min(owners.values())
    # Some leads are unassigned.
    assert any(lead.owner_id is None for lead in generated)


def test_benchmark_login_has_a_token(generated):
    user = get_user_model().objects.get(username=generate_leads.BENCH_USERNAME)
    assert user.is_active and user.is_staff
    assert user.check_password(generate_leads.BENCH_PASSWORD)
    assert Token.objects.filter(user=user).exists()


def test_new_rows_after_a_load_get_fresh_ids(generated):
    # Rows were written with explicit ids; the id sequences continue after them.
    customer = CustomerFactory()
    assert customer.pk > max(lead.customer_id for lead in generated)
    lead = generated[0]
    row = LeadStatus.objects.create(lead=lead, status=lead.status, sub_status=lead.sub_status)
    assert row.pk > max(r.pk for lead in generated for r in lead.status_logs.all())


def test_replace_removes_the_previous_leads_first(generated):
    call_command("generate_leads", 90, seed=4, replace=True, stdout=None)
    assert Lead.objects.count() == 90
    assert Customer.objects.count() == 30
    # The history of the previous leads went with them.
    assert 2 * 90 <= FollowUp.objects.count() <= 4 * 90
    assert 2 * 90 <= LeadStatus.objects.count() <= 4 * 90


@pytest.mark.postgres
def test_large_loads_rebuild_the_indexes_they_dropped(db, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("The index rebuild is PostgreSQL's bulk path")

    def index_definitions() -> set[tuple[str, str, bool]]:
        # Name, definition up to its predicate, and whether it is partial: a rebuilt
        # partial index's predicate reads differently in pg_indexes but means the same.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indpred IS NOT NULL
                FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE i.indrelid = ANY(%s::regclass[])
                """,
                [["leads_lead", "leads_followup", "leads_leadstatus", "customers_customer"]],
            )
            return {(name, sql.split(" WHERE ")[0], partial) for name, sql, partial in cursor}

    before = index_definitions()
    monkeypatch.setattr(generate_leads, "REBUILD_INDEXES_FROM", 1)
    call_command("generate_leads", 60, seed=5, stdout=None)
    assert Lead.objects.count() == 60
    assert index_definitions() == before


def test_each_lead_belongs_to_a_store_of_its_owner(generated):
    from crm.org.scope import scope_for

    owners = {lead.owner for lead in generated if lead.owner is not None}
    stores = {owner.pk: scope_for(owner).store_ids for owner in owners}
    assert all(lead.store_id is not None for lead in generated)
    assert all(lead.store_id in stores[lead.owner_id] for lead in generated if lead.owner_id)
    assert len({lead.store_id for lead in generated}) > 20


def test_the_scoped_login_is_an_associate_of_one_store_with_a_token(generated):
    from crm.org.scope import scope_for
    from leads.access import visible_leads

    user = get_user_model().objects.get(username=generate_leads.SCOPED_USERNAME)
    scope = scope_for(user)
    assert (scope.role, len(scope.store_ids)) == ("ASSOCIATE", 1)
    assert Token.objects.filter(user=user).exists()
    [store] = scope.store_ids
    seen = visible_leads(Lead.objects.all(), user)
    assert 0 < seen.count() < COUNT
    assert set(seen.values_list("store_id", flat=True)) == {store}
