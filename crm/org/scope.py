"""Which stores a staff user covers: the one place the role table of the README is read.

``scope_for`` answers in Python (for permission checks: two queries at most, kept on the user
object for the rest of the request); ``stores_covered`` is the same answer as a subquery, for
lists that must not spend a query on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Q, QuerySet

from .auth import ROLE_ATTR
from .models import OrgUnit, Role, StaffRole, UnitType

_CACHE_ATTR = "_org_scope"


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


def scope_for(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return NOBODY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(user.pk, Role.ADMIN, True, frozenset())
    else:
        role = StaffRole.objects.filter(user_id=user.pk).values_list("role", flat=True).first()
        if role == Role.ADMIN:
            scope = Scope(user.pk, role, True, frozenset())
        elif role is None:
            scope = Scope(user.pk, None, False, frozenset())
        else:
            stores = list(stores_covered(user.pk).values_list("pk", "is_active"))
            scope = Scope(
                user.pk,
                role,
                False,
                frozenset(pk for pk, _ in stores),
                frozenset(pk for pk, active in stores if active),
            )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def role_name(user: Any) -> str | None:
    """The user's role (ADMIN for a superuser, None for none): as the sign-in backend read it
    with the session's user when it did (no query), else from their scope."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    if hasattr(user, ROLE_ATTR):
        return getattr(user, ROLE_ATTR)
    return scope_for(user).role


def forget_scope(user: Any) -> None:
    """Drops the scope kept on ``user`` (after their role or units change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def stores_covered(user_id: int) -> QuerySet[OrgUnit]:
    """The stores a non-admin's role covers: their stores, or the stores of their zones."""
    return OrgUnit.objects.filter(type=UnitType.STORE).filter(
        Q(staff_roles__user_id=user_id, staff_roles__role__in=[Role.ASSOCIATE, Role.STORE_MANAGER])
        | Q(
            parent__type=UnitType.ZONE,
            parent__staff_roles__user_id=user_id,
            parent__staff_roles__role=Role.ZONE_MANAGER,
        )
    )


def is_org_admin(user_id: int) -> Exists:
    """True in SQL when the user holds the ADMIN role."""
    return Exists(StaffRole.objects.filter(user_id=user_id, role=Role.ADMIN))
