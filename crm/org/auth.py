"""Authentication that reads each user's role, stores and unit codes in the query that finds
the user (``scope.with_scope``), for the session, the API token and HTTP Basic alike: a request
then knows what its user may see, and the navigation what they are, without a query of its own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from crm.core.api.authentication import (
    CachedBasicAuthentication,
    PreparedUsers,
    TokenAuthentication,
    staff_users,
)
from crm.core.db import ID_MARK

from .scope import with_scope


class StaffBackend(PreparedUsers, ModelBackend):
    """Django's username and password backend, reading the user through ``with_scope`` in a
    query compiled once (``PreparedUsers``): a page's session user costs what an API token's
    does.

    Django's own backend stays listed after this one so that sessions signed in before it
    still load; a wrong password is refused here for both, not checked a second time by the
    hasher (about 300 ms each)."""

    @classmethod
    def users(cls) -> QuerySet:
        return with_scope(staff_users())

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        model = staff_users().model
        field = model.USERNAME_FIELD
        username = kwargs.get(field) if username is None else username
        if username is None or password is None:
            return None
        user = self.user_by(field, username, "\x00username\x00")
        if user is None:
            # Run the hasher anyway, so that a missing user takes as long as a wrong password.
            model().set_password(password)
        elif user.check_password(password) and self.user_can_authenticate(user):
            return user
        raise PermissionDenied

    def get_user(self, user_id: Any) -> Any:
        user = self.user_by("pk", user_id, ID_MARK)
        return user if user is not None and self.user_can_authenticate(user) else None


class ScopedTokenAuthentication(TokenAuthentication):
    @classmethod
    def users(cls) -> QuerySet:
        return with_scope(staff_users())


class ScopedBasicAuthentication(CachedBasicAuthentication):
    @classmethod
    def users(cls) -> QuerySet:
        return with_scope(staff_users())
