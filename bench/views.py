"""The floors: the least Django can do to answer the list endpoint's rows as JSON.

``floor``: one ``.values()`` query, the same order and filters as ``GET /v2/leads``,
``JsonResponse``. No authentication, no serializer, no count, no related lists: what any real
endpoint costs beyond this is the price of its features.

``floor_nested``: the same, with what the API's rows also carry (the customer, the follow-ups
and the status log) built by PostgreSQL in the same one query (``JSONObject`` and
``ArraySubquery``): the same payload as the endpoint, at the least cost Django can give it.

Routed only by ``bench.urls``.
"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, QuerySet
from django.db.models.functions import JSONObject
from django.http import HttpRequest, JsonResponse

from leads.models import FollowUp, Lead, LeadStatus

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


def _leads(request: HttpRequest) -> tuple[QuerySet[Lead], int, int]:
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
    return leads, offset, limit


def floor(request: HttpRequest) -> JsonResponse:
    leads, offset, limit = _leads(request)
    return JsonResponse({"data": list(leads.values(*FIELDS)[offset : offset + limit])})


def floor_nested(request: HttpRequest) -> JsonResponse:
    leads, offset, limit = _leads(request)
    followups = (
        FollowUp.objects.filter(lead=OuterRef("pk"))
        .order_by("followed_up_on", "id")
        .values(
            json=JSONObject(
                id="id",
                leadId="lead_id",
                followedUpOn="followed_up_on",
                followedUpBy="followed_up_by_id",
                scheduledFollowUp="scheduled_follow_up",
                nextFollowUp="next_follow_up",
                notes="notes",
                createdBy="created_by_id",
                createdOn="created_on",
            )
        )
    )
    status_log = (
        LeadStatus.objects.filter(lead=OuterRef("pk"))
        .order_by("created_on", "id")
        .values(
            json=JSONObject(
                id="id",
                leadId="lead_id",
                status="status",
                subStatus="sub_status__name",
                reasonId="reason_id",
                reason="reason__reason",
                notes="notes",
                createdBy="created_by_id",
                createdOn="created_on",
            )
        )
    )
    rows = leads.values(
        *FIELDS,
        customer_json=JSONObject(
            id="customer_id",
            firstName="customer__first_name",
            lastName="customer__last_name",
            mobile="customer__mobile",
            email="customer__email",
            externalId="customer__external_id",
            loyaltyType="customer__loyalty_type",
        ),
        followUpDetails=ArraySubquery(followups),
        statusLogDetails=ArraySubquery(status_log),
    )
    return JsonResponse({"data": list(rows[offset : offset + limit])})
