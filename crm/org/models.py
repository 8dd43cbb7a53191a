from typing import Any

from django.conf import settings
from django.db import models

from crm.core.errors import ErrorCode, ErrorCollector


class UnitType(models.TextChoices):
    ZONE = "ZONE", "Zone"
    STORE = "STORE", "Store"
    TILL = "TILL", "Till"


def unit_type_of(value: Any, errors: ErrorCollector) -> UnitType | None:
    """The type a client named (text in any case, spaces around it), for the services. None
    when none is named (the service says it is required) and, with 90035 in ``errors``, when
    the value names no type or is not text."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().upper() in UnitType.values:
        return UnitType(value.strip().upper())
    errors.add("type", ErrorCode.ORG_UNIT_TYPE_INVALID, value)
    return None


# The type a unit's parent must have; a zone has none. A store may stand outside any zone (a
# chain with one region needs none), a till always belongs to a store.
PARENT_TYPE = {UnitType.STORE: UnitType.ZONE, UnitType.TILL: UnitType.STORE}


class OrgUnit(models.Model):
    """A zone, a store or a till. ``code`` is Capillary's ``entityCode``."""

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=5, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["type", "code"]
        indexes = [models.Index(fields=["parent", "type"], name="orgunit_parent_type")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=UnitType.values), name="orgunit_type_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(type=UnitType.ZONE) | models.Q(parent__isnull=True),
                name="orgunit_zone_has_no_parent",
            ),
            models.CheckConstraint(
                condition=~models.Q(type=UnitType.TILL) | models.Q(parent__isnull=False),
                name="orgunit_till_has_store",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def clean(self) -> None:
        errors = ErrorCollector()
        if self.type not in UnitType.values:
            errors.add("type", ErrorCode.ORG_UNIT_TYPE_INVALID, self.type)
        else:
            wanted = PARENT_TYPE.get(self.type)
            parent = self.parent if self.parent_id else None
            if parent is not None and parent.type != wanted:
                errors.add("parent", ErrorCode.ORG_UNIT_PARENT_INVALID, parent.code, self.type)
            elif self.type == UnitType.TILL and parent is None:
                errors.add("parent", ErrorCode.ORG_UNIT_PARENT_INVALID, "", self.type)
        errors.raise_if_any()

    @property
    def store_id_for_leads(self) -> int | None:
        """The store a lead recorded at this unit belongs to: a store itself, a till's store;
        a zone names no single store."""
        if self.type == UnitType.STORE:
            return self.pk
        if self.type == UnitType.TILL:
            return self.parent_id
        return None


class Role(models.TextChoices):
    ASSOCIATE = "ASSOCIATE", "Associate"
    STORE_MANAGER = "STORE_MANAGER", "Store manager"
    ZONE_MANAGER = "ZONE_MANAGER", "Zone manager"
    ADMIN = "ADMIN", "Admin"


# The type of unit each role covers; an admin covers the whole org and names no unit.
ROLE_UNIT_TYPE = {
    Role.ASSOCIATE: UnitType.STORE,
    Role.STORE_MANAGER: UnitType.STORE,
    Role.ZONE_MANAGER: UnitType.ZONE,
}


class StaffRole(models.Model):
    """The role a staff user holds and the units it covers. A user without one sees only the
    leads they own or created (see ``crm.org.scope``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_role"
    )
    role = models.CharField(max_length=13, choices=Role.choices)
    units = models.ManyToManyField(OrgUnit, blank=True, related_name="staff_roles")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="staffrole_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
