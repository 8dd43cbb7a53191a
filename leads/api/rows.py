"""A lead as the API shows it, made by plain functions from the rows a page already holds.

The same keys, order and values as ``LeadSerializer`` (which still documents the shape in the
OpenAPI schema; ``tests/api/test_lead_rows.py`` compares the two), without a serializer field
object per value: on a page of 100 leads with their follow-ups and status logs that is most of
the CPU a list costs.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from customers.models import Customer

from ..models import FollowUp, Lead, LeadStatus


def _moment(value: datetime.datetime | None) -> str | None:
    # As DateTimeField answers: the active zone (UTC for the API), whole seconds.
    if value is None:
        return None
    return value.astimezone(timezone.get_current_timezone()).isoformat(timespec="seconds")


def customer_row(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "firstName": customer.first_name,
        "lastName": customer.last_name,
        "mobile": customer.mobile,
        "email": customer.email,
        "externalId": customer.external_id,
        "loyaltyType": customer.loyalty_type,
    }


def followup_row(followup: FollowUp, customer_id: int) -> dict[str, Any]:
    return {
        "id": followup.pk,
        "leadId": followup.lead_id,
        "userId": customer_id,
        "followedUpOn": _moment(followup.followed_up_on),
        "followedUpBy": followup.followed_up_by_id,
        "scheduledFollowUp": _moment(followup.scheduled_follow_up),
        "nextFollowUp": _moment(followup.next_follow_up),
        "notes": followup.notes,
        "createdBy": followup.created_by_id,
        "createdOn": _moment(followup.created_on),
    }


def status_row(row: LeadStatus, customer_id: int) -> dict[str, Any]:
    return {
        "id": row.pk,
        "leadId": row.lead_id,
        "userId": customer_id,
        "status": row.status,
        "subStatus": row.sub_status.name if row.sub_status_id else None,
        "reasonId": row.reason_id,
        "reason": row.reason.reason if row.reason_id else None,
        "notes": row.notes,
        "createdBy": row.created_by_id,
        "createdOn": _moment(row.created_on),
    }


def lead_row(lead: Lead) -> dict[str, Any]:
    """The lead of ``lead_detail_queryset()`` / ``lead_search_queryset()`` (its customer,
    owner and sub-status joined, its follow-ups and status log prefetched in order)."""
    customer_id = lead.customer_id
    return {
        "id": lead.pk,
        "userId": customer_id,
        "type": lead.type,
        "leadFor": lead.lead_for,
        "status": lead.status,
        "subStatus": lead.sub_status.name if lead.sub_status_id else None,
        "owner": lead.owner.username if lead.owner_id else None,
        "orgSourceId": lead.org_source_id,
        "nextFollowUp": _moment(lead.next_follow_up),
        "lastFollowUp": _moment(lead.last_follow_up),
        "createdOn": _moment(lead.created_on),
        "createdBy": lead.created_by_id,
        "lastUpdatedOn": _moment(lead.last_updated_on),
        "lastUpdatedBy": lead.last_updated_by_id,
        "extendedFields": dict(lead.extended_fields),
        "customer": customer_row(lead.customer),
        "followUpDetails": [followup_row(f, customer_id) for f in _related(lead, "followups")],
        "statusLogDetails": [status_row(s, customer_id) for s in _related(lead, "status_logs")],
    }


def _related(lead: Lead, name: str) -> Any:
    # The prefetched rows themselves: .all() would build a queryset per lead to hand them back.
    cache = getattr(lead, "_prefetched_objects_cache", {})
    return cache[name] if name in cache else getattr(lead, name).all()
