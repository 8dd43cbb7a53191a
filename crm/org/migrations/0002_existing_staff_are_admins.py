from django.conf import settings
from django.db import migrations


def existing_staff_are_admins(apps, schema_editor):
    """Before roles, every active staff user saw and changed every lead. Upgrading keeps it so:
    each of them without a role becomes an ADMIN (a running org changes nothing until someone
    gives people narrower roles). Users added later hold no role until given one."""
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    StaffRole = apps.get_model("org", "StaffRole")
    staff = User.objects.filter(is_active=True, is_staff=True, staff_role__isnull=True)
    StaffRole.objects.bulk_create(
        [StaffRole(user_id=pk, role="ADMIN") for pk in staff.values_list("pk", flat=True)]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(existing_staff_are_admins, migrations.RunPython.noop)]
