"""The reference lists the lead list and the board offer in their selects — who may own a lead,
the sources, the sub-statuses, the reasons and the stores — kept in Django's cache between
requests as plain values, not read again (five queries) on every page.

**Invalidation.** The lists are cached under a version stamp. Saving or deleting a row they are
read from (a staff user's name, role flags or username; a source; a sub-status; a reason; an
org unit) replaces the stamp, so the next page reads them again: ``post_save`` and
``post_delete`` of those models, which every service, the admin and the imports go through. The
stamp is replaced at once (the same request and the rest of its transaction see the change)
and again when the transaction commits, so that lists read by another request between the two,
before the change was visible to it, are never used. A bulk write that sends no signals
(``generate_leads``) calls ``reference_lists_changed()`` itself.

With a cache shared by every process (``REDIS_URL``) a change shows on the next page anywhere;
with each process's own memory (no ``REDIS_URL``), in the process that made it at once and in
the others within ``REFERENCE_CACHE_SECONDS`` (the lists' time to live; 0 reads them on every
page).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.safestring import SafeString, mark_safe

from crm.org.models import OrgUnit
from crm.org.selectors import store_list
from leads.models import OrgSource, Reason, SubStatus
from leads.selectors import assignable_owners, org_source_list, reason_list, substatus_list

User = get_user_model()


@dataclass(frozen=True, slots=True)
class Owner:
    """Who a lead can be given to, as the selects show them: a user's name methods (not a
    tuple: a select's label that is a tuple would be read as a group of options)."""

    username: str
    first_name: str
    last_name: str

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __str__(self) -> str:
        return self.username


class Source(NamedTuple):
    pk: int
    name: str


class SubStatusRow(NamedTuple):
    pk: int
    status: str
    name: str
    is_active: bool


class ReasonRow(NamedTuple):
    pk: int
    reason: str
    is_active: bool


class Store(NamedTuple):
    pk: int
    code: str
    name: str
    is_active: bool

    def __str__(self) -> str:  # as OrgUnit's
        return f"{self.code} · {self.name}"


@dataclass(frozen=True)
class ReferenceLists:
    owners: tuple[Owner, ...]  # active staff, by username
    sources: tuple[Source, ...]  # by id
    sub_statuses: tuple[SubStatusRow, ...]  # every one, by status and name
    reasons: tuple[ReasonRow, ...]  # every one, by id
    stores: tuple[Store, ...]  # every store, by code
    # The version stamp the lists were cached under ("" when read without the cache).
    version: str = field(default="", compare=False)

    @property
    def active_stores(self) -> list[Store]:
        return [store for store in self.stores if store.is_active]

    @property
    def active_sub_statuses(self) -> list[SubStatusRow]:
        return [sub for sub in self.sub_statuses if sub.is_active]

    @property
    def active_reasons(self) -> list[ReasonRow]:
        return [reason for reason in self.reasons if reason.is_active]


def read_reference_lists() -> ReferenceLists:
    """The lists from the database (five queries)."""
    return ReferenceLists(
        owners=tuple(
            Owner(*row)
            for row in assignable_owners().values_list("username", "first_name", "last_name")
        ),
        sources=tuple(Source(*row) for row in org_source_list().values_list("pk", "name")),
        sub_statuses=tuple(
            SubStatusRow(*row)
            for row in substatus_list().values_list("pk", "status", "name", "is_active")
        ),
        reasons=tuple(
            ReasonRow(*row) for row in reason_list().values_list("pk", "reason", "is_active")
        ),
        stores=tuple(
            Store(*row) for row in store_list().values_list("pk", "code", "name", "is_active")
        ),
    )


def _key(name: str) -> str:
    # The database's name too: two databases (a test run, a benchmark) may share one Redis.
    return f"reference:{connection.settings_dict['NAME']}:{name}"


def _new_version() -> str:
    version = secrets.token_hex(8)
    cache.set(_key("version"), version, None)
    return version


def reference_lists() -> ReferenceLists:
    """The lists, from the cache when a page read them since they last changed."""
    ttl = settings.REFERENCE_CACHE_SECONDS
    if ttl <= 0:
        return read_reference_lists()
    version = cache.get(_key("version")) or _new_version()
    key = _key(f"lists:{version}")
    lists = cache.get(key)
    if lists is None:
        lists = replace(read_reference_lists(), version=version)
        cache.set(key, lists, ttl)
    return lists


def reference_fragment(
    lists: ReferenceLists, name: str, vary: str, make: Callable[[], str]
) -> SafeString:
    """HTML made from nothing but ``lists`` and ``vary`` (the filter bar of a query string,
    the bulk bar), kept in the cache beside the lists under their version stamp: a change to
    the lists makes it again. ``make()`` writes it when it is not kept, or when the lists were
    read without the cache."""
    if not lists.version:
        return mark_safe(make())
    digest = hashlib.sha256(vary.encode()).hexdigest()
    key = _key(f"fragment:{lists.version}:{name}:{digest}")
    html = cache.get(key)
    if html is None:
        html = make()
        cache.set(key, html, settings.REFERENCE_CACHE_SECONDS)
    return mark_safe(html)


def reference_lists_changed() -> None:
    """Makes the next page read the lists again: now, and once more after the commit."""
    _new_version()
    transaction.on_commit(_new_version)


# What a user's row holds that the owners' list shows or selects by.
_OWNER_FIELDS = frozenset({"username", "first_name", "last_name", "is_active", "is_staff"})


def _changed(sender: Any, update_fields: Any = None, **_: Any) -> None:
    if sender is User and update_fields is not None and not _OWNER_FIELDS & set(update_fields):
        return  # a login's last_login, a password, a time zone: not in any list
    reference_lists_changed()


def connect_signals() -> None:
    for model in (User, OrgSource, SubStatus, Reason, OrgUnit):
        uid = f"reference-lists-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
