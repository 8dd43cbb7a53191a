"""An imported row passes the rules of POST /v2/leads: each bad row is refused with the codes
and messages that lead_create (and the API) give for the same data, and each good row becomes
the lead lead_create would have made."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from crm.org.scope import forget_scope
from customers.inputs import CustomerDetails
from customers.models import Customer
from leads.csv_io import COLUMNS
from leads.errors import ErrorCode, error_items
from leads.models import Lead, LeadStatus, OrgSettings
from tests.leads.edge import lead_create

from .conftest import codes_of, messages_of

HEADER = [*COLUMNS, "ef_budget", "ef_size", "ef_gift"]
SERVICE_NAMES = {
    "type": "type",
    "userId": "user_id",
    "idType": "id_type",
    "identifier": "identifier",
    "status": "status",
    "subStatus": "sub_status",
    "reasonId": "reason_id",
    "owner": "owner",
    "orgSourceId": "org_source_id",
    "notes": "notes",
}


def fill(row: dict[str, str], org) -> dict[str, str]:
    """The row with {customer} and {reason} replaced by the fixtures' ids."""
    ids = {"customer": org.customer.pk, "reason": org.reason.pk}
    return {key: value.format(**ids) for key, value in row.items()}


def service_kwargs(row: dict[str, str]) -> dict:
    """What a client would hand lead_create for the row: blank cells are keys not sent."""
    kwargs: dict = {"lead_for": row.get("leadFor") or None}
    for column, name in SERVICE_NAMES.items():
        if row.get(column):
            kwargs[name] = row[column]
    if row.get("firstName") or row.get("lastName"):
        kwargs["customer_data"] = CustomerDetails(
            first_name=row.get("firstName", ""), last_name=row.get("lastName", "")
        )
    extended = {key[3:]: value for key, value in row.items() if key.startswith("ef_") and value}
    if extended:
        kwargs["extended_fields"] = extended
    if row.get("nextFollowUp"):
        kwargs["next_follow_up"] = datetime.datetime.fromisoformat(row["nextFollowUp"])
    return kwargs


def api_body(row: dict[str, str]) -> dict:
    body = {
        key: value
        for key, value in row.items()
        if value and key not in ("firstName", "lastName") and not key.startswith("ef_")
    }
    body.setdefault("leadFor", None)
    names = {key: row[key] for key in ("firstName", "lastName") if row.get(key)}
    if names:
        body["customer"] = names
    extended = {key[3:]: value for key, value in row.items() if key.startswith("ef_") and value}
    if extended:
        body["extendedFields"] = extended
    return body


def service_errors(user, row: dict[str, str]) -> list[dict]:
    """lead_create's errors for the row; nothing it would write is kept."""
    try:
        with transaction.atomic():
            lead_create(created_by=user, **service_kwargs(row))
            transaction.set_rollback(True)
    except ValidationError as exc:
        return error_items(exc)
    return []


def as_items(line: dict[str, str]) -> list[dict]:
    return [
        {"code": code, "message": message}
        for code, message in zip(codes_of(line), messages_of(line), strict=True)
    ]


def import_one(write_csv, run_import, row: dict[str, str], **options):
    path = write_csv([HEADER, [row.get(column, "") for column in HEADER]])
    summary, report = run_import(path, **options)
    assert len(report) == 1
    return summary, report[0]


BAD_ROWS = {
    "leadFor blank": ({"leadFor": "", "userId": "{customer}"}, [92006]),
    "type unknown": ({"type": "GADGET", "leadFor": "x", "userId": "{customer}"}, [92009]),
    "SKU unknown": ({"type": "SKU", "leadFor": "NOPE", "userId": "{customer}"}, [92016]),
    "SKU retired": ({"type": "SKU", "leadFor": "SKU-OLD", "userId": "{customer}"}, [92016]),
    "brand unknown": ({"type": "BRAND", "leadFor": "NOPE", "userId": "{customer}"}, [92017]),
    "category unknown": (
        {"type": "CATEGORY", "leadFor": "NOPE", "userId": "{customer}"},
        [92018],
    ),
    "status unknown": (
        {"type": "CUSTOM", "leadFor": "x", "userId": "{customer}", "status": "PENDING"},
        [92003],
    ),
    "status lower case": (
        {"type": "CUSTOM", "leadFor": "x", "userId": "{customer}", "status": "open"},
        [92003],
    ),
    "sub-status of another status": (
        {
            "type": "CUSTOM",
            "leadFor": "x",
            "userId": "{customer}",
            "status": "OPEN",
            "subStatus": "YetToDecide",
        },
        [92020],
    ),
    "sub-status unknown": (
        {
            "type": "CUSTOM",
            "leadFor": "x",
            "userId": "{customer}",
            "status": "ON_HOLD",
            "subStatus": "Nope",
        },
        [92020],
    ),
    "reason unknown": (
        {"type": "CUSTOM", "leadFor": "x", "userId": "{customer}", "reasonId": "999999"},
        [92004],
    ),
    "reason not a number": (
        {"type": "CUSTOM", "leadFor": "x", "userId": "{customer}", "reasonId": "abc"},
        [92004],
    ),
    "owner unknown": (
        {"type": "CUSTOM", "leadFor": "x", "userId": "{customer}", "owner": "nobody"},
        [92019],
    ),
    "owner inactive": (
        {"type": "CUSTOM", "leadFor": "x", "userId": "{customer}", "owner": "gone"},
        [92019],
    ),
    "owner not staff": (
        {"type": "CUSTOM", "leadFor": "x", "userId": "{customer}", "owner": "shopper"},
        [92019],
    ),
    "org source unknown": (
        {"type": "CUSTOM", "leadFor": "x", "userId": "{customer}", "orgSourceId": "99"},
        [92014],
    ),
    "userId unknown": ({"type": "CUSTOM", "leadFor": "x", "userId": "999999"}, [92008]),
    "userId not a number": ({"type": "CUSTOM", "leadFor": "x", "userId": "abc"}, [92008]),
    "idType unknown": (
        {"type": "CUSTOM", "leadFor": "x", "idType": "PHONE", "identifier": "9876543210"},
        [92015],
    ),
    "no customer": ({"type": "CUSTOM", "leadFor": "x"}, [92012]),
    "idType without identifier": (
        {"type": "CUSTOM", "leadFor": "x", "idType": "MOBILE"},
        [92012],
    ),
    "mobile not valid": (
        {"type": "CUSTOM", "leadFor": "x", "idType": "MOBILE", "identifier": "12"},
        [92011],
    ),
    "email not valid": (
        {"type": "CUSTOM", "leadFor": "x", "idType": "EMAIL", "identifier": "not-an-email"},
        [92011],
    ),
    "name too long to register": (
        {
            "type": "CUSTOM",
            "leadFor": "x",
            "idType": "MOBILE",
            "identifier": "9820000001",
            "firstName": "A" * 101,
        },
        [92011],
    ),
    "extended field not a number": (
        {"type": "CUSTOM", "leadFor": "x", "userId": "{customer}", "ef_budget": "lots"},
        [90010],
    ),
    "extended field not a choice": (
        {"type": "CUSTOM", "leadFor": "x", "userId": "{customer}", "ef_size": "XL"},
        [90010],
    ),
    "extended field not a boolean": (
        {"type": "CUSTOM", "leadFor": "x", "userId": "{customer}", "ef_gift": "perhaps"},
        [90010],
    ),
    "leadFor too long": (
        {"type": "CUSTOM", "leadFor": "x" * 256, "userId": "{customer}"},
        [90008],
    ),
    "everything at once": (
        {
            "type": "SKU",
            "leadFor": "NOPE",
            "idType": "MOBILE",
            "identifier": "12",
            "status": "PENDING",
            "owner": "nobody",
            "reasonId": "999999",
            "ef_budget": "lots",
        },
        [92011, 92019, 92004, 92003, 92016, 90010],
    ),
}


@pytest.mark.parametrize(("row", "expected"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_bad_row_is_refused_with_the_codes_of_lead_create_and_the_api(
    org, manager, write_csv, run_import, row, expected
):
    row = fill(row, org)
    leads_before, customers_before = Lead.objects.count(), Customer.objects.count()

    summary, line = import_one(write_csv, run_import, row, dry_run=False)

    assert (line["status"], line["leadId"]) == ("error", "")
    assert sorted(codes_of(line)) == sorted(expected)
    assert as_items(line) == service_errors(manager, row)
    api = APIClient()
    api.force_authenticate(manager)
    response = api.post("/v2/leads", api_body(row), format="json")
    assert response.status_code >= 400
    assert as_items(line) == response.json()["errors"]
    assert (summary.ok_rows, summary.failed_rows) == (0, 1)
    assert (Lead.objects.count(), Customer.objects.count()) == (leads_before, customers_before)


def test_unknown_identifier_with_auto_registration_off_is_92025(
    org, manager, write_csv, run_import
):
    settings_row = OrgSettings.load()
    settings_row.auto_register_customers = False
    settings_row.save()
    row = {"type": "CUSTOM", "leadFor": "x", "idType": "MOBILE", "identifier": "9820000002"}

    _, line = import_one(write_csv, run_import, row, dry_run=False)

    assert codes_of(line) == [ErrorCode.AUTO_REGISTRATION_OFF]
    assert as_items(line) == service_errors(manager, row)
    assert not Customer.objects.filter(mobile="+919820000002").exists()


def test_org_source_that_is_not_a_number_is_92014_as_lead_create_says(
    org, manager, write_csv, run_import
):
    # A CSV cell is text: "abc" names no org source, as lead_create reports it (the API
    # refuses a JSON string there earlier, as a type error).
    row = fill(
        {"type": "CUSTOM", "leadFor": "x", "userId": "{customer}", "orgSourceId": "abc"}, org
    )

    _, line = import_one(write_csv, run_import, row, dry_run=False)

    assert codes_of(line) == [ErrorCode.INVALID_ORG_SOURCE]
    assert as_items(line) == service_errors(manager, row)
    assert not Lead.objects.exists()


def test_unreadable_date_is_90008_reported_with_the_rest_of_the_row(
    org, manager, write_csv, run_import
):
    row = fill(
        {"type": "SKU", "leadFor": "NOPE", "userId": "{customer}", "nextFollowUp": "tomorrow"},
        org,
    )

    _, line = import_one(write_csv, run_import, row, dry_run=False)

    assert codes_of(line) == [ErrorCode.INVALID_FIELD, ErrorCode.INVALID_SKU]
    assert messages_of(line) == [
        "Invalid value for nextFollowUp: expected an ISO 8601 date-time",
        "Invalid SKU NOPE",
    ]
    assert not Lead.objects.exists()


def test_row_longer_than_the_header_is_90024(org, write_csv, run_import):
    path = write_csv("type,leadFor,userId\r\nCUSTOM,x,1,surplus\r\n")

    _, report = run_import(path, dry_run=False)

    assert codes_of(report[0]) == [ErrorCode.CSV_ROW_TOO_LONG]
    assert messages_of(report[0]) == ["The row has 4 fields; the header has 3"]
    assert not Lead.objects.exists()


GOOD_ROWS = {
    "by userId, defaults": {"leadFor": "SKU-1", "userId": "{customer}"},
    "by local mobile, on hold, every field": {
        "type": "BRAND",
        "leadFor": " BR-1 ",
        "idType": "mobile",
        "identifier": "98765 43210",
        "status": "ON_HOLD",
        "subStatus": "YetToDecide",
        "reasonId": "{reason}",
        "owner": "alice",
        "orgSourceId": "10",
        "nextFollowUp": "2030-01-15T10:30:00+05:30",
        "notes": 'Call back\nafter Diwali, "maybe"',
        "ef_budget": "1200",
        "ef_size": "M",
        "ef_gift": "yes",
    },
    "new customer by email, won": {
        "type": "CATEGORY",
        "leadFor": "CAT-1",
        "idType": "EMAIL",
        "identifier": "New.Person@Example.com",
        "firstName": "Ravi",
        "lastName": "Kumar",
        "status": "WON",
        "reasonId": "{reason}",
        "notes": "Paid in store",
    },
    "by external id, lost": {
        "type": "CUSTOM",
        "leadFor": "Wedding sherwani",
        "idType": "EXTERNAL_ID",
        "identifier": "EXT-1",
        "status": "LOST",
    },
    "new customer by mobile, open with sub-status": {
        "type": "CUSTOM",
        "leadFor": "Ceiling fan",
        "idType": "MOBILE",
        "identifier": "+91 98200 00003",
        "status": "OPEN",
        "subStatus": "Contacted",
        "orgSourceId": "-1",
    },
}


def snapshot(lead: Lead) -> dict:
    customer = lead.customer
    rows = LeadStatus.objects.filter(lead=lead).order_by("id")
    return {
        "customer": (
            customer.mobile,
            customer.email,
            customer.external_id,
            customer.first_name,
            customer.last_name,
            customer.loyalty_type,
        ),
        "lead": (
            lead.type,
            lead.lead_for,
            lead.status,
            lead.sub_status_id,
            lead.owner_id,
            lead.org_source_id,
            lead.next_follow_up,
            lead.extended_fields,
            lead.created_by_id,
            lead.last_updated_by_id,
            lead.last_follow_up,
        ),
        "status_rows": [
            (r.status, r.sub_status_id, r.reason_id, r.notes, r.created_by_id) for r in rows
        ],
    }


@pytest.mark.parametrize("row", GOOD_ROWS.values(), ids=GOOD_ROWS.keys())
def test_good_row_becomes_the_lead_lead_create_makes(org, manager, write_csv, run_import, row):
    row = fill(row, org)
    with transaction.atomic():
        created = lead_create(created_by=manager, **service_kwargs(row)).lead
        expected = snapshot(Lead.objects.get(pk=created.pk))
        transaction.set_rollback(True)

    _, line = import_one(write_csv, run_import, row, dry_run=False)

    assert (line["status"], line["codes"]) == ("ok", "")
    lead = Lead.objects.get(pk=int(line["leadId"]))
    assert snapshot(lead) == expected
    assert lead.created_on <= timezone.now()


def test_active_lead_for_the_same_item_warns_as_lead_create_does(
    org, manager, write_csv, run_import
):
    row = fill({"type": "SKU", "leadFor": "SKU-1", "userId": "{customer}"}, org)
    existing = lead_create(created_by=manager, **service_kwargs(row)).lead
    with transaction.atomic():
        expected = lead_create(created_by=manager, **service_kwargs(row)).warnings
        transaction.set_rollback(True)

    _, line = import_one(write_csv, run_import, row, dry_run=False)

    assert line["status"] == "ok"
    assert as_items(line) == expected
    assert messages_of(line) == [
        f"An active lead {existing.pk} already exists for this customer and item"
    ]
    assert Lead.objects.filter(customer=org.customer).count() == 2


def test_rows_see_the_rows_before_them(org, manager, write_csv, run_import):
    """Row 3 registers a customer; row 4 finds her and is told about row 3's lead; row 2,
    refused, registered nobody."""
    path = write_csv(
        [
            ["type", "leadFor", "idType", "identifier", "firstName", "status"],
            ["CUSTOM", "Sofa", "MOBILE", "9820000004", "Refused", "PENDING"],
            ["CUSTOM", "Sofa", "MOBILE", "9820000004", "Meena", ""],
            ["CUSTOM", "Sofa", "MOBILE", "9820000004", "Other", ""],
        ]
    )

    _, report = run_import(path, dry_run=False)

    assert [line["status"] for line in report] == ["error", "ok", "ok"]
    first = Lead.objects.get(pk=int(report[1]["leadId"]))
    second = Lead.objects.get(pk=int(report[2]["leadId"]))
    customer = Customer.objects.get(mobile="+919820000004")
    assert (first.customer, second.customer) == (customer, customer)
    assert (customer.first_name, customer.loyalty_type) == ("Meena", "NON_LOYALTY")
    assert codes_of(report[1]) == []
    assert messages_of(report[2]) == [
        f"An active lead {first.pk} already exists for this customer and item"
    ]


def test_a_batch_costs_the_same_queries_whatever_its_number_of_rows(
    org, manager, write_csv, run_import
):
    """Customers, owners, reasons, catalog and definitions are read per batch of 1000 rows,
    not per row, and the valid rows are inserted together."""

    def rows(count: int) -> list[list[str]]:
        return [["type", "leadFor", "userId", "owner", "reasonId", "ef_budget"]] + [
            ["SKU", "SKU-1", str(org.customer.pk), "alice", str(org.reason.pk), str(n)]
            for n in range(count)
        ]

    counts = {}
    for size in (10, 50, 1000):
        # Each import reads the importer's role afresh (a job loads its user anew).
        forget_scope(manager)
        with CaptureQueriesContext(connection) as queries:
            summary, _ = run_import(write_csv(rows(size)), dry_run=False)
        assert summary.ok_rows == size
        counts[size] = len(queries.captured_queries)

    assert counts[10] == counts[50]
    # SQLite takes at most 999 parameters a statement, so its inserts come in slices.
    assert counts[1000] < 50
    assert Lead.objects.count() == 1060
