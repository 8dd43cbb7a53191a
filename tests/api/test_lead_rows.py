"""The plain rows the API answers leads with are LeadSerializer's output, key for key."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from crm.core.api.renderers import FastJSONRenderer
from leads import selectors
from leads.api.rows import lead_rows, lead_values
from leads.api.serializers import LeadSerializer
from leads.models import Lead, LeadStatus, Status
from tests.factories import (
    CustomerFactory,
    ExtendedFieldFactory,
    FollowUpFactory,
    LeadFactory,
    OrgUnitFactory,
    ReasonFactory,
    SubStatusFactory,
    UserFactory,
)


@pytest.fixture
def varied_leads(db):
    """Leads with and without everything a row can hold."""
    ExtendedFieldFactory(name="budget")
    bare = LeadFactory(owner=None, next_follow_up=None)
    full = LeadFactory(
        customer=CustomerFactory(external_id="EXT-9", email=None, first_name="Zoë"),
        owner=UserFactory(username="ravi"),
        sub_status=SubStatusFactory(status=Status.OPEN, name="Contacted"),
        extended_fields={"budget": "high"},
        store=OrgUnitFactory(code="S9"),
        next_follow_up=datetime.datetime(2027, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC),
    )
    FollowUpFactory(lead=full, notes="Line one\nline two \u2028 with a separator")
    FollowUpFactory(lead=full, scheduled_follow_up=datetime.datetime.now(datetime.UTC))
    LeadStatus.objects.create(
        lead=full,
        status=Status.OPEN,
        sub_status=full.sub_status,
        reason=ReasonFactory(),
        notes="why",
        created_by=full.owner,
    )
    return [bare, full]


def test_a_lead_row_is_the_serializers_output_key_for_key(varied_leads):
    leads = Lead.objects.filter(pk__in=[lead.pk for lead in varied_leads]).order_by("pk")
    rows = lead_rows(lead_values(leads))
    assert len(rows) == len(varied_leads)
    detailed = selectors.lead_detail_queryset().filter(pk__in=leads).order_by("pk")
    for lead, row in zip(detailed, rows, strict=True):
        expected = LeadSerializer(lead).data
        assert list(row) == list(expected)
        for key in ("customer", "followUpDetails", "statusLogDetails"):
            assert [list(part) for part in _listed(row[key])] == [
                list(part) for part in _listed(expected[key])
            ]
        assert row == expected


def test_the_fast_renderer_writes_the_bytes_drfs_renderer_writes(varied_leads):
    rows = lead_rows(lead_values(Lead.objects.all()))
    data = {"data": rows, "warnings": [], "errors": []}

    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_the_list_answers_the_rows(api, varied_leads):
    body = api.get("/v2/leads", {"limit": 100}).json()
    expected = [
        LeadSerializer(lead).data
        for lead in selectors.lead_search_queryset().order_by("-created_on", "-id")
    ]
    assert body["data"] == expected


def test_the_fast_renderer_writes_what_orjson_cannot_as_drf_does():
    data = {"pagination": {"offset": 2**80}, "data": []}

    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def _listed(value):
    return value if isinstance(value, list) else [value]


def test_rows_are_written_in_the_active_time_zone(varied_leads):
    # On PostgreSQL the history comes as JSON written in UTC; another zone takes the other path.
    with timezone.override(zoneinfo.ZoneInfo("Asia/Kolkata")):
        rows = lead_rows(lead_values(Lead.objects.order_by("pk")))
        expected = [
            LeadSerializer(lead).data for lead in selectors.lead_detail_queryset().order_by("pk")
        ]

    assert rows == expected
    assert rows[1]["followUpDetails"][0]["createdOn"].endswith("+05:30")


def test_one_lead_answers_its_row(api, varied_leads):
    # On PostgreSQL, for a user who sees every lead, read with SQL compiled once.
    for lead in selectors.lead_detail_queryset().order_by("pk"):
        body = api.get(f"/v2/leads/{lead.pk}").json()
        assert body == {**LeadSerializer(lead).data, "warnings": []}


def test_a_window_of_the_newest_leads_is_the_searchs_window(api, varied_leads):
    LeadFactory.create_batch(5)
    newest = [lead.pk for lead in Lead.objects.order_by("-created_on", "-id")]

    for offset, limit in [(0, 2), (1, 3), (6, 5), (7, 1)]:
        plain = api.get("/v2/leads", {"limit": limit, "offset": offset}).json()
        # a search parameter takes the filter form's path
        searched = api.get(
            "/v2/leads", {"limit": limit, "offset": offset, "sortOrder": "DESC"}
        ).json()
        assert [row["id"] for row in plain["data"]] == newest[offset : offset + limit]
        assert plain == searched
