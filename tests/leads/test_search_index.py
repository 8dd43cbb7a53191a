"""On PostgreSQL the text search reads trigram indexes (customers migration 0002, leads
migration 0009): EXPLAIN of the lead list's query for a full name, at a scale where reading
every customer would cost more, shows the customers' trigram indexes and no scan of the
whole customers table. On SQLite the migrations add nothing and the search still works
(tests/leads/test_search.py)."""

import pytest
from django.db import connection
from django.http import QueryDict

from customers.models import Customer
from leads import selectors
from leads.filters import filtered_leads
from leads.models import Lead
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.postgres

TRIGRAM_INDEXES = {
    "customer_first_name_trgm",
    "customer_last_name_trgm",
    "customer_email_trgm",
    "customer_mobile_trgm",
    "lead_lead_for_trgm",
}
FIRST = ["Aarav", "Vivaan", "Aditya", "Vihaan", "Arjun", "Sai", "Reyansh", "Ayaan", "Krishna"]
LAST = ["Iyer", "Nair", "Reddy", "Gupta", "Kumar", "Singh", "Das", "Patel", "Menon", "Bose"]


def _on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's (pg_trgm); SQLite searches without them")


def _index_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        return {row[0] for row in cursor.fetchall()}


def test_the_trigram_indexes_exist_on_postgresql(db):
    _on_postgresql()

    assert _index_names() == TRIGRAM_INDEXES


def test_a_name_search_at_scale_reads_the_trigram_indexes(db):
    _on_postgresql()
    Customer.objects.bulk_create(
        Customer(
            first_name=f"{FIRST[n % len(FIRST)]}{n}",
            last_name=f"{LAST[n % len(LAST)]}{n // 7}",
            mobile=f"+9170{n:08d}",
            email=f"c{n}@example.com",
        )
        for n in range(30_000)
    )
    saanvi = CustomerFactory(first_name="Saanvi", last_name="Sharma")
    staff = UserFactory()
    Lead.objects.bulk_create(
        Lead(customer_id=pk, type="CUSTOM", lead_for=f"Item {pk}", created_by=staff)
        for pk in Customer.objects.exclude(pk=saanvi.pk)
        .order_by("pk")
        .values_list("pk", flat=True)[:5_000]
    )
    Lead.objects.create(customer=saanvi, type="CUSTOM", lead_for="Wedding gift set")
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk load (VACUUM cannot run in the test's transaction):
        # move the GIN indexes' pending entries into the index, and count the rows.
        for name in sorted(TRIGRAM_INDEXES):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("ANALYZE leads_lead")

    leads = filtered_leads(
        QueryDict("q=Saanvi%20Sharma"), selectors.lead_search_queryset(), user=None
    )
    sql, params = leads[:10].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert [lead.lead_for for lead in leads] == ["Wedding gift set"]
    assert "Bitmap Index Scan on customer_first_name_trgm" in plan, plan
    assert "Bitmap Index Scan on customer_last_name_trgm" in plan, plan
    assert "Seq Scan on customers_customer" not in plan, plan
