from django.db import migrations

ORG_SOURCES = [
    (-1, "INSTORE"),
    (1, "FACEBOOK"),
    (2, "WEB_ENGAGE"),
    (3, "WECHAT"),
    (4, "MARTJACK"),
    (5, "TMALL"),
    (6, "TAOBAO"),
    (7, "JD"),
    (8, "ECOMMERCE"),
    (9, "LINE"),
    (10, "WEBSITE"),
]

HISTORY_TABLES = ("leads_leadstatus", "leads_ownerchange")


def add_sources(apps, schema_editor):
    OrgSource = apps.get_model("leads", "OrgSource")
    for pk, name in ORG_SOURCES:
        OrgSource.objects.update_or_create(pk=pk, defaults={"name": name})
    apps.get_model("leads", "OrgSettings").objects.get_or_create(pk=1)


def add_guards(apps, schema_editor):
    """History rows are append-only in the database too, not only in the ORM.

    UPDATE is refused on both databases. DELETE is refused on PostgreSQL; SQLite has no
    TRUNCATE, and the test runner empties tables with DELETE there, so on SQLite the ORM's
    guard (AppendOnlyModel) is what refuses deletes.
    """
    vendor = schema_editor.connection.vendor
    for table in HISTORY_TABLES:
        if vendor == "postgresql":
            schema_editor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{table} rows are append-only';
                END;
                $$ LANGUAGE plpgsql;
                CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table}
                    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
                """
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"""
                CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                BEGIN
                    SELECT RAISE(ABORT, '{table} rows are append-only');
                END;
                """
            )


def drop_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in HISTORY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update" + (
            f" ON {table}" if vendor == "postgresql" else ""
        ))


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]

    operations = [
        migrations.RunPython(add_sources, migrations.RunPython.noop),
        migrations.RunPython(add_guards, drop_guards),
    ]
