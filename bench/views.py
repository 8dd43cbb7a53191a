"""The floor: the least Django can do to answer the list endpoint's rows as JSON.

One ``.values()`` query, the same order and filters as ``GET /v2/leads``, ``JsonResponse``.
No authentication, no serializer, no count, no related lists: what any real endpoint costs
beyond this is the price of its features. Routed only by ``bench.urls``.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from leads.models import Lead

FIELDS = (
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
    "created_by__username",
    "last_updated_on",
    "last_updated_by__username",
    "extended_fields",
)


def floor(request: HttpRequest) -> JsonResponse:
    params = request.GET
    limit = int(params.get("limit", 10))
    offset = int(params.get("offset", 0))
    leads = Lead.objects.order_by("-created_on", "-id")
    if params.get("id"):
        leads = leads.filter(pk=int(params["id"]))
    if params.get("status"):
        leads = leads.filter(status__in=params["status"].split(","))
    if params.get("owner"):
        leads = leads.filter(owner__username=params["owner"])
    if params.get("userId"):
        leads = leads.filter(customer_id=int(params["userId"]))
    return JsonResponse({"data": list(leads.values(*FIELDS)[offset : offset + limit])})
