"""Authentication that reads each user's role and stores in the query that finds the user
(``scope.with_scope``), for the session, the API token and HTTP Basic alike: a request then
knows what its user may see without a query of its own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet

from crm.core.api.authentication import (
    CachedBasicAuthentication,
    TokenAuthentication,
    staff_users,
)

from .scope import with_scope


class ScopedModelBackend(ModelBackend):
    """Django's backend (the login page, sessions), with the scope read with the user."""

    def get_user(self, user_id: Any) -> Any:
        user = with_scope(staff_users()).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class ScopedTokenAuthentication(TokenAuthentication):
    @classmethod
    def users(cls) -> QuerySet:
        return with_scope(staff_users())


class ScopedBasicAuthentication(CachedBasicAuthentication):
    @classmethod
    def users(cls) -> QuerySet:
        return with_scope(staff_users())
