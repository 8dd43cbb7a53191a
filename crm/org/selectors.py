"""Reads of the org's structure, each list in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Case, Count, Prefetch, QuerySet, Value, When

from crm.core.models import User

from .models import OrgUnit, StaffRole, UnitType


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
