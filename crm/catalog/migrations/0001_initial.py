# The catalog moved out of the leads app with its tables as they were: this migration only
# tells Django's state where the models live now, and moves their content types (and with
# them any permissions granted on them) to the new app label. No row is copied.

import django.db.models.deletion
from django.db import migrations, models


def move_content_types(apps, schema_editor, source="leads", target="catalog"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("brand", "category", "sku"):
        if ContentType.objects.filter(app_label=target, model=model).exists():
            continue
        ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="catalog", target="leads")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("leads", "0004_lead_list_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Brand",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=100, unique=True)),
                        ("name", models.CharField(max_length=200)),
                        ("is_active", models.BooleanField(default=True)),
                    ],
                    options={"ordering": ["code"], "abstract": False, "db_table": "leads_brand"},
                ),
                migrations.CreateModel(
                    name="Category",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=100, unique=True)),
                        ("name", models.CharField(max_length=200)),
                        ("is_active", models.BooleanField(default=True)),
                    ],
                    options={
                        "verbose_name_plural": "categories",
                        "ordering": ["code"],
                        "abstract": False,
                        "db_table": "leads_category",
                    },
                ),
                migrations.CreateModel(
                    name="Sku",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=100, unique=True)),
                        ("name", models.CharField(max_length=200)),
                        ("is_active", models.BooleanField(default=True)),
                        ("brand", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to="catalog.brand")),
                        ("category", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to="catalog.category")),
                    ],
                    options={
                        "verbose_name": "SKU",
                        "ordering": ["code"],
                        "abstract": False,
                        "db_table": "leads_sku",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
