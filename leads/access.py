"""Who sees which lead and who may do what to it: the one place every surface asks (API,
pages, admin, bulk, CSV, dashboard). The README's role table, in code.

Seeing is a filter (``visible_leads``), written in SQL so that a list spends no query on it.
Acting is a check (``check``) that raises 90034 (403); a lead the user may not see is not
theirs to be told about, so callers look it up through ``visible_leads`` first and answer 92001
when it is not there.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from crm.core.parsing import parse_id
from crm.org.models import Role
from crm.org.scope import is_org_admin, known_scope, scope_for, stores_covered

from .errors import ErrorCode, coded_error
from .models import Lead, Status

# The statuses only a manager may set in bulk (the role table's "bulk DELETED / LOST").
BULK_CLOSE_STATUSES = frozenset({Status.DELETED, Status.LOST})


class LeadAction(StrEnum):
    """What a user may be refused; the value is the word the 90034 message uses."""

    CHANGE = "change"
    ASSIGN = "assign"
    MOVE = "move"
    BULK_CLOSE = "bulk close"


def visible_q(user: Any, prefix: str = "") -> Q | None:
    """The leads ``user`` may see, as a condition on Lead (on the lead at ``prefix``, such as
    "lead__" or "leads__", for rows that point to one); None: every lead.

    Everyone sees the leads they own or created; associates and store managers the leads of
    their stores, zone managers of their zones' stores; admins and superusers every lead. A
    staff user with no role sees only their own (the safe answer for an account nobody placed).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(**{f"{prefix}pk__in": []})
    if user.is_superuser:
        return None
    own = Q(**{f"{prefix}owner_id": user.pk}) | Q(**{f"{prefix}created_by_id": user.pk})
    scope = known_scope(user)
    if scope is None:
        # Not known yet: asked in the same query, at the cost of a plan that reads more rows.
        stores = Q(**{f"{prefix}store_id__in": stores_covered(user.pk).values("pk")})
        return Q(is_org_admin(user.pk)) | stores | own
    if scope.everything:
        return None
    if not scope.store_ids:
        return own
    return Q(**{f"{prefix}store_id__in": sorted(scope.store_ids)}) | own


def visible_leads(queryset: QuerySet[Lead], user: Any) -> QuerySet[Lead]:
    condition = visible_q(user)
    return queryset if condition is None else queryset.filter(condition)


def may(user: Any, action: LeadAction, lead: Lead, *, to: Any = None) -> bool:
    """Whether ``user`` may do ``action`` to ``lead``. ``to`` is the new owner (ASSIGN) or the
    new store id (MOVE)."""
    scope = scope_for(user)
    if scope.everything:
        return True
    if scope.user_id is None:
        return False
    manager = scope.role in (Role.STORE_MANAGER, Role.ZONE_MANAGER)
    covered = scope.covers_store(lead.store_id)
    own = lead.owner_id == scope.user_id
    own_or_created = own or lead.created_by_id == scope.user_id
    if action is LeadAction.CHANGE:
        if own or (covered and (manager or lead.owner_id is None)):
            return True
        # Without a role, the leads they recorded and nobody holds stay theirs to work.
        return scope.role is None and lead.owner_id is None and lead.created_by_id == user.pk
    if action is LeadAction.ASSIGN:
        if not may(user, LeadAction.CHANGE, lead):
            return False
        to_id = _pk(to)
        if to_id == scope.user_id:
            return lead.owner_id in (None, scope.user_id) or manager
        if not manager:
            return False
        # A manager hands a lead to someone who works at its store, or takes it from everyone.
        return to is None or (covered and scope_for(to).covers_store(lead.store_id))
    if action is LeadAction.MOVE:
        # A handover: a manager sends a lead of their stores to any store (it may leave their
        # sight), or places a lead of theirs that has no store yet in one of their stores.
        if not manager:
            return False
        if covered:
            return True
        return lead.store_id is None and own_or_created and scope.covers_store(_pk(to))
    if action is LeadAction.BULK_CLOSE:
        return manager and covered
    raise ValueError(action)


def may_bulk_close(user: Any) -> bool:
    """Whether ``user`` may bulk-close any lead at all (DELETED / LOST): managers and admins;
    each lead is still checked on its own (BULK_CLOSE)."""
    return scope_for(user).is_manager


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def check(user: Any, action: LeadAction, lead: Lead, *, to: Any = None) -> None:
    """Raises 90034 when ``user`` may not do ``action`` to ``lead``."""
    if not may(user, action, lead, to=to):
        raise coded_error(ErrorCode.LEAD_FORBIDDEN, action.value, lead.pk)


def default_store_id(user: Any) -> int | None:
    """The store a lead recorded by ``user`` belongs to when the request names none: theirs,
    when their role places them at exactly one store and it is active (an inactive store
    takes no new lead, 90038 when named); otherwise none (an org-level lead)."""
    scope = scope_for(user)
    if (
        scope.role in (Role.ASSOCIATE, Role.STORE_MANAGER)
        and len(scope.store_ids) == 1
        and scope.store_ids == scope.active_store_ids
    ):
        return next(iter(scope.store_ids))
    return None


def check_create(user: Any, store: Any) -> None:
    """Raises 90034 when ``user`` may not record a lead at ``store`` (an OrgUnit): a store
    outside their scope. A lead without a store (org-level) anyone may record: it stays theirs
    to see."""
    if user is None or store is None:
        return
    if not scope_for(user).covers_store(store.pk):
        raise coded_error(ErrorCode.LEAD_FORBIDDEN, "create", f"at store {store.code}")


def lead_to_act_on(
    lead_id: Any, user: Any, action: LeadAction | None = LeadAction.CHANGE, *, to: Any = None
) -> Lead:
    """The lead ``lead_id`` names, locked until the transaction ends, as ``user`` may act on
    it: 92001 when there is none or they may not see it (the same answer: nothing tells them
    it exists), 90034 when they see it but may not do ``action``. ``user`` None is the system
    itself (a task, a data fix), which every lead is open to."""
    if isinstance(lead_id, Lead):
        lead_id = lead_id.pk
    lead = visible_lead(Lead.objects.select_for_update(), user, lead_id)
    if user is not None and action is not None:
        check(user, action, lead, to=to)
    return lead


def visible_lead(queryset: QuerySet[Lead], user: Any, lead_id: Any) -> Lead:
    """One lead of ``queryset`` that ``user`` may see, or 92001 (also for one they may not).
    ``user`` None is the system itself."""
    pk = parse_id(lead_id)
    if user is not None:
        queryset = visible_leads(queryset, user)
    lead = queryset.filter(pk=pk).first() if pk is not None else None
    if lead is None:
        raise ValidationError({"lead": [coded_error(ErrorCode.LEAD_NOT_FOUND)]})
    return lead
