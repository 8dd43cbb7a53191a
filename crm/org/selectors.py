"""Reads of the org: units and staff for the org-admin API and the org-settings page (each
list in a fixed number of queries), and the store a code names, for a lead's ``storeCode`` and
the lead search's ``entityType`` + ``entityCode``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When

from crm.core.errors import ErrorCode, coded_error
from crm.core.models import User

from .models import OrgUnit, Role, StaffRole, UnitType
from .scope import ROLE_ATTR, UNITS_ATTR, scope_for


def org_unit_list(*, type: str | None = None) -> QuerySet[OrgUnit]:
    """Every unit with its parent, zones first, then stores and tills, by code."""
    # The model orders by the type's text (STORE < TILL < ZONE); a list reads top-down.
    rank = Case(
        When(type=UnitType.ZONE, then=Value(0)),
        When(type=UnitType.STORE, then=Value(1)),
        default=Value(2),
    )
    units = OrgUnit.objects.select_related("parent").order_by(rank, "code")
    if type:
        units = units.filter(type=type)
    return units


def org_unit_counts() -> dict[str, int]:
    """Zones, stores and tills, counted in one query, and the staff holding a role."""
    counts = dict.fromkeys(UnitType.values, 0)
    counts.update(OrgUnit.objects.values_list("type").annotate(n=Count("*")).order_by())
    counts["staff"] = StaffRole.objects.count()
    return counts


def org_unit_get(*, code: str) -> OrgUnit | None:
    return OrgUnit.objects.select_related("parent").filter(code=code).first()


def _with_role(users: QuerySet[User]) -> QuerySet[User]:
    return users.select_related("staff_role").prefetch_related(
        Prefetch("staff_role__units", queryset=OrgUnit.objects.order_by("code"))
    )


def staff_list() -> QuerySet[User]:
    """Staff users with their role and units: three queries whatever their number."""
    return _with_role(User.objects.filter(is_staff=True).order_by("username"))


def staff_get(*, username: str) -> User | None:
    return _with_role(User.objects.filter(is_staff=True, username=username)).first()


def role_of(user: User) -> StaffRole | None:
    """The user's role as the selectors above loaded it (no query), or None."""
    try:
        return user.staff_role
    except StaffRole.DoesNotExist:
        return None


def _code_text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def store_of_unit(unit: OrgUnit | None, entity_type: Any = None) -> OrgUnit | None:
    """The active store a lead recorded at ``unit`` belongs to: the store itself, or a till's
    store; None for a zone, an inactive unit, or a unit not of ``entity_type`` when given. The
    till's ``parent`` is read: select it with the unit."""
    wanted = _code_text(entity_type)
    if unit is None or not unit.is_active:
        return None
    if wanted is not None and wanted.upper() != unit.type:
        return None
    if unit.type == UnitType.STORE:
        return unit
    if unit.type == UnitType.TILL and unit.parent is not None and unit.parent.is_active:
        return unit.parent
    return None


def code_text(value: Any) -> str | None:
    """A unit code as sent (a number is read as its text), or None for none."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return _code_text(value)


def unknown_store(code: Any, field: str = "store_code") -> ValidationError:
    return ValidationError({field: [coded_error(ErrorCode.UNKNOWN_STORE, code_text(code) or "")]})


def store_for_lead(*, code: Any, entity_type: Any = None, field: str = "store_code") -> OrgUnit:
    """The active store a lead recorded at ``code`` belongs to: the store itself, or a till's
    store (Capillary's ``entityType`` TILL, or a till's code given as ``storeCode``). 90038 for
    anything else: an unknown or inactive unit, a zone, a type that is not STORE or TILL."""
    text = code_text(code)
    unit = OrgUnit.objects.select_related("parent").filter(code=text).first() if text else None
    store = store_of_unit(unit, entity_type)
    if store is None:
        raise unknown_store(code, field)
    return store


def stores_condition(*, entity_type: Any, code: Any, field: str = "entityCode") -> Q:
    """The leads recorded at a unit, as a condition on Lead: a store's, a till's store's, or
    every store of a zone (``entityType=ZONE``). ``entity_type`` None: the unit's own type.
    90035 for a type that is none of ZONE, STORE, TILL; 90038 for a code naming no such unit
    (inactive units still hold their leads, and are searched)."""
    wanted = _code_text(entity_type)
    if wanted is not None and wanted.upper() not in UnitType.values:
        raise ValidationError(
            {"entityType": [coded_error(ErrorCode.ORG_UNIT_TYPE_INVALID, wanted)]}
        )
    text = _code_text(code)
    unit = OrgUnit.objects.filter(code=text).first() if text else None
    if unit is None or (wanted is not None and wanted.upper() != unit.type):
        raise ValidationError({field: [coded_error(ErrorCode.UNKNOWN_STORE, text or "")]})
    if unit.type == UnitType.ZONE:
        # A subquery, not a join: the lead_store_created index answers each store.
        stores = OrgUnit.objects.filter(parent_id=unit.pk, type=UnitType.STORE).values("pk")
        return Q(store_id__in=stores)
    if unit.type == UnitType.TILL:
        return Q(store_id=unit.parent_id)
    return Q(store_id=unit.pk)


def store_list() -> Any:
    """Every store (inactive ones still hold their leads), by code."""
    return OrgUnit.objects.filter(type=UnitType.STORE).order_by("code")


def active_stores() -> Any:
    """The stores a lead may be placed in, by code."""
    return store_list().filter(is_active=True)


def store_choices_for(user: Any) -> tuple[list[OrgUnit], OrgUnit | None]:
    """The active stores ``user`` may record a new lead at (every one for an admin, else the
    stores their role covers), by code, and the one to offer first: their store when they
    cover exactly one, else none. The service checks the choice all the same (90038, 90034)."""
    scope = scope_for(user)
    stores = active_stores()
    if not scope.everything:
        stores = stores.filter(pk__in=scope.active_store_ids)
    offered = list(stores)
    single = offered[0] if len(offered) == 1 and not scope.everything else None
    return offered, single


# At most this many unit codes are named beside a role; more are counted.
LABEL_UNITS = 3


def role_label(user: Any) -> str:
    """What the navigation says a user is: "Associate · S1", "Store manager · S1, S2", "Zone
    manager · WEST", "Admin" (superusers too), "No role". Read from the annotations the
    sign-in backend puts on the session's user (no query), else from the role itself."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if user.is_superuser:
        return Role.ADMIN.label
    if hasattr(user, ROLE_ATTR):
        role, joined = getattr(user, ROLE_ATTR), getattr(user, UNITS_ATTR) or ""
        codes = sorted(code for code in joined.split(",") if code)
    else:
        staff_role = StaffRole.objects.filter(user_id=user.pk).first()
        role = staff_role.role if staff_role else None
        codes = sorted(staff_role.units.values_list("code", flat=True)) if staff_role else []
    if role not in Role.values:
        return "No role"
    label = Role(role).label
    if role == Role.ADMIN or not codes:
        return label
    shown = ", ".join(codes[:LABEL_UNITS])
    more = len(codes) - LABEL_UNITS
    return f"{label} · {shown}" + (f" +{more}" if more > 0 else "")
