# The catalog (Brand, Category, Sku) now belongs to the catalog app, which kept the tables:
# only Django's state forgets them here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("leads", "0004_lead_list_indexes"),
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Sku"),
                migrations.DeleteModel(name="Brand"),
                migrations.DeleteModel(name="Category"),
            ],
            database_operations=[],
        ),
    ]
