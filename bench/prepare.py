"""What the load needs from one benchmark database, as JSON on stdout.

Run by ``bench/run.py`` (``python -m bench.prepare``) with DJANGO_SETTINGS_MODULE and
DATABASE_URL set: the benchmark user's token and a logged-in session, the ids the requests
use, and one probe of each endpoint (status code and query count) through Django's test
client.
"""

from __future__ import annotations

import base64
import json
import random
import sys
from typing import Any

# Leads the write requests use, one per request (a status change must change something):
# half for the warm-up, half measured.
WRITE_POOL = 6_000


def main() -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count, Max, Min
    from rest_framework.authtoken.models import Token

    from crm.catalog.models import Sku
    from crm.pages.management.commands.generate_leads import (
        BENCH_PASSWORD,
        BENCH_USERNAME,
        SCOPED_USERNAME,
    )
    from customers.models import Customer
    from leads.access import visible_leads
    from leads.models import Lead, Reason, Status, SubStatus

    rng = random.Random(7)
    user = get_user_model().objects.get(username=BENCH_USERNAME)
    token, _ = Token.objects.get_or_create(user=user)
    # The scoped list's login: an associate of one store (generate_leads).
    scoped = get_user_model().objects.get(username=SCOPED_USERNAME)
    scoped_token, _ = Token.objects.get_or_create(user=scoped)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(24 * 3600)
    session.create()

    bounds = Lead.objects.aggregate(low=Min("pk"), high=Max("pk"))
    customers = Customer.objects.aggregate(low=Min("pk"), high=Max("pk"))
    # The busiest owner and customer: the filtered lists at their heaviest.
    owner = (
        Lead.objects.filter(status=Status.OPEN, owner__isnull=False)
        .values("owner__username")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    customer = Lead.objects.values("customer_id").annotate(n=Count("pk")).order_by("-n").first()
    # The oldest open leads: what the writes change stays off the first pages the reads fetch.
    open_ids = list(
        Lead.objects.filter(status=Status.OPEN)
        .order_by("created_on")
        .values_list("pk", flat=True)[:WRITE_POOL]
    )
    rng.shuffle(open_ids)
    data = {
        "leads": Lead.objects.count(),
        "min_id": bounds["low"],
        "max_id": bounds["high"],
        "min_customer_id": customers["low"],
        "max_customer_id": customers["high"],
        "token": token.key,
        "scoped_token": scoped_token.key,
        "scoped_leads": visible_leads(Lead.objects.all(), scoped).count(),
        # HTTP Basic, as Capillary's clients send it on every request.
        "basic": base64.b64encode(f"{BENCH_USERNAME}:{BENCH_PASSWORD}".encode()).decode(),
        "session_cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        "owner": owner["owner__username"],
        "owner_open_leads": owner["n"],
        "customer_id": customer["customer_id"],
        "customer_leads": customer["n"],
        "open_lead_ids": open_ids,
        "skus": list(Sku.objects.filter(is_active=True).values_list("code", flat=True)[:50]),
        "reason_id": Reason.objects.order_by("pk").values_list("pk", flat=True).first(),
        "on_hold_sub_statuses": list(
            SubStatus.objects.filter(status=Status.ON_HOLD).values_list("name", flat=True)
        ),
    }
    return data


def probe(
    requests: list[dict[str, Any]],
    token: str,
    session_cookie: str,
    basic: str = "",
    scoped_token: str = "",
) -> list[dict]:
    """One request per endpoint through the test client: its status and query count."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    name, value = session_cookie.split("=", 1)
    results = []
    for spec in requests:
        client.cookies.clear()
        headers: dict[str, str] = {}
        if spec["auth"] == "token":
            headers["Authorization"] = f"Token {token}"
        elif spec["auth"] == "scoped":
            headers["Authorization"] = f"Token {scoped_token}"
        elif spec["auth"] == "basic":
            headers["Authorization"] = f"Basic {basic}"
        elif spec["auth"] == "session":
            client.cookies[name] = value
        method = getattr(client, spec["method"].lower())
        with CaptureQueriesContext(connection) as queries:
            response = method(
                spec["path"],
                data=spec.get("body") or None,
                content_type="application/json",
                headers=headers,
            )
        results.append(
            {"name": spec["name"], "status": response.status_code, "queries": len(queries)}
        )
    return results


if __name__ == "__main__":
    import django

    django.setup()
    if len(sys.argv) > 1 and sys.argv[1] == "probe":
        specs = json.load(sys.stdin)
        results = probe(
            specs["requests"],
            specs["token"],
            specs["session_cookie"],
            specs.get("basic", ""),
            specs.get("scoped_token", ""),
        )
        json.dump(results, sys.stdout)
    else:
        json.dump(main(), sys.stdout)
