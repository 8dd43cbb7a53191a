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
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Field, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from crm.core.db import ID_MARK, PreparedQuery, PreparedWindow
from crm.core.parsing import parse_id

from ..access import visible_leads, visible_q
from ..errors import ErrorCode, coded_error
from ..filters import ordering
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
    "store__code",
)
# A follow-up and a status change begin and end alike (``history`` relies on it).
HISTORY_HEAD = ("id", "lead_id")
HISTORY_TAIL = ("notes", "created_by_id", "created_on")
FOLLOWUP_FIELDS = (
    *HISTORY_HEAD,
    "followed_up_on",
    "followed_up_by_id",
    "scheduled_follow_up",
    "next_follow_up",
    *HISTORY_TAIL,
)
STATUS_FIELDS = (
    *HISTORY_HEAD,
    "status",
    "sub_status__name",
    "reason_id",
    "reason__reason",
    *HISTORY_TAIL,
)


# A date-time as the API writes it in UTC (``2026-12-03T21:36:37+00:00``, whole seconds),
# written by PostgreSQL's JSON of a timestamp cut to the second: the connection's time zone is
# UTC (Django sets it with USE_TZ). (Cheaper for the server than TO_CHAR.)
_MOMENT = "DATE_TRUNC('second', {})"


def _column(model: type, name: str, alias: str) -> str:
    return f'{alias}."{model._meta.get_field(name).column}"'


@functools.cache
def _history_sql() -> tuple[RawSQL, RawSQL]:
    """Each lead's follow-ups and status log as JSON arrays of objects, in FOLLOWUP_FIELDS' and
    STATUS_FIELDS' key order (``json_build_object``, not ``jsonb_build_object``, which sorts
    the keys). One JSON document per lead and list (``json_agg``) rather than an SQL array of
    JSON values: the client parses one document instead of an array literal and then each of
    its elements. Written once as SQL: built by the ORM's expressions, the two subqueries cost
    more CPU to resolve and compile on each request than the rest of a page of ten leads."""
    lead = f'"{Lead._meta.db_table}"'

    def array(model: type, joins: str, order: tuple[str, ...], **middle: str) -> RawSQL:
        pairs = {
            "id": _column(model, "id", "h"),
            "leadId": _column(model, "lead", "h"),
            "userId": _column(Lead, "customer", lead),
            **middle,
            "notes": _column(model, "notes", "h"),
            "createdBy": _column(model, "created_by", "h"),
            "createdOn": _MOMENT.format(_column(model, "created_on", "h")),
        }
        body = ", ".join(f"'{key}', {value}" for key, value in pairs.items())
        ordering = ", ".join(_column(model, name, "h") for name in order)
        return RawSQL(
            f"COALESCE((SELECT JSON_AGG(JSON_BUILD_OBJECT({body}) ORDER BY {ordering})"
            f' FROM "{model._meta.db_table}" h{joins}'
            f" WHERE {_column(model, 'lead', 'h')} = {_column(Lead, 'id', lead)}), '[]')",
            (),
            # A plain Field: psycopg already reads json as Python values.
            output_field=Field(),
        )

    sub_status = LeadStatus._meta.get_field("sub_status").related_model
    reason = LeadStatus._meta.get_field("reason").related_model
    followups = array(
        FollowUp,
        "",
        ("followed_up_on", "id"),
        followedUpOn=_MOMENT.format(_column(FollowUp, "followed_up_on", "h")),
        followedUpBy=_column(FollowUp, "followed_up_by", "h"),
        scheduledFollowUp=_MOMENT.format(_column(FollowUp, "scheduled_follow_up", "h")),
        nextFollowUp=_MOMENT.format(_column(FollowUp, "next_follow_up", "h")),
    )
    statuses = array(
        LeadStatus,
        f' LEFT JOIN "{sub_status._meta.db_table}" s'
        f' ON s."id" = {_column(LeadStatus, "sub_status", "h")}'
        f' LEFT JOIN "{reason._meta.db_table}" r'
        f' ON r."id" = {_column(LeadStatus, "reason", "h")}',
        ("created_on", "id"),
        status=_column(LeadStatus, "status", "h"),
        subStatus=_column(sub_status, "name", "s"),
        reasonId=_column(LeadStatus, "reason", "h"),
        reason=_column(reason, "reason", "r"),
    )
    return followups, statuses


def _history_by_database() -> bool:
    """On PostgreSQL, with the API's zone UTC, the page's query brings each lead's follow-ups
    and status log as JSON (one query a page, and no date-time parsed then formatted again in
    Python); elsewhere two more queries read them as tuples."""
    return connection.vendor == "postgresql" and timezone.get_current_timezone_name() == "UTC"


def _values(leads: QuerySet[Lead]) -> QuerySet[Lead]:
    if not _history_by_database():
        return leads.values_list(*LEAD_FIELDS)
    return leads.values_list(*LEAD_FIELDS, *_history_sql())


# The most frequent reads, for whoever sees every lead (an integration's account, an admin):
# the newest leads, and one lead by id. Their SQL is compiled once (crm.core.db.PreparedQuery):
# building and compiling the ORM's query cost as much CPU as the rest of such a request.
_NEWEST = PreparedQuery(lambda: _values(Lead.objects.order_by(*ordering(None, None))))
_ONE = PreparedQuery(lambda pk: _values(Lead.objects.filter(pk=pk)), ID_MARK)


def _is_newest(leads: QuerySet[Lead]) -> bool:
    # Every lead, no condition, in the default order: what _NEWEST reads.
    query = leads.query
    return (
        leads.model is Lead
        and not query.where
        and not query.annotations
        and not query.extra
        and not query.distinct
        and not query.is_sliced
        and query.order_by == tuple(ordering(None, None))
    )


def lead_values(leads: QuerySet[Lead]) -> Any:
    """The leads as the tuples ``lead_rows`` reads (page it, then hand the page over)."""
    if _history_by_database() and _is_newest(leads):
        return PreparedWindow(_NEWEST, _values(leads))
    return _values(leads)


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
    if len(values[0]) > len(LEAD_FIELDS):  # the history came as JSON with the leads
        return [
            _lead(row, followups=row[-2], statuses=row[-1], moment=_moments(datetime.UTC))
            for row in values
        ]
    moment = _moments(timezone.get_current_timezone())
    customers = {row[0]: row[1] for row in values}

    def history(rows: QuerySet, middle: Callable[..., dict[str, Any]]) -> dict[int, list]:
        # A follow-up and a status change share their first and last keys (HISTORY_HEAD and
        # HISTORY_TAIL); ``middle`` makes the keys in between.
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
        _lead(
            row,
            followups=followups.get(row[0], []),
            statuses=statuses.get(row[0], []),
            moment=moment,
        )
        for row in values
    ]


def _lead(
    row: tuple[Any, ...],
    *,
    followups: list[dict[str, Any]],
    statuses: list[dict[str, Any]],
    moment: Callable[[datetime.datetime | None], str | None],
) -> dict[str, Any]:
    (
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
        store_code,
    ) = row[: len(LEAD_FIELDS)]
    return {
        "id": pk,
        "userId": customer_id,
        "type": type_,
        "leadFor": lead_for,
        "status": status,
        "subStatus": sub_status,
        "owner": owner,
        "orgSourceId": org_source_id,
        "storeCode": store_code,
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
        "followUpDetails": followups,
        "statusLogDetails": statuses,
    }


def lead_row_get(*, lead_id: Any, user: Any) -> dict[str, Any]:
    """One lead as the API shows it to ``user``, or the coded 92001 (also for a lead they may
    not see). ``user`` None: whoever just changed it, whether or not they still see it (a
    handover to a store they do not cover)."""
    pk = parse_id(lead_id)
    if pk is None:
        rows = []
    elif _history_by_database() and (user is None or visible_q(user) is None):
        rows = lead_rows(_ONE.rows(pk))
    else:
        leads = Lead.objects.filter(pk=pk)
        if user is not None:
            leads = visible_leads(leads, user)
        rows = lead_rows(_values(leads))
    if not rows:
        raise ValidationError({"lead": [coded_error(ErrorCode.LEAD_NOT_FOUND)]})
    return rows[0]
