"""A trigram index for the text search over ``leadFor`` (PostgreSQL only; nothing happens
on SQLite): GIN ``gin_trgm_ops`` on the expression Django's ``icontains`` compares,
``UPPER(lead_for::text)``. The extension comes with customers' migration 0002."""

from django.db import migrations


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'CREATE INDEX IF NOT EXISTS "lead_lead_for_trgm" ON "leads_lead" '
            'USING gin ((UPPER("lead_for"::text)) gin_trgm_ops)'
        )


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX IF EXISTS "lead_lead_for_trgm"')


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0008_reason_substatus_is_active_require_close_reason"),
        ("customers", "0002_search_trigram_indexes"),
    ]

    operations = [migrations.RunPython(add_index, remove_index)]
