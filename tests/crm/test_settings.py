"""SQLite runs in WAL mode with IMMEDIATE transactions, so concurrent writers wait for the lock
instead of failing half-way through a transaction."""

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="these options apply to SQLite only"
)


def file_connection(path, **option_overrides) -> DatabaseWrapper:
    """A second connection configured like the project's, on a database file."""
    config = {**settings.DATABASES["default"], "NAME": str(path)}
    config["OPTIONS"] = {**config["OPTIONS"], **option_overrides}
    wrapper = DatabaseWrapper(config, alias=f"file-{path.name}")
    wrapper.ensure_connection()
    return wrapper


def test_settings_ask_for_wal_and_immediate_transactions():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert options["timeout"] > 0


def test_file_database_is_in_wal_mode(tmp_path):
    wrapper = file_connection(tmp_path / "crm.sqlite3")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


def test_a_transaction_takes_the_write_lock_at_begin(tmp_path):
    """With IMMEDIATE, a transaction that has only read still holds the write lock, so a
    second writer is told at its BEGIN, before it has done anything."""
    path = tmp_path / "crm.sqlite3"
    first = file_connection(path)
    second = file_connection(path, timeout=0)
    try:
        with first.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x integer)")
        connections[first.alias] = first
        with transaction.atomic(using=first.alias), first.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
            with pytest.raises(OperationalError, match="locked"), second.cursor() as other:
                other.execute("BEGIN IMMEDIATE")
        with second.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("INSERT INTO t VALUES (1)")
            cursor.execute("COMMIT")
            cursor.execute("SELECT count(*) FROM t")
            assert cursor.fetchone()[0] == 1
    finally:
        del connections[first.alias]
        first.close()
        second.close()
