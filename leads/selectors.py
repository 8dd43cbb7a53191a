"""Reads for leads. Lists come with what they show already joined or prefetched, so that a page
of 10 or of 1000 rows costs the same number of queries."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Min,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone

from crm.core import paging
from crm.core.db import ID_MARK, MOMENT_MARKS, PreparedQuery
from crm.core.models import active_staff
from crm.core.parsing import MISSING, parse_id
from crm.org.scope import scope_for
from customers.models import Customer
from customers.selectors import customer_find, customer_get, customer_search

from .access import visible_lead, visible_leads, visible_q
from .errors import ErrorCode, coded_error
from .models import (
    ACTIVE_STATUSES,
    CATALOG_MODELS,
    ExtendedFieldDefinition,
    FollowUp,
    Lead,
    LeadStatus,
    LeadType,
    OrgSource,
    OwnerChange,
    Reason,
    Status,
    StoreChange,
    SubStatus,
)

User = get_user_model()


def lead_base_queryset() -> QuerySet[Lead]:
    """Leads with the rows a list shows (customer, owner, sub-status, source) joined."""
    return Lead.objects.select_related(
        "customer", "owner", "sub_status", "org_source", "created_by", "last_updated_by", "store"
    )


# What the list page and the board do not show of the rows they join: not read (a user's
# password hash, dates that would be parsed for nothing).
_UNSHOWN = (
    "extended_fields",
    "customer__loyalty_type",
    "customer__external_id",
    "customer__created_on",
    "customer__updated_on",
    "owner__password",
    "owner__last_login",
    "owner__is_superuser",
    "owner__email",
    "owner__is_staff",
    "owner__is_active",
    "owner__date_joined",
    "owner__time_zone",
)


def lead_list_page_queryset() -> QuerySet[Lead]:
    """Leads with only what the board shows joined (customer, owner, sub-status, source,
    store), without the columns it does not show."""
    return Lead.objects.select_related(
        "customer", "owner", "sub_status", "org_source", "store"
    ).defer(
        *_UNSHOWN,
        "sub_status__is_active",
        "sub_status__created_on",
        "store__type",
        "store__parent",
        "store__is_active",
    )


# The staff list page's columns of a lead, in the order of ``lead_list_rows_queryset()``.
LIST_ROW_FIELDS = (
    "id",
    "type",
    "lead_for",
    "status",
    "sub_status__name",
    "org_source__name",
    "store__code",
    "store__name",
    "customer_id",
    "customer__first_name",
    "customer__last_name",
    "customer__mobile",
    "customer__email",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "next_follow_up",
    "created_on",
    "last_updated_on",
    "item_name",
)


def catalog_name() -> Case:
    """The catalog name of a lead's SKU, brand or category (NULL for a custom item or a code
    no longer in the catalog): one indexed lookup by the unique code, in the lead's row."""
    return Case(
        *(
            When(
                type=kind,
                then=Subquery(model.objects.filter(code=OuterRef("lead_for")).values("name")[:1]),
            )
            for kind, model in CATALOG_MODELS.items()
        ),
        default=Value(None),
        output_field=CharField(),
    )


def lead_list_rows_queryset() -> QuerySet[Lead]:
    """The staff list page's leads as tuples of ``LIST_ROW_FIELDS``: what each cell shows,
    joined and named in the one query of the page (no model instance per lead or per joined
    row, no second query for the catalog names)."""
    return _list_rows().all()


@functools.cache
def _list_rows() -> QuerySet[Lead]:
    # Built once, copied for each request: building the catalog names' expression (three
    # subqueries, resolved against Lead) cost more CPU than running the page's query.
    return Lead.objects.annotate(item_name=catalog_name()).values_list(*LIST_ROW_FIELDS)


def lead_detail_queryset() -> QuerySet[Lead]:
    """Leads with their follow-ups and status log prefetched, oldest first."""
    return lead_base_queryset().prefetch_related(
        Prefetch(
            "followups",
            queryset=FollowUp.objects.select_related("followed_up_by").order_by(
                "followed_up_on", "id"
            ),
        ),
        Prefetch(
            "status_logs",
            queryset=LeadStatus.objects.select_related(
                "sub_status", "reason", "created_by"
            ).order_by("created_on", "id"),
        ),
    )


def lead_search_queryset() -> QuerySet[Lead]:
    """What GET /v2/leads searches. The API reads the page as plain values
    (``leads.api.rows``), joining only the customer, owner and sub-status it shows."""
    return Lead.objects.all()


def active_lead_id(*, customer: Customer, type: str, lead_for: str) -> int | None:
    """The newest OPEN or ON_HOLD lead of the customer for the same item, if there is one."""
    return (
        Lead.objects.filter(
            customer=customer, type=type, lead_for=lead_for, status__in=list(ACTIVE_STATUSES)
        )
        .order_by("-created_on")
        .values_list("pk", flat=True)
        .first()
    )


def duplicate_lead_id(
    *,
    type: Any,
    lead_for: Any,
    user_id: Any = MISSING,
    id_type: Any = None,
    identifier: Any = None,
    **_: Any,
) -> int | None:
    """Before saving a new lead: the OPEN or ON_HOLD lead it would duplicate (what warning
    90101 names after saving), for the customer as ``lead_create`` finds them (without
    registering anyone). None when there is none, or the customer or item is not known yet."""
    if type not in LeadType.values or not isinstance(lead_for, str) or not lead_for.strip():
        return None
    try:
        if user_id is not MISSING:
            pk = parse_id(user_id)
            customer = customer_get(customer_id=pk) if pk is not None else None
        else:
            customer = customer_find(id_type=id_type, identifier=identifier)
    except ValidationError:
        return None
    if customer is None:
        return None
    return active_lead_id(customer=customer, type=type, lead_for=lead_for.strip())


def lead_get(*, lead_id: Any, user: Any, detail: bool = True) -> Lead:
    """One lead ``user`` may see, or the coded 92001 (also for one they may not see: nothing
    tells them it exists). ``user`` None is the system itself."""
    queryset = lead_detail_queryset() if detail else lead_base_queryset()
    return visible_lead(queryset, user, lead_id)


def lead_status_log(*, lead: Lead) -> QuerySet[LeadStatus]:
    return (
        LeadStatus.objects.filter(lead=lead)
        .select_related("sub_status", "reason", "created_by")
        .order_by("created_on", "id")
    )


def lead_followups(*, lead: Lead) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(lead=lead)
        .select_related("followed_up_by", "created_by")
        .order_by("followed_up_on", "id")
    )


def lead_owner_history(*, lead: Lead):
    return lead.owner_changes.select_related("from_owner", "to_owner", "changed_by").order_by(
        "changed_on", "id"
    )


def reason_list(*, active_only: bool = False) -> QuerySet[Reason]:
    """Every reason; ``active_only``: those offered for a new status change."""
    queryset = Reason.objects.order_by("id")
    return queryset.filter(is_active=True) if active_only else queryset


def substatus_list(*, status: Any = None, active_only: bool = False) -> QuerySet[SubStatus]:
    """Every sub-status (of one status); ``active_only``: those offered for a new change."""
    queryset = SubStatus.objects.order_by("status", "name")
    if active_only:
        queryset = queryset.filter(is_active=True)
    if status not in (None, ""):
        if status not in Status.values:
            raise ValidationError({"status": [coded_error(ErrorCode.INVALID_LEAD_STATUS, status)]})
        queryset = queryset.filter(status=status)
    return queryset


def org_source_list() -> QuerySet[OrgSource]:
    return OrgSource.objects.order_by("id")


def dashboard_stats(
    *, user: Any, owner: Any = None, today: datetime.date | None = None, weeks: int = 12
) -> dict[str, Any]:
    """Counts for the dashboard over the leads ``user`` may see; over COUNT_CACHE_FROM leads
    they may be up to LEADS_COUNT_CACHE_SECONDS old, like the totals of large lists."""
    today = today or timezone.localdate()
    ttl = settings.LEADS_COUNT_CACHE_SECONDS
    key = f"dashboard:{_scope_key(user)}:{getattr(owner, 'pk', owner)}:{today.isoformat()}:{weeks}"
    stats = cache.get(key) if ttl > 0 else None
    if stats is None:
        stats = _dashboard_counts(
            leads=visible_leads(Lead.objects.all(), user), owner=owner, today=today, weeks=weeks
        )
        if ttl > 0 and stats["total"] >= paging.COUNT_CACHE_FROM:
            cache.set(key, stats, ttl)
    return stats


def _scope_key(user: Any) -> str:
    """Whose counts a cache entry holds: the whole org's are shared by everyone who sees it."""
    return "org" if scope_for(user).everything else f"user{user.pk}"


def _dashboard_counts(
    *, leads: QuerySet[Lead], owner: Any, today: datetime.date, weeks: int
) -> dict[str, Any]:
    """Counts for the dashboard in four queries whatever the number of leads.

    The breakdowns by status, source and type come from one pass over the lead_breakdown
    index, (status, org source, type), counted per combination and summed here; the
    follow-ups due from the active leads' next_follow_up index; then leads per week, and the
    source names. The counts name only indexed columns (COUNT(*), not COUNT(id)), so that
    PostgreSQL answers them from the indexes alone.
    """
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    if owner is not None:
        leads = leads.filter(owner=owner)
    by_status: dict[str, int] = dict.fromkeys(Status.values, 0)
    by_source: dict[int, int] = {}
    by_type: dict[str, int] = {}
    combinations = (
        leads.values_list("status", "org_source_id", "type").annotate(n=Count("*")).order_by()
    )
    for status, source_id, lead_type, n in combinations:
        by_status[status] = by_status.get(status, 0) + n
        by_source[source_id] = by_source.get(source_id, 0) + n
        by_type[lead_type] = by_type.get(lead_type, 0) + n
    followups = leads.filter(status__in=sorted(ACTIVE_STATUSES), next_follow_up__lt=end).aggregate(
        due_today=Count("next_follow_up", filter=Q(next_follow_up__gte=start)),
        overdue=Count("next_follow_up", filter=Q(next_follow_up__lt=start)),
    )
    names = dict(OrgSource.objects.filter(pk__in=list(by_source)).values_list("pk", "name"))
    won = by_status[Status.WON]
    lost = by_status[Status.LOST]
    return {
        "by_status": by_status,
        "total": sum(by_status.values()),
        "win_rate": (won / (won + lost)) if (won + lost) else None,
        "due_today": followups["due_today"],
        "overdue": followups["overdue"],
        "by_source": [
            {"org_source_id": pk, "org_source__name": names.get(pk, str(pk)), "n": n}
            for pk, n in sorted(by_source.items(), key=lambda item: (-item[1], item[0]))
        ],
        "by_type": by_type,
        "by_week": _leads_per_week(leads, today, weeks),
    }


def _leads_per_week(
    leads: QuerySet[Lead], today: datetime.date, weeks: int
) -> list[dict[str, Any]]:
    """Leads created in each of the last ``weeks`` weeks (Monday first), oldest first, with the
    empty weeks as zeros: one query."""
    this_monday = today - datetime.timedelta(days=today.weekday())
    mondays = [this_monday - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    since = timezone.make_aware(datetime.datetime.combine(mondays[0], datetime.time.min))
    rows = (
        leads.filter(created_on__gte=since)
        .annotate(week=TruncWeek("created_on"))
        .values("week")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts: dict[datetime.date, int] = {}
    for row in rows:
        week = row["week"]
        if isinstance(week, datetime.datetime):
            week = timezone.localtime(week).date() if timezone.is_aware(week) else week.date()
        counts[week] = counts.get(week, 0) + row["n"]
    return [{"week": monday, "n": counts.get(monday, 0)} for monday in mondays]


# Lead ageing: (label, first day, last day or None) of an active lead's age in whole days.
AGE_BUCKETS = (("0–3 days", 0, 3), ("4–7 days", 4, 7), ("8–14 days", 8, 14), ("15+ days", 15, None))
# How far back "time to first follow-up" looks: recent leads say how the team works now.
FIRST_FOLLOW_UP_DAYS = 90


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _outcomes(start: datetime.datetime) -> dict[str, Count]:
    """Per group: leads, active, won, lost, and missed follow-ups (active leads whose planned
    follow-up is before today)."""
    active = Q(status__in=sorted(ACTIVE_STATUSES))
    return {
        "n": Count("*"),
        "active": Count("pk", filter=active),
        "won": Count("pk", filter=Q(status=Status.WON)),
        "lost": Count("pk", filter=Q(status=Status.LOST)),
        "missed": Count("pk", filter=active & Q(next_follow_up__lt=start)),
    }


def lead_ageing(
    *, user: Any, owner: Any = None, today: datetime.date | None = None
) -> list[dict[str, Any]]:
    """The active leads ``user`` may see (of ``owner`` when given) by age, in days since they
    were created: one query. Each bucket: label, n, and the first/last creation dates it spans
    (for the list's filters)."""
    today = today or timezone.localdate()
    start, _ = _day_bounds(today)
    leads = visible_leads(Lead.objects.filter(status__in=sorted(ACTIVE_STATUSES)), user)
    if owner is not None:
        leads = leads.filter(owner=owner)
    counts: dict[str, Count] = {}
    spans = []
    for index, (_, first, last) in enumerate(AGE_BUCKETS):
        # A lead created on day D is (today - D) days old: age 0 is today.
        since = start - datetime.timedelta(days=last) if last is not None else None
        until = start - datetime.timedelta(days=first - 1)
        condition = Q(created_on__lt=until)
        if since is not None:
            condition &= Q(created_on__gte=since)
        counts[f"b{index}"] = Count("pk", filter=condition)
        spans.append((since, until))
    row = leads.aggregate(**counts)
    return [
        {
            "label": label,
            "n": row[f"b{index}"],
            "from": since.date() if since is not None else None,
            "to": (until - datetime.timedelta(days=1)).date(),
        }
        for index, ((label, _, _), (since, until)) in enumerate(
            zip(AGE_BUCKETS, spans, strict=True)
        )
    ]


def team_stats(*, user: Any, today: datetime.date | None = None) -> dict[str, Any]:
    """A manager's view of the leads ``user`` may see, per store and per owner: leads, active,
    won, lost, conversion (won / closed as won or lost), missed follow-ups, and the median time
    from a lead's creation to its first follow-up (leads of the last FIRST_FOLLOW_UP_DAYS days).
    Three queries whatever the number of stores, staff or leads."""
    today = today or timezone.localdate()
    start, _ = _day_bounds(today)
    leads = visible_leads(Lead.objects.all(), user)
    outcomes = _outcomes(start)
    by_store = list(
        leads.values("store_id", "store__code", "store__name").annotate(**outcomes).order_by()
    )
    by_owner = list(
        leads.values("owner_id", "owner__username", "owner__first_name", "owner__last_name")
        .annotate(**outcomes)
        .order_by()
    )
    # One row per recent lead that has a follow-up: its creation and its first follow-up.
    since = start - datetime.timedelta(days=FIRST_FOLLOW_UP_DAYS)
    firsts = (
        leads.filter(created_on__gte=since, followups__isnull=False)
        .values("pk", "store_id", "owner_id", "created_on")
        .annotate(first=Min("followups__followed_up_on"))
        .order_by()
    )
    waits: dict[tuple[str, Any], list[float]] = {}
    for row in firsts:
        hours = max((row["first"] - row["created_on"]).total_seconds(), 0) / 3600
        waits.setdefault(("store", row["store_id"]), []).append(hours)
        waits.setdefault(("owner", row["owner_id"]), []).append(hours)
        waits.setdefault(("all", None), []).append(hours)

    def finish(row: dict[str, Any], kind: str, key: Any) -> dict[str, Any]:
        closed = row["won"] + row["lost"]
        return {
            **row,
            "conversion": row["won"] / closed if closed else None,
            "median_hours": _median(waits.get((kind, key), [])),
        }

    stores = [finish(row, "store", row["store_id"]) for row in by_store]
    owners = [finish(row, "owner", row["owner_id"]) for row in by_owner]
    total = {key: sum(row[key] for row in stores) for key in outcomes}
    return {
        "stores": sorted(stores, key=lambda r: (r["store__code"] is None, r["store__code"] or "")),
        "owners": sorted(
            owners, key=lambda r: (r["owner__username"] is None, r["owner__username"] or "")
        ),
        "total": finish(total, "all", None),
        "since": since.date(),
    }


def _day_bounds(today: datetime.date | None) -> tuple[datetime.datetime, datetime.datetime]:
    """Start and end of ``today`` (default: today in the active time zone)."""
    start = timezone.make_aware(
        datetime.datetime.combine(today or timezone.localdate(), datetime.time.min)
    )
    return start, start + datetime.timedelta(days=1)


def _planned_leads(owner: Any, leads: QuerySet[Lead] | None = None) -> QuerySet[Lead]:
    """The owner's active leads with a next follow-up planned."""
    return (Lead.objects.all() if leads is None else leads).filter(
        owner=owner, status__in=sorted(ACTIVE_STATUSES), next_follow_up__isnull=False
    )


def _followup_counts_query(owner_id: int, start: datetime.datetime, end: datetime.datetime) -> Any:
    return (
        _planned_leads(owner_id)
        .values("owner_id")
        .annotate(
            overdue=Count("next_follow_up", filter=Q(next_follow_up__lt=start)),
            today=Count(
                "next_follow_up", filter=Q(next_follow_up__gte=start, next_follow_up__lt=end)
            ),
            upcoming=Count("next_follow_up", filter=Q(next_follow_up__gte=end)),
        )
        .values_list("overdue", "today", "upcoming")
    )


# The navigation shows the counts on every page: their SQL is compiled once.
_FOLLOWUP_COUNTS = PreparedQuery(
    _followup_counts_query,
    ID_MARK,
    *MOMENT_MARKS,
)


def followup_counts(*, owner: Any, today: datetime.date | None = None) -> dict[str, int]:
    """How many of the owner's active leads have their next follow-up overdue, due today and
    upcoming: one query (the navigation shows the first two on every page)."""
    start, end = _day_bounds(today)
    row = _FOLLOWUP_COUNTS.first(getattr(owner, "pk", owner), start, end)
    overdue, due_today, upcoming = row or (0, 0, 0)
    return {"overdue": overdue, "today": due_today, "upcoming": upcoming}


def followups_due(*, owner: Any, today: datetime.date | None = None) -> dict[str, Any]:
    """The owner's active leads with a next follow-up: overdue, due today and upcoming (each
    soonest first), and how many of each, in four queries."""
    start, end = _day_bounds(today)
    counts = followup_counts(owner=owner, today=today)
    ordered = _planned_leads(owner, lead_base_queryset()).order_by("next_follow_up", "id")
    return {
        "counts": counts,
        "overdue": ordered.filter(next_follow_up__lt=start),
        "today": ordered.filter(next_follow_up__gte=start, next_follow_up__lt=end),
        "upcoming": ordered.filter(next_follow_up__gte=end),
    }


def assignable_owners() -> QuerySet[Any]:
    """Who a lead can be given to: active staff users, by username."""
    return active_staff().order_by("username")


def catalog_suggestions(*, type: str, q: str = "", limit: int = 200) -> list[tuple[str, str]]:
    """(code, name) of active catalog items of a lead type (SKU, BRAND, CATEGORY) matching
    ``q``; empty for CUSTOM."""
    model = CATALOG_MODELS.get(type)
    if model is None:
        return []
    items = model.objects.filter(is_active=True)
    if q.strip():
        items = items.filter(Q(code__icontains=q.strip()) | Q(name__icontains=q.strip()))
    return list(items.order_by("code").values_list("code", "name")[:limit])


def catalog_names(*, leads: Iterable[Lead]) -> dict[tuple[str, str], str]:
    """(type, code) -> catalog name for the SKU, brand and category leads given, in one query
    whatever their number (none when no lead names a catalog item)."""
    models = CATALOG_MODELS
    codes: dict[str, set[str]] = {kind: set() for kind in models}
    for lead in leads:
        if lead.type in codes:
            codes[lead.type].add(lead.lead_for)
    parts = [
        model.objects.filter(code__in=codes[kind])
        .annotate(kind=Value(str(kind), output_field=CharField()))
        .values_list("kind", "code", "name")
        .order_by()
        for kind, model in models.items()
        if codes[kind]
    ]
    if not parts:
        return {}
    rows = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    return {(kind, code): name for kind, code, name in rows}


def extended_field_list(*, active_only: bool = False) -> QuerySet[ExtendedFieldDefinition]:
    definitions = ExtendedFieldDefinition.objects.order_by("name")
    return definitions.filter(is_active=True) if active_only else definitions


def with_item_names(leads: Iterable[Lead]) -> list[Lead]:
    """The leads, each with ``item_name``: the catalog name of its SKU, brand or category
    ("" for custom items or codes no longer in the catalog). One query for the lot."""
    leads = list(leads)
    names = catalog_names(leads=leads)
    for lead in leads:
        lead.item_name = names.get((lead.type, lead.lead_for), "")
    return leads


def customer_list(*, q: str = "", user: Any) -> QuerySet[Customer]:
    """Customers as ``customer_search`` finds them, each with its number of leads and of
    active leads that ``user`` may see, counted in the same query (None: the system, every
    lead)."""
    visible = (visible_q(user, "leads__") if user is not None else None) or Q()
    active = Q(leads__status__in=list(ACTIVE_STATUSES))
    return customer_search(
        q=q,
        customers=Customer.objects.annotate(
            lead_count=Count("leads", filter=visible) if visible else Count("leads"),
            active_lead_count=Count("leads", filter=active & visible),
        ),
    )


# --- the pipeline board ----------------------------------------------------------------------

BOARD_STATUSES = (Status.OPEN, Status.ON_HOLD, Status.WON, Status.LOST)


@dataclass
class BoardColumn:
    """One status of the board: its total under the filters and one page of its cards, in
    groups of the same sub-status (the cards come ordered by sub-status first)."""

    status: str
    total: int
    offset: int
    leads: list[Lead]

    @property
    def label(self) -> str:
        return Status(self.status).label

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.leads)
        return end if end < self.total else None

    @property
    def groups(self) -> list[tuple[SubStatus | None, list[Lead]]]:
        groups: list[tuple[SubStatus | None, list[Lead]]] = []
        for lead in self.leads:
            if groups and groups[-1][0] == lead.sub_status:
                groups[-1][1].append(lead)
            else:
                groups.append((lead.sub_status, [lead]))
        return groups


def board_column_leads(leads: QuerySet[Lead], *, status: str) -> QuerySet[Lead]:
    """The leads of one column, by sub-status (those without one first), then in the order
    the filters asked for."""
    return leads.filter(status=status).order_by(
        F("sub_status__name").asc(nulls_first=True), "sub_status_id", *leads.query.order_by
    )


def board_columns(
    leads: QuerySet[Lead],
    *,
    per_column: int,
    statuses: Iterable[str] = BOARD_STATUSES,
    offsets: dict[str, int] | None = None,
) -> list[BoardColumn]:
    """The board's columns for ``leads`` (already filtered and ordered): one query for every
    total, one per column for its page, one for the cards' catalog names, whatever the
    number of leads."""
    statuses = [status for status in statuses if status in BOARD_STATUSES]
    totals = dict(
        leads.filter(status__in=statuses)
        .order_by()
        .values_list("status")
        .annotate(n=Count("*"))
        .values_list("status", "n")
    )
    columns = []
    for status in statuses:
        total = totals.get(status, 0)
        offset = max(0, (offsets or {}).get(status, 0))
        rows = (
            paging.page_rows(
                board_column_leads(leads, status=status), offset=offset, limit=per_column
            )
            if offset < total
            else []
        )
        columns.append(BoardColumn(status=status, total=total, offset=offset, leads=rows))
    with_item_names(lead for column in columns for lead in column.leads)
    return columns


def board_column_page(
    leads: QuerySet[Lead], *, status: str, offset: int, per_column: int
) -> BoardColumn:
    """One more page of one column ("more" on the board): its total, page and names."""
    total = paging.count_rows(leads.filter(status=status))
    rows = paging.page_rows(
        board_column_leads(leads, status=status), offset=max(0, offset), limit=per_column
    )
    with_item_names(rows)
    return BoardColumn(status=status, total=total, offset=max(0, offset), leads=rows)


# --- the activity timeline -------------------------------------------------------------------

TIMELINE_LIMIT = 50


@dataclass
class TimelineEntry:
    """One thing that happened to a lead. ``kind`` names the template that shows it
    (templates/leads/timeline/<kind>.html); ``row`` is the history row itself."""

    kind: str
    on: datetime.datetime
    lead: Lead
    by: Any
    row: Any


@dataclass(frozen=True)
class TimelineKind:
    """One kind of entry: the history model, the template (``kind``), the row's moment and
    who acted, and what the template shows beside them (read with the row)."""

    kind: str
    model: type[Model]
    on: str
    by: str
    related: tuple[str, ...] = ()

    def entries(self, scope: Q, limit: int) -> list[TimelineEntry]:
        """The newest ``limit`` entries of the leads matching ``scope``, in one query."""
        rows = (
            self.model.objects.filter(scope)
            .select_related("lead", self.by, *self.related)
            .order_by(f"-{self.on}", "-id")[:limit]
        )
        return [
            TimelineEntry(self.kind, getattr(row, self.on), row.lead, getattr(row, self.by), row)
            for row in rows
        ]


# Each kind of entry, newest first. A new kind is one more row here and one more template in
# templates/leads/timeline/.
TIMELINE_KINDS: tuple[TimelineKind, ...] = (
    TimelineKind("status", LeadStatus, "created_on", "created_by", ("sub_status", "reason")),
    TimelineKind("followup", FollowUp, "followed_up_on", "followed_up_by"),
    TimelineKind("owner", OwnerChange, "changed_on", "changed_by", ("from_owner", "to_owner")),
    TimelineKind("store", StoreChange, "changed_on", "changed_by", ("from_store", "to_store")),
)


def _timeline(scope: Q, limit: int) -> list[TimelineEntry]:
    entries = [entry for kind in TIMELINE_KINDS for entry in kind.entries(scope, limit)]
    entries.sort(key=lambda entry: (entry.on, entry.row.pk), reverse=True)
    return entries[:limit]


def lead_timeline(*, lead: Lead, limit: int = TIMELINE_LIMIT) -> list[TimelineEntry]:
    """What happened to the lead, newest first: status changes, follow-ups and notes, owner
    changes; at most ``limit`` entries, in one query per kind whatever their number."""
    entries = _timeline(Q(lead=lead), limit)
    for entry in entries:
        entry.lead = lead
    return entries


def customer_timeline(
    *, customer: Customer, user: Any, limit: int = TIMELINE_LIMIT
) -> list[TimelineEntry]:
    """The same over every lead of the customer that ``user`` may see, each entry naming its
    lead (with the catalog name of its item: one query more)."""
    visible = (visible_q(user, "lead__") if user is not None else None) or Q()
    entries = _timeline(Q(lead__customer=customer) & visible, limit)
    leads = {entry.lead.pk: entry.lead for entry in entries}
    with_item_names(leads.values())
    for entry in entries:
        entry.lead = leads[entry.lead.pk]
    return entries
