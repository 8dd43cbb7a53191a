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

from django.db.models import Q, QuerySet

from crm.org.models import Role
from crm.org.scope import is_org_admin, scope_for, stores_covered

from .errors import ErrorCode, coded_error
from .models import Lead


class LeadAction(StrEnum):
    """What a user may be refused; the value is the word the 90034 message uses."""

    CHANGE = "change"
    ASSIGN = "assign"
    MOVE = "move"
    BULK_CLOSE = "bulk close"


def visible_q(user: Any) -> Q | None:
    """The leads ``user`` may see, as a condition on Lead; None: every lead.

    Everyone sees the leads they own or created; associates and store managers the leads of
    their stores, zone managers of their zones' stores; admins and superusers every lead. A
    staff user with no role sees only their own (the safe answer for an account nobody placed).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    own = Q(owner_id=user.pk) | Q(created_by_id=user.pk)
    return Q(is_org_admin(user.pk)) | Q(store_id__in=stores_covered(user.pk).values("pk")) | own


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
    if action is LeadAction.CHANGE:
        if own or (covered and (manager or lead.owner_id is None)):
            return True
        # Without a role, the leads they recorded and nobody holds stay theirs to work.
        return scope.role is None and lead.owner_id is None and lead.created_by_id == user.pk
    if action is LeadAction.ASSIGN:
        if not may(user, LeadAction.CHANGE, lead):
            return False
        to_id = getattr(to, "pk", to)
        if to_id == scope.user_id:
            return lead.owner_id in (None, scope.user_id) or manager
        if not manager:
            return False
        # A manager hands a lead to someone who works at its store, or takes it from everyone.
        return to is None or (covered and scope_for(to).covers_store(lead.store_id))
    if action is LeadAction.MOVE:
        return manager and covered and scope.covers_store(getattr(to, "pk", to))
    if action is LeadAction.BULK_CLOSE:
        return manager and covered
    raise ValueError(action)


def check(user: Any, action: LeadAction, lead: Lead, *, to: Any = None) -> None:
    """Raises 90034 when ``user`` may not do ``action`` to ``lead``."""
    if not may(user, action, lead, to=to):
        raise coded_error(ErrorCode.LEAD_FORBIDDEN, action.value, lead.pk)
