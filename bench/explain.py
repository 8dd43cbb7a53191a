"""EXPLAIN ANALYZE of what GET /v2/leads runs for each filter and sort, and of the dashboard.

Run by ``bench/run.py --explain`` (``python -m bench.explain``) with DJANGO_SETTINGS_MODULE
and DATABASE_URL set. The SQL is the app's own: each case goes through ``filtered_leads`` and
the API's paging (``count_rows``/``page_rows``) with the queries captured, then each captured
query is explained. Prints Markdown: per case the plan's scan nodes and timings; the full
plans follow.
"""

from __future__ import annotations

import re
import sys
from typing import Any

CASES: list[tuple[str, str]] = [
    ("no filter (createdOn DESC)", ""),
    ("status", "status=OPEN"),
    ("status + owner", "status=OPEN&owner={owner}"),
    ("two statuses + owner", "status=OPEN,ON_HOLD&owner={owner}"),
    ("owner", "owner={owner}"),
    ("userId", "userId={customer}"),
    ("substatus", "substatus=YetToDecide"),
    ("type", "type=BRAND"),
    ("leadFor", "leadFor={lead_for}"),
    ("orgSourceId", "orgSourceId=3"),
    ("createdOn range", "createdOnFrom={week_ago}&createdOnTo={today}"),
    ("nextFollowUp range", "nextFollowUpFrom={today}&nextFollowUpTo={today}"),
    ("sort createdOn ASC", "sortBy=createdOn&sortOrder=ASC"),
    ("sort lastUpdatedOn DESC", "sortBy=lastUpdatedOn"),
    ("sort lastUpdatedOn ASC", "sortBy=lastUpdatedOn&sortOrder=ASC"),
    ("sort nextFollowUp ASC", "sortBy=nextFollowUp&sortOrder=ASC"),
    ("sort nextFollowUp DESC", "sortBy=nextFollowUp&sortOrder=DESC"),
    ("status + owner, sort nextFollowUp ASC", "status=OPEN&owner={owner}&sortBy=nextFollowUp"),
    ("deep offset", "offset=50000"),
    ("text search q", "q=Sharma"),
    ("text search q, full name", "q={full_name}"),
    ("text search q, mobile typed locally", "q={local_mobile}"),
]

NODE = re.compile(
    r"((?:Parallel )?(?:Index Only Scan|Index Scan|Seq Scan|Bitmap Heap Scan|Bitmap Index Scan)"
    r"(?: Backward)?)(?: using (\w+))? on (\w+)"
)


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def summary(plan: list[str]) -> str:
    """The plan's scans (with the index each uses and the rows it read) and its timings."""
    scans = []
    for line in plan:
        match = NODE.search(line)
        if not match:
            continue
        kind, index, target = match.groups()
        rows = re.search(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+)", line)
        # "Bitmap Index Scan on <index>" names the index where other scans name the table.
        where = f"`{index}` on {target}" if index else f"`{target}`"
        scans.append(f"{kind} {where} ({rows.group(1) if rows else '?'} rows)")
    times = [
        line.split(": ")[1] for line in plan if line.startswith(("Planning Time", "Execution Time"))
    ]
    return "; ".join(scans) + (f" — plan {times[0]}, run {times[1]}" if len(times) == 2 else "")


def query_kind(sql: str) -> str:
    if sql.startswith("SELECT COUNT(*)"):
        return "count"
    if 'FROM "leads_lead"' in sql:
        return "page"
    if 'FROM "leads_followup"' in sql or 'FROM "leads_leadstatus"' in sql:
        return "related"
    return "lookup"


def lead_queries(params: str) -> list[str]:
    """The SQL of one GET /v2/leads?<params>, as the API runs it (without the auth query)."""
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from crm.core import paging
    from leads import selectors
    from leads.filters import filtered_leads

    query = QueryDict(params)
    offset, limit = int(query.get("offset", 0)), int(query.get("limit", 10))
    with CaptureQueriesContext(connection) as captured:
        leads = filtered_leads(query, selectors.lead_search_queryset())
        # The count is what the paging runs, uncached here.
        leads.count()
        paging.page_rows(leads, offset=offset, limit=limit)
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]


def dashboard_queries() -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leads.selectors import dashboard_stats

    with CaptureQueriesContext(connection) as captured:
        dashboard_stats()
    return [q["sql"] for q in captured.captured_queries]


def main() -> None:
    import datetime

    from django.db.models import Count

    from customers.models import Customer
    from leads.models import Lead

    owner = (
        Lead.objects.filter(owner__isnull=False)
        .values_list("owner__username")
        .annotate(n=Count("pk"))
        .order_by("-n")[0][0]
    )
    customer = Lead.objects.values_list("customer_id").annotate(n=Count("pk")).order_by("-n")[0]
    lead_for = Lead.objects.filter(type="SKU").values_list("lead_for", flat=True).first()
    today = datetime.date.today()
    someone = Customer.objects.exclude(mobile=None).order_by("pk").first()
    values: dict[str, Any] = {
        "full_name": f"{someone.first_name} {someone.last_name}".replace(" ", "%20"),
        # +917000000001 as typed on a phone: 070000-00001
        "local_mobile": "0" + someone.mobile[3:8] + "-" + someone.mobile[8:],
        "owner": owner,
        "customer": customer[0],
        "lead_for": lead_for,
        "today": today.isoformat(),
        "week_ago": (today - datetime.timedelta(days=7)).isoformat(),
    }
    out = [f"Leads: {Lead.objects.count()}; owner {owner}; customer {customer[0]}.", ""]
    out += ["| case | query | scans (index, rows read) and timings |", "|---|---|---|"]
    full: list[str] = []
    for label, template in CASES:
        params = template.format(**values)
        for sql in lead_queries(params):
            kind = query_kind(sql)
            if kind == "lookup" or (kind == "related" and label != CASES[0][0]):
                # Filter values looked up (an owner by username ...), and the follow-ups and
                # status log, fetched by lead id whatever the filter: shown once.
                continue
            plan = explain(sql)
            out.append(f"| {label} | {kind} | {summary(plan) or plan[0]} |")
            full += [f"### {label}: {kind}", "", "```", sql, "", *plan, "```", ""]
    for sql in dashboard_queries():
        plan = explain(sql)
        out.append(f"| dashboard | {sql[:60]}… | {summary(plan) or plan[0]} |")
        full += ["### dashboard", "", "```", sql, "", *plan, "```", ""]
    print("\n".join(out + ["", "## Full plans", ""] + full))


if __name__ == "__main__":
    import django

    django.setup()
    main()
    sys.stdout.flush()
