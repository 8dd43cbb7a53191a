"""Status log, owner and store history rows are written once: the ORM and the database refuse
edits."""

import pytest
from django.db import DatabaseError, connection, transaction

from leads.models import LeadStatus, OwnerChange, Status, StoreChange
from tests.factories import LeadFactory, OrgUnitFactory, UserFactory

ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def status_row(db):
    return LeadFactory().status_logs.get()


@pytest.fixture
def owner_row(db):
    lead = LeadFactory()
    return OwnerChange.objects.create(lead=lead, to_owner=UserFactory(), changed_by=lead.owner)


@pytest.fixture
def store_row(db):
    lead = LeadFactory()
    return StoreChange.objects.create(
        lead=lead, from_store=None, to_store=OrgUnitFactory(code="S1"), changed_by=lead.owner
    )


@pytest.fixture(params=["status", "owner", "store"])
def history_row(request, status_row, owner_row, store_row):
    return {"status": status_row, "owner": owner_row, "store": store_row}[request.param]


def stored(row):
    return type(row).objects.filter(pk=row.pk).values().get()


def test_new_rows_are_written(status_row, owner_row):
    assert LeadStatus.objects.filter(pk=status_row.pk).exists()
    assert OwnerChange.objects.filter(pk=owner_row.pk).exists()


def test_saving_an_existing_row_is_refused(history_row):
    before = stored(history_row)
    if isinstance(history_row, LeadStatus):
        history_row.status = Status.WON
    else:
        history_row.to_owner = None
    with pytest.raises(PermissionError, match="append-only"):
        history_row.save()
    assert stored(history_row) == before


def test_deleting_a_row_is_refused(history_row):
    with pytest.raises(PermissionError, match="append-only"):
        history_row.delete()
    assert type(history_row).objects.filter(pk=history_row.pk).exists()


def test_queryset_update_is_refused(history_row):
    before = stored(history_row)
    with pytest.raises(PermissionError, match="append-only"):
        if isinstance(history_row, LeadStatus):
            LeadStatus.objects.filter(pk=history_row.pk).update(notes="rewritten")
        elif isinstance(history_row, StoreChange):
            StoreChange.objects.filter(pk=history_row.pk).update(to_store=None)
        else:
            OwnerChange.objects.filter(pk=history_row.pk).update(to_owner=None)
    assert stored(history_row) == before


def test_queryset_delete_is_refused(history_row):
    with pytest.raises(PermissionError, match="append-only"):
        type(history_row).objects.all().delete()
    assert type(history_row).objects.filter(pk=history_row.pk).exists()


def test_raw_sql_update_is_refused_by_the_database(history_row):
    before = stored(history_row)
    table = history_row._meta.db_table
    column = "notes" if isinstance(history_row, LeadStatus) else "changed_on"
    value = "rewritten" if isinstance(history_row, LeadStatus) else "2000-01-01 00:00:00+00"
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, history_row.pk])
    assert stored(history_row) == before


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason=(
        "SQLite has no TRUNCATE and the test runner empties tables with DELETE there, so the "
        "DELETE guard exists on PostgreSQL only (leads/migrations/0002); on SQLite the ORM "
        "refuses deletes"
    ),
)
def test_raw_sql_delete_is_refused_by_the_database(history_row):
    table = history_row._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [history_row.pk])
    assert type(history_row).objects.filter(pk=history_row.pk).exists()


def test_the_lead_itself_stays_editable(status_row):
    lead = status_row.lead
    lead.next_follow_up = None
    lead.save()
    assert LeadStatus.objects.filter(lead=lead).count() == 1
