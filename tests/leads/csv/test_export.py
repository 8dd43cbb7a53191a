"""CSV export from the lead list and GET /v2/leads/export: the import's columns, the list's
filters, streamed in a constant number of queries, and a file that imports back unchanged."""

from __future__ import annotations

import base64
import collections
import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from leads.csv_io import export_lines
from leads.models import Lead, LeadType, Status
from leads.services import lead_change_status
from tests.factories import PASSWORD, CustomerFactory, LeadFactory, UserFactory
from tests.leads.edge import lead_create

EXPORT_URL = "/v2/leads/export"
PAGE_URL = "/leads/export.csv"


def body_of(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def basic(user) -> str:
    return "Basic " + base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()


@pytest.fixture
def leads(org, manager):
    """Leads of every kind, made by the services as the API makes them."""
    email_only = CustomerFactory(mobile=None, email="only@example.com")
    external_only = CustomerFactory(mobile=None, email=None, external_id="EXT-9")
    follow_up = timezone.make_aware(datetime.datetime(2030, 1, 15, 10, 30, 15, 123456))
    made = [
        lead_create(
            created_by=manager,
            customer=org.customer,
            type=LeadType.SKU,
            lead_for="SKU-1",
            owner="alice",
            next_follow_up=follow_up,
            extended_fields={"budget": "1200", "size": "M", "gift": "yes"},
        ),
        lead_create(
            created_by=manager,
            customer=org.customer,
            type=LeadType.BRAND,
            lead_for="BR-1",
            status=Status.ON_HOLD,
            sub_status="YetToDecide",
            reason_id=org.reason.pk,
            notes='Call after\nDiwali, "maybe"; or not',
            org_source_id=10,
        ),
        lead_create(
            created_by=manager,
            customer=email_only,
            type=LeadType.CUSTOM,
            lead_for='=HYPERLINK("http://example.com")',
            status=Status.WON,
            reason_id=org.reason.pk,
        ),
        lead_create(
            created_by=manager,
            customer=external_only,
            type=LeadType.CATEGORY,
            lead_for="CAT-1",
            status=Status.LOST,
            org_source_id=1,
        ),
        lead_create(
            created_by=manager, customer=org.customer, type=LeadType.CUSTOM, lead_for="Café ✓ 😀"
        ),
    ]
    # The current status row of this one comes from a status change.
    lead_change_status(
        lead_id=made[4].lead.pk,
        status=Status.OPEN,
        sub_status="Contacted",
        reason_id=org.reason.pk,
        notes="Rang twice",
        changed_by=manager,
    )
    return [Lead.objects.get(pk=result.lead.pk) for result in made]


def test_export_has_the_import_columns_and_one_line_per_lead(org, leads):
    rows = rows_of("".join(export_lines(Lead.objects.order_by("id"))))

    assert list(rows[0]) == [
        "type",
        "leadFor",
        "userId",
        "idType",
        "identifier",
        "firstName",
        "lastName",
        "status",
        "subStatus",
        "reasonId",
        "owner",
        "orgSourceId",
        "nextFollowUp",
        "notes",
        "storeCode",
        "ef_budget",
        "ef_gift",
        "ef_size",
    ]
    first, second, third, fourth, fifth = rows
    assert first == {
        "type": "SKU",
        "leadFor": "SKU-1",
        "userId": str(org.customer.pk),
        "idType": "MOBILE",
        "identifier": "+919876543210",
        "firstName": org.customer.first_name,
        "lastName": org.customer.last_name,
        "status": "OPEN",
        "subStatus": "",
        "reasonId": "",
        "owner": "alice",
        "orgSourceId": "-1",
        "nextFollowUp": "2030-01-15T10:30:15.123456+00:00",
        "notes": "",
        "storeCode": "",
        "ef_budget": "1200",
        "ef_gift": "true",
        "ef_size": "M",
    }
    assert (second["subStatus"], second["reasonId"], second["notes"]) == (
        "YetToDecide",
        str(org.reason.pk),
        'Call after\nDiwali, "maybe"; or not',
    )
    assert (third["idType"], third["identifier"]) == ("EMAIL", "only@example.com")
    assert third["leadFor"] == '\'=HYPERLINK("http://example.com")'
    assert (fourth["idType"], fourth["identifier"], fourth["status"]) == (
        "EXTERNAL_ID",
        "EXT-9",
        "LOST",
    )
    assert (fifth["subStatus"], fifth["notes"]) == ("Contacted", "Rang twice")


def lead_facts(lead: Lead) -> tuple:
    current = lead.status_logs.order_by("-created_on", "-id").first()
    return (
        lead.customer_id,
        lead.type,
        lead.lead_for,
        lead.status,
        lead.sub_status_id,
        lead.owner_id,
        lead.org_source_id,
        lead.next_follow_up,
        tuple(sorted(lead.extended_fields.items())),
        current.reason_id,
        current.notes,
    )


def test_an_export_imports_back_unchanged(org, leads, manager, tmp_path, run_import):
    """Importing an export creates, for the same customers, leads equal in every exported
    field; exporting them gives the same lines again."""
    exported = "".join(export_lines(Lead.objects.all()))
    path = tmp_path / "export.csv"
    path.write_text(exported, encoding="utf-8")
    originals = set(Lead.objects.values_list("pk", flat=True))

    summary, report = run_import(path, dry_run=False)

    assert (summary.ok_rows, summary.failed_rows) == (5, 0)
    assert {line["status"] for line in report} == {"ok"}
    imported = Lead.objects.exclude(pk__in=originals)
    assert collections.Counter(lead_facts(lead) for lead in imported) == collections.Counter(
        lead_facts(lead) for lead in leads
    )
    assert all(lead.created_by == manager for lead in imported)
    again = rows_of("".join(export_lines(Lead.objects.all())))
    lines = collections.Counter(tuple(row.values()) for row in again)
    assert set(lines.values()) == {2}
    assert set(lines) == {tuple(row.values()) for row in rows_of(exported)}


def test_export_streams_in_the_same_number_of_queries_for_3_or_30_leads(
    org, manager, django_assert_num_queries
):
    api = Client()
    api.force_login(manager)
    for _ in range(3):
        LeadFactory(owner=org.owner, extended_fields={"budget": 1})
    with CaptureQueriesContext(connection) as few:
        body_of(api.get(EXPORT_URL))
    for _ in range(27):
        LeadFactory(owner=org.owner, extended_fields={"budget": 2})

    with django_assert_num_queries(len(few.captured_queries)):
        text = body_of(api.get(EXPORT_URL))

    assert len(rows_of(text)) == 30


def test_api_export_takes_the_list_filters_and_order(org, leads, manager):
    api = Client(HTTP_AUTHORIZATION=basic(manager))

    response = api.get(
        EXPORT_URL, {"status": "OPEN,ON_HOLD", "sortBy": "createdOn", "sortOrder": "ASC"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="leads-')
    text = body_of(response)
    assert not text.startswith("\ufeff")
    assert [row["leadFor"] for row in rows_of(text)] == ["SKU-1", "BR-1", "Café ✓ 😀"]


def test_api_export_answers_csv_whatever_the_client_accepts(org, leads, manager):
    api = Client(HTTP_AUTHORIZATION=basic(manager))

    response = api.get(EXPORT_URL, HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert len(rows_of(body_of(response))) == 5


def test_api_export_refuses_a_bad_filter_with_its_code_in_the_envelope(org, manager):
    api = Client(HTTP_AUTHORIZATION=basic(manager))

    response = api.get(EXPORT_URL, {"status": "PENDING"}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"code": 92003, "message": "Invalid Lead Status PENDING"}],
        "warnings": [],
    }


def test_api_export_needs_an_active_staff_user(org, leads):
    shopper = UserFactory(username="browser", is_staff=False)

    anonymous = Client().get(EXPORT_URL)
    not_staff = Client(HTTP_AUTHORIZATION=basic(shopper)).get(EXPORT_URL)

    assert anonymous.status_code == 401
    assert [e["code"] for e in anonymous.json()["errors"]] == [90001]
    assert not_staff.status_code == 403
    assert [e["code"] for e in not_staff.json()["errors"]] == [90002]


def test_api_export_takes_a_token(org, leads, staff):
    token = Token.objects.create(user=staff)

    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get(EXPORT_URL)

    assert response.status_code == 200
    assert len(rows_of(body_of(response))) == 5


def test_page_export_is_the_lead_list_with_its_filters_for_a_spreadsheet(org, leads, staff):
    page = Client()
    page.force_login(staff)

    response = page.get(PAGE_URL, {"q": "sku", "status": "", "per_page": "25"})

    assert response.status_code == 200
    text = body_of(response)
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8
    assert [row["leadFor"] for row in rows_of(text)] == ["SKU-1"]


def test_page_export_refuses_a_bad_filter_with_its_code(org, staff):
    page = Client()
    page.force_login(staff)

    response = page.get(PAGE_URL, {"type": "GADGET"})

    assert response.status_code == 400
    assert response.content.decode() == "92009 Invalid Lead Type"


def test_page_export_sends_visitors_to_the_login_page(org):
    response = Client().get(PAGE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_export_command_writes_the_filtered_leads(org, leads, tmp_path):
    out = tmp_path / "won.csv"
    call_command("export_leads", "status=WON", "-o", str(out))

    rows = rows_of(out.read_text(encoding="utf-8"))
    assert [row["status"] for row in rows] == ["WON"]


def test_export_command_refuses_a_bad_filter(org):
    with pytest.raises(CommandError, match="92003 Invalid Lead Status NOPE"):
        call_command("export_leads", "status=NOPE")
