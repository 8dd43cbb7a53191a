"""A lead as the API shows it, made by plain functions from ``.values()`` rows.

The same keys, order and values as ``LeadSerializer`` (which still documents the shape in the
OpenAPI schema; ``tests/api/test_lead_rows.py`` compares the two), without a model instance or a
serializer field object per value: a page of 100 leads with their follow-ups and status logs
used to build some 2,000 model instances before a byte was written. Here it is three queries
of plain tuples (the leads with their customer, owner and sub-status joined; the follow-ups of
the page; its status log) and a loop.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from crm.core.parsing import parse_id

from ..errors import ErrorCode, coded_error
from ..models import FollowUp, Lead, LeadStatus

LEAD_FIELDS = (
    "id",
    "customer_id",
    "type",
    "lead_for",
    "status",
    "sub_status__name",
    "owner__username",
    "org_source_id",
    "next_follow_up",
    "last_follow_up",
    "created_on",
    "created_by_id",
    "last_updated_on",
    "last_updated_by_id",
    "extended_fields",
    "customer__first_name",
    "customer__last_name",
    "customer__mobile",
    "customer__email",
    "customer__external_id",
    "customer__loyalty_type",
)
FOLLOWUP_FIELDS = (
    "id",
    "lead_id",
    "followed_up_on",
    "followed_up_by_id",
    "scheduled_follow_up",
    "next_follow_up",
    "notes",
    "created_by_id",
    "created_on",
)
STATUS_FIELDS = (
    "id",
    "lead_id",
    "status",
    "sub_status__name",
    "reason_id",
    "reason__reason",
    "notes",
    "created_by_id",
    "created_on",
)


def lead_values(leads: QuerySet[Lead]) -> QuerySet[Lead]:
    """The leads as the tuples ``lead_rows`` reads (page it, then hand the page over)."""
    return leads.values_list(*LEAD_FIELDS)


def _moments(zone: datetime.tzinfo) -> Callable[[datetime.datetime | None], str | None]:
    def moment(value: datetime.datetime | None) -> str | None:
        # As DateTimeField answers: the active zone (UTC for the API), whole seconds.
        if value is None:
            return None
        return value.astimezone(zone).isoformat(timespec="seconds")

    return moment


def lead_rows(values: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The API's leads for ``lead_values()`` tuples, with their follow-ups and status logs
    (oldest first), in two more queries whatever the number of leads."""
    values = list(values)
    ids = [row[0] for row in values]
    if not ids:
        return []
    moment = _moments(timezone.get_current_timezone())
    customers = {row[0]: row[1] for row in values}

    def history(rows: QuerySet, middle: Callable[..., dict[str, Any]]) -> dict[int, list]:
        # A follow-up and a status change share their first and last keys (FOLLOWUP_FIELDS
        # and STATUS_FIELDS begin and end alike); ``middle`` makes the keys in between.
        entries: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for pk, lead_id, *own, notes, created_by, created_on in rows:
            entries[lead_id].append(
                {
                    "id": pk,
                    "leadId": lead_id,
                    "userId": customers[lead_id],
                    **middle(*own),
                    "notes": notes,
                    "createdBy": created_by,
                    "createdOn": moment(created_on),
                }
            )
        return entries

    followups = history(
        FollowUp.objects.filter(lead_id__in=ids)
        .order_by("followed_up_on", "id")
        .values_list(*FOLLOWUP_FIELDS),
        lambda on, by, scheduled, next_: {
            "followedUpOn": moment(on),
            "followedUpBy": by,
            "scheduledFollowUp": moment(scheduled),
            "nextFollowUp": moment(next_),
        },
    )
    statuses = history(
        LeadStatus.objects.filter(lead_id__in=ids)
        .order_by("created_on", "id")
        .values_list(*STATUS_FIELDS),
        lambda status, sub_status, reason_id, reason: {
            "status": status,
            "subStatus": sub_status,
            "reasonId": reason_id,
            "reason": reason,
        },
    )
    return [
        {
            "id": pk,
            "userId": customer_id,
            "type": type_,
            "leadFor": lead_for,
            "status": status,
            "subStatus": sub_status,
            "owner": owner,
            "orgSourceId": org_source_id,
            "nextFollowUp": moment(next_follow_up),
            "lastFollowUp": moment(last_follow_up),
            "createdOn": moment(created_on),
            "createdBy": created_by,
            "lastUpdatedOn": moment(last_updated_on),
            "lastUpdatedBy": last_updated_by,
            "extendedFields": dict(extended_fields),
            "customer": {
                "id": customer_id,
                "firstName": first_name,
                "lastName": last_name,
                "mobile": mobile,
                "email": email,
                "externalId": external_id,
                "loyaltyType": loyalty_type,
            },
            "followUpDetails": followups.get(pk, []),
            "statusLogDetails": statuses.get(pk, []),
        }
        for (
            pk,
            customer_id,
            type_,
            lead_for,
            status,
            sub_status,
            owner,
            org_source_id,
            next_follow_up,
            last_follow_up,
            created_on,
            created_by,
            last_updated_on,
            last_updated_by,
            extended_fields,
            first_name,
            last_name,
            mobile,
            email,
            external_id,
            loyalty_type,
        ) in values
    ]


def lead_row_get(*, lead_id: Any) -> dict[str, Any]:
    """One lead as the API shows it, or the coded 92001."""
    pk = parse_id(lead_id)
    rows = lead_rows(lead_values(Lead.objects.filter(pk=pk))) if pk is not None else []
    if not rows:
        raise ValidationError({"lead": [coded_error(ErrorCode.LEAD_NOT_FOUND)]})
    return rows[0]
