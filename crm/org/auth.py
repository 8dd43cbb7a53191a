"""The sign-in backend of the staff pages: Django's, but the user a session names is read with
their role and the codes of their units (subqueries of the same query), for the navigation's
"Store manager · S1, S2" at no query of its own (``crm.org.selectors.role_label``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery

from crm.core.models import User

from .models import OrgUnit, StaffRole

# Where the annotations land on the user (read by role_label()).
ROLE_ATTR = "nav_role"
UNITS_ATTR = "nav_unit_codes"


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


def with_role(users: QuerySet[User]) -> QuerySet[User]:
    """``users`` each annotated with their role's name and their units' codes (None: none)."""
    role = StaffRole.objects.filter(user_id=OuterRef("pk")).values("role")[:1]
    codes = (
        OrgUnit.objects.filter(staff_roles__user_id=OuterRef("pk"))
        .order_by()
        .values("staff_roles__user_id")
        .annotate(codes=UnitCodes("code"))
        .values("codes")
    )
    return users.annotate(**{ROLE_ATTR: Subquery(role), UNITS_ATTR: Subquery(codes)})


class StaffBackend(ModelBackend):
    """Django's username and password backend; ``get_user`` adds the role (``with_role``).

    Django's own backend stays listed after this one so that sessions signed in before it
    still load; a wrong password is refused here for both, not checked a second time by the
    hasher (about 300 ms each)."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        given = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if user is None and given is not None and password is not None:
            raise PermissionDenied
        return user

    def get_user(self, user_id: Any) -> User | None:
        user = with_role(User._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None
