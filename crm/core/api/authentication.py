"""HTTP Basic at the cost of a token.

Capillary clients send HTTP Basic on every request, and Django's password hasher is slow on
purpose (PBKDF2, a million iterations: about 300 ms of CPU). Credentials that were verified are
remembered for ``BASIC_AUTH_CACHE_SECONDS`` in Django's cache, so that the next requests cost a
cache read and one query for the user:

- the cache key is an HMAC of the username and password keyed with ``SECRET_KEY``: it reveals
  neither, and a wrong password never matches a remembered one;
- the entry holds the user's id and an HMAC of the user's password hash as it was: a password
  change, or a deactivation, ends it at the next request;
- a wrong password is never remembered; failed attempts are counted per username and per client
  address, and past ``BASIC_AUTH_MAX_FAILURES`` in ``BASIC_AUTH_FAILURE_WINDOW`` seconds the
  next attempt is refused (429, 90007) before the hasher runs, so the cache cannot be used to
  guess faster than the hasher allows.

The login page and ``check_password`` keep the full hasher.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from ..db import ID_MARK, PreparedQuery


def _digest(*parts: str) -> str:
    message = "\0".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _failure_keys(request: Request, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "")
    return [f"basic-fail:user:{_digest('user', username)}", f"basic-fail:ip:{address}"]


def staff_users() -> QuerySet:
    """The users as authentication reads them; a higher layer may read more with them in the
    same query (``crm.org`` reads each user's role and stores)."""
    return get_user_model()._default_manager.all()


class PreparedUsers:
    """``users()`` of an authentication class, found by one field in a query compiled once:
    building and compiling it anew on each request cost about a tenth of a short list's
    CPU."""

    _queries: dict[tuple[type, str], PreparedQuery] = {}

    @classmethod
    def users(cls) -> QuerySet:
        return staff_users()

    @classmethod
    def user_by(cls, lookup: str, value: Any, mark: Any) -> Any:
        """The user whose ``lookup`` is ``value``, or None (``mark``: a value of its type that
        stands for it while the SQL is compiled)."""
        query = cls._queries.get((cls, lookup))
        if query is None:
            query = PreparedQuery(lambda v: cls.users().filter(**{lookup: v}), mark)
            cls._queries[(cls, lookup)] = query
        users = query.instances(value)
        return users[0] if users else None


class TokenAuthentication(PreparedUsers, authentication.TokenAuthentication):
    """DRF's token authentication, with the user read by a query compiled once."""

    def authenticate_credentials(self, key: str) -> tuple[Any, str]:
        user = self.user_by("auth_token__key", key, "\x00key\x00")
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, key


class CachedBasicAuthentication(PreparedUsers, authentication.BasicAuthentication):
    """DRF's HTTP Basic, with verified credentials remembered for a short time."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        # Kept for authenticate_credentials(), which DRF calls with the request too.
        self._request = request
        return super().authenticate(request)

    def authenticate_credentials(
        self, userid: str, password: str, request: Request | None = None
    ) -> tuple[Any, None]:
        request = request or self._request
        key = "basic:" + _digest("credentials", userid, password)
        remembered = cache.get(key)
        if remembered is not None:
            user_id, fingerprint = remembered
            user = self.user_by("pk", user_id, ID_MARK)
            if (
                user is not None
                and user.is_active
                and hmac.compare_digest(fingerprint, _digest("hash", user.password))
            ):
                return user, None
            cache.delete(key)

        failure_keys = _failure_keys(request, userid)
        window = settings.BASIC_AUTH_FAILURE_WINDOW
        if any((cache.get(k) or 0) >= settings.BASIC_AUTH_MAX_FAILURES for k in failure_keys):
            raise exceptions.Throttled(wait=window)
        try:
            user, _ = super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            for failure_key in failure_keys:
                # add() starts the window; incr() counts within it.
                if not cache.add(failure_key, 1, window):
                    try:
                        cache.incr(failure_key)
                    except ValueError:  # expired between the two calls
                        cache.add(failure_key, 1, window)
            raise
        ttl = settings.BASIC_AUTH_CACHE_SECONDS
        if ttl > 0:
            cache.set(key, (user.pk, _digest("hash", user.password)), ttl)
        return user, None
