"""A database of the last release migrates to this layout with its data: the catalog moves to
its own app without a row copied, and permissions on it follow."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The last release's migrations, before the catalog had an app of its own.
LAST_RELEASE = [
    ("crm", "0002_idempotency_response_headers"),
    ("customers", "0001_initial"),
    ("leads", "0004_lead_list_indexes"),
    ("catalog", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_a_release_database_with_catalog_rows_migrates_without_copying():
    old = _migrate(LAST_RELEASE)
    Brand = old.get_model("leads", "Brand")
    Sku = old.get_model("leads", "Sku")
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    Group = old.get_model("auth", "Group")
    brand = Brand.objects.create(code="NIKE", name="Nike")
    sku = Sku.objects.create(code="SKU1", name="Air Zoom", brand=brand)
    sku_type, _ = ContentType.objects.get_or_create(app_label="leads", model="sku")
    permission, _ = Permission.objects.get_or_create(
        content_type=sku_type, codename="change_sku", defaults={"name": "Can change SKU"}
    )
    group = Group.objects.create(name="Merchandisers")
    group.permissions.add(permission)

    try:
        call_command("migrate", verbosity=0)
        from django.contrib.auth.models import Group as NewGroup

        from crm.catalog.models import Sku as NewSku

        moved = NewSku.objects.select_related("brand").get(pk=sku.pk)
        assert (moved.code, moved.name, moved.brand.code) == ("SKU1", "Air Zoom", "NIKE")
        assert NewSku._meta.db_table == "leads_sku"
        assert (
            NewGroup.objects.get(name="Merchandisers")
            .permissions.filter(content_type__app_label="catalog", codename="change_sku")
            .exists()
        )
    finally:
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_staff_who_were_there_before_roles_become_admins():
    """Upgrading changes nothing for a running org: every active staff user without a role is
    an ADMIN after migration org 0002; others (inactive, not staff, placed already) are not."""
    old = _migrate([("org", "0001_initial")])
    # The users' table as it is now (crm's migrations stay applied).
    from django.contrib.auth import get_user_model

    User = get_user_model()
    StaffRole = old.get_model("org", "StaffRole")
    for name, staff, active in [("ana", True, True), ("gone", True, False), ("cust", False, True)]:
        User.objects.create(username=name, is_staff=staff, is_active=active, time_zone="")
    placed = User.objects.create(username="placed", is_staff=True, is_active=True, time_zone="")
    StaffRole.objects.create(user_id=placed.pk, role="ASSOCIATE")

    try:
        call_command("migrate", verbosity=0)
        from crm.org.models import StaffRole as NewStaffRole

        roles = dict(NewStaffRole.objects.values_list("user__username", "role"))
        assert roles == {"ana": "ADMIN", "placed": "ASSOCIATE"}
    finally:
        call_command("migrate", verbosity=0)
