"""Which stores a staff user covers: the one place the role table of the README is read.

``scope_for`` answers in Python (for permission checks: two queries at most, kept on the user
object for the rest of the request); ``stores_covered`` is the same answer as a subquery, for
lists that must not spend a query on it. ``with_scope`` reads the answer with the user, in the
query that authenticates them, so that a request knows it before any list is read: the list's
condition is then a plain list of store ids, which PostgreSQL answers from the indexes (a
subquery OR-ed with other conditions makes it read every lead to count a scoped list).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Exists,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)

from .models import OrgUnit, Role, StaffRole, UnitType

_CACHE_ATTR = "_org_scope"
# What ``with_scope`` reads with a user: their role, the stores they cover (all, and those that
# take new leads), the codes of their units (for the navigation's "Store manager · S1, S2").
ROLE_ATTR = "org_role"
STORES_ATTR = "org_store_ids"
ACTIVE_STORES_ATTR = "org_active_store_ids"
UNITS_ATTR = "org_unit_codes"
_ANNOTATIONS = (ROLE_ATTR, STORES_ATTR, ACTIVE_STORES_ATTR, UNITS_ATTR)
# The roles that are placed at units (an admin covers the whole org).
PLACED_ROLES = (Role.ASSOCIATE, Role.STORE_MANAGER, Role.ZONE_MANAGER)


@dataclass(frozen=True)
class Scope:
    """What a user covers. ``everything``: the whole org (admins and superusers). Otherwise
    ``store_ids``: the stores of their role (a zone manager's are the stores of their zones).
    A user with no role (``role`` None) covers no store: they see the leads they own or
    created, as everyone does."""

    user_id: int | None
    role: str | None
    everything: bool
    store_ids: frozenset[int]
    # Those of ``store_ids`` that take new leads (inactive stores keep theirs, to be seen).
    active_store_ids: frozenset[int] = frozenset()

    @property
    def is_manager(self) -> bool:
        return self.everything or self.role in (Role.STORE_MANAGER, Role.ZONE_MANAGER)

    def covers_store(self, store_id: int | None) -> bool:
        if self.everything:
            return True
        return store_id is not None and store_id in self.store_ids


NOBODY = Scope(user_id=None, role=None, everything=False, store_ids=frozenset())


class _Ids(Func):
    """The ids a subquery selects, as one value: an array on PostgreSQL, "1,2" on SQLite."""

    template = "ARRAY(%(expressions)s)"
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="(SELECT GROUP_CONCAT(ids.pk) FROM %(expressions)s ids)"
        )


class UnitCodes(Aggregate):
    """Codes joined with commas (a unit code holds no comma: see the org services)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s, ',')",
            **extra,
        )


def with_scope(users: QuerySet) -> QuerySet:
    """``users`` with their role, covered stores and unit codes read in the same query (small
    subqueries): ``scope_for`` and the navigation's label then need no query of
    their own."""
    # The user is two queries out: the stores, then their units.
    stores = stores_covered(OuterRef(OuterRef("pk")))
    codes = (
        OrgUnit.objects.filter(staff_roles__user_id=OuterRef("pk"))
        .order_by()
        .values("staff_roles__user_id")
        .annotate(codes=UnitCodes("code"))
        .values("codes")
    )
    role = Subquery(StaffRole.objects.filter(user_id=OuterRef("pk")).values("role")[:1])
    # Stores and unit codes only for a role that has them: a superuser's or an admin's
    # request spends nothing on them.
    placed = Q(is_superuser=False) & Q(**{f"{ROLE_ATTR}__in": PLACED_ROLES})

    def when_placed(value: Any) -> Case:
        return Case(When(placed, then=value), default=None)

    return users.annotate(**{ROLE_ATTR: role}).annotate(
        **{
            STORES_ATTR: when_placed(_Ids(Subquery(stores.values("pk")))),
            ACTIVE_STORES_ATTR: when_placed(
                _Ids(Subquery(stores.filter(is_active=True).values("pk")))
            ),
            UNITS_ATTR: when_placed(Subquery(codes)),
        }
    )


def _scope(user: Any, role: str | None, stores: Callable[[], Iterable[tuple[int, bool]]]) -> Scope:
    # ``stores``: the (id, active) pairs of the stores the role covers.
    if role == Role.ADMIN:
        return Scope(user.pk, role, True, frozenset())
    if role is None:
        return Scope(user.pk, None, False, frozenset())
    pairs = list(stores())
    return Scope(
        user.pk,
        role,
        False,
        frozenset(pk for pk, _ in pairs),
        frozenset(pk for pk, active in pairs if active),
    )


def _annotated_ids(ids: Any) -> set[int]:
    if isinstance(ids, str):  # SQLite's GROUP_CONCAT
        return {int(pk) for pk in ids.split(",")}
    return set(ids or ())


def known_scope(user: Any) -> Scope | None:
    """``user``'s scope when it is known without a query (kept from earlier in the request, or
    read by ``with_scope``); None otherwise."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOBODY
    scope = getattr(user, _CACHE_ATTR, None)
    if scope is None:
        if user.is_superuser:
            scope = Scope(user.pk, Role.ADMIN, True, frozenset())
        elif hasattr(user, ROLE_ATTR):
            ids = _annotated_ids(getattr(user, STORES_ATTR))
            active = _annotated_ids(getattr(user, ACTIVE_STORES_ATTR))
            pairs = [(pk, pk in active) for pk in ids]
            scope = _scope(user, getattr(user, ROLE_ATTR), lambda: pairs)
        else:
            return None
        setattr(user, _CACHE_ATTR, scope)
    return scope


def scope_for(user: Any) -> Scope:
    scope = known_scope(user)
    if scope is None:
        role = StaffRole.objects.filter(user_id=user.pk).values_list("role", flat=True).first()
        stores = stores_covered(user.pk).values_list("pk", "is_active")
        scope = _scope(user, role, lambda: stores)
        setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Drops the scope kept on ``user`` (after their role or units change)."""
    for attr in (_CACHE_ATTR, *_ANNOTATIONS):
        if hasattr(user, attr):
            delattr(user, attr)


def stores_covered(user_id: Any) -> QuerySet[OrgUnit]:
    """The stores a non-admin's role covers: their stores, or the stores of their zones.
    (Two indexed lookups of the role's units rather than joins over every store: this runs
    with each request's user.)"""
    units = StaffRole.units.through.objects.filter(staffrole__user_id=user_id)
    own = units.filter(staffrole__role__in=[Role.ASSOCIATE, Role.STORE_MANAGER])
    zones = units.filter(staffrole__role=Role.ZONE_MANAGER, orgunit__type=UnitType.ZONE)
    return OrgUnit.objects.filter(type=UnitType.STORE).filter(
        Q(pk__in=own.values("orgunit_id")) | Q(parent_id__in=zones.values("orgunit_id"))
    )


def is_org_admin(user_id: int) -> Exists:
    """True in SQL when the user holds the ADMIN role."""
    return Exists(StaffRole.objects.filter(user_id=user_id, role=Role.ADMIN))
