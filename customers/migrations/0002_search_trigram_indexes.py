"""Trigram indexes for the text search (PostgreSQL only; nothing happens on SQLite).

The search compares ``UPPER(column::text) LIKE UPPER('%text%')`` (Django's ``icontains``), so
each index is a GIN trigram index (``gin_trgm_ops``, from the ``pg_trgm`` extension) on that
same expression: a search for part of a name, an email or a mobile reads the index instead
of every customer.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

TABLE = "customers_customer"
FIELDS = ("first_name", "last_name", "email", "mobile")


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in FIELDS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "customer_{field}_trgm" ON "{TABLE}" '
            f'USING gin ((UPPER("{field}"::text)) gin_trgm_ops)'
        )


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in FIELDS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "customer_{field}_trgm"')


class CreateTrigramExtension(TrigramExtension):
    """``pg_trgm``; undone on PostgreSQL only (Django's own would query PostgreSQL's catalog
    on any database when migrating backwards)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        CreateTrigramExtension(),
        migrations.RunPython(add_indexes, remove_indexes),
    ]
