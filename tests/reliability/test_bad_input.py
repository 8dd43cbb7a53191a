"""Bad input, through the API and the pages: each gets a coded error, or is stored exactly as
sent; never a 500, never a half-write.

Oversized bodies, deep nesting, wrong types, huge strings, Unicode, SQL-looking text, markup
and bulk requests past the limit. Markup on the pages is in test_escaping.py.
"""

from __future__ import annotations

import json

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.urls import reverse

from customers.models import Customer
from leads.errors import message_for
from leads.models import FollowUp, Lead, LeadStatus, Reason, Status, SubStatus
from tests.factories import PASSWORD, CustomerFactory, LeadFactory

from .api_calls import WRITE_IDS, WRITES, by_identifier, new_lead, send
from .conftest import app_rows, assert_envelope

LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.mark.parametrize("method,path,valid", WRITES, ids=WRITE_IDS)
def test_every_write_works_with_its_valid_body(api, world, method, path, valid):
    """The baseline of the tests below: what they break is otherwise accepted."""
    response = send(api, method, path, world, valid(world))

    assert response.status_code == 200, response.json()


# --- size ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method,path,valid", WRITES, ids=WRITE_IDS)
def test_a_body_past_the_configured_limit_is_413_and_writes_nothing(
    api, world, method, path, valid
):
    before = app_rows()
    body = json.dumps({"notes": "x" * LIMIT})

    response = send(api, method, path, world, body)

    assert_envelope(response, 413, 90006)
    assert str(LIMIT) in response.json()["errors"][0]["message"]
    assert app_rows() == before


def test_a_body_just_under_the_limit_is_read_and_a_long_note_stored_exactly(api, world):
    notes = "Long call. " * ((LIMIT - 1000) // 11)
    body = {"followedUpOn": "2026-01-01T10:00:00Z", "notes": notes}

    response = send(api, "post", "/v2/leads/{lead}/followup", world, body)

    assert response.status_code == 200, response.content[:300]
    # The answer is the lead; the new follow-up is the latest in it.
    added = response.json()["followUpDetails"][-1]
    assert FollowUp.objects.get(pk=added["id"]).notes == notes
    assert len(json.dumps(body)) < LIMIT


def test_a_form_past_the_limit_is_a_400_page(pages_as, boss, world):
    client = pages_as(boss)
    before = app_rows()

    response = client.post(
        reverse("lead-change-status", args=[world["lead"].pk]),
        {"status": "WON", "notes": "x" * LIMIT},
    )

    assert response.status_code == 400
    assert app_rows() == before


def test_a_bulk_page_request_with_too_many_fields_is_a_400(pages_as, boss, world):
    """Django's DATA_UPLOAD_MAX_NUMBER_FIELDS bounds the bulk form of the lead list."""
    client = pages_as(boss)
    before = app_rows()
    ids = [str(world["lead"].pk)] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)

    response = client.post(
        reverse("lead-bulk"), {"action": "status", "status": "WON", "lead_ids": ids}
    )

    assert response.status_code == 400
    assert app_rows() == before


def test_a_bulk_request_past_the_item_limit_is_90012_and_applies_none(api, world):
    limit = settings.LEADS_BULK_MAX_ITEMS
    items = [{"leadId": world["lead"].pk, "status": "LOST"}] * (limit + 1)
    before = app_rows()

    response = send(api, "post", "/v2/leads/bulk/status", world, items)

    assert_envelope(response, 400, 90012)
    assert str(limit) in response.json()["errors"][0]["message"]
    assert app_rows() == before


def test_a_bulk_request_at_the_item_limit_answers_each_item(api, world):
    """The first item closes the lead; the other items are each refused on their own."""
    limit = settings.LEADS_BULK_MAX_ITEMS
    items = [{"leadId": world["lead"].pk, "status": "LOST", "reasonId": world["reason"].pk}] * limit

    response = send(api, "post", "/v2/leads/bulk/status", world, items)

    results = response.json()["data"]
    assert response.status_code == 200
    assert [r["success"] for r in results] == [True] + [False] * (limit - 1)
    assert {e["code"] for r in results[1:] for e in r["errors"]} == {92024}
    assert world["lead"].status_logs.count() == 2


# --- structure and types ---------------------------------------------------------------------


@pytest.mark.parametrize("depth", [64, 512, 100_000])
@pytest.mark.parametrize("method,path,valid", WRITES, ids=WRITE_IDS)
def test_deeply_nested_json_is_refused_with_a_code(api, world, method, path, valid, depth):
    """Nested arrays as the value of each body's first field (or as its first item): a few
    hundred levels parse and are refused by the field; a hundred thousand are 90005."""
    nested = "[" * depth + "]" * depth
    body = valid(world)
    if isinstance(body, list):
        text = "[" + nested + "]"
    else:
        first = next(iter(body))
        text = json.dumps({**body, first: None}).replace("null", nested, 1)
    before = app_rows()

    response = send(api, method, path, world, text)

    if path == "/v2/leads/bulk/status" and depth < 100_000:
        # A bulk item that is no object is that item's refusal.
        assert response.status_code == 200
        assert response.json()["data"][0]["errors"][0]["code"] == 90008
    else:
        assert_envelope(response, 400)
        if depth == 100_000:
            assert [e["code"] for e in response.json()["errors"]] == [90005]
    assert app_rows() == before


NOT_TEXT = [123, 1.5, True, [], {}]
NOT_ID = ["abc", 1.5, True, [1], {"id": 1}]
NOT_MOMENT = [20300101, "tomorrow", "2030-13-45T25:61:00Z", True, [], {}]
NOT_OBJECT = ["text", 5, [], True]
NOT_LIST = ["text", 5, {}, True]

# (method, path, valid body, field, wrong values): every field of every write body.
WRONG_TYPES = [
    *[
        ("post", "/v2/leads", new_lead, field, values)
        for field, values in [
            ("leadFor", NOT_TEXT),
            ("type", [5, [], {}, True]),
            ("userId", NOT_ID),
            ("status", [5, [], {}, True]),
            ("subStatus", [5, [], {}, True]),
            ("reasonId", NOT_ID),
            ("notes", NOT_TEXT),
            ("owner", [5, [], {}, True]),
            ("orgSourceId", NOT_ID),
            ("nextFollowUp", NOT_MOMENT),
            ("createdOn", NOT_MOMENT),
            ("extendedFields", NOT_OBJECT),
            ("followUpDetails", NOT_LIST),
            ("statusLogDetails", NOT_LIST),
            ("customer", NOT_OBJECT),
        ]
    ],
    ("post", "/v2/leads", lambda w: by_identifier("MOBILE", "9876500000"), "idType", NOT_TEXT),
    (
        "post",
        "/v2/leads",
        lambda w: by_identifier("MOBILE", "9876500000"),
        "identifier",
        [[], {}, True, 1.5],
    ),
    ("put", "/v2/leads/{lead}", lambda w: {}, "extendedFields", NOT_OBJECT),
    ("put", "/v2/leads/{lead}", lambda w: {}, "owner", [5, [], {}, True]),
    ("put", "/v2/leads/{lead}", lambda w: {}, "nextFollowUp", NOT_MOMENT),
    *[
        ("put", "/v2/leads/{lead}/status", lambda w: {"status": "ON_HOLD"}, field, values)
        for field, values in [
            ("status", [5, [], {}, True]),
            ("subStatus", [5, [], {}]),
            ("reasonId", NOT_ID),
            ("notes", NOT_TEXT),
        ]
    ],
    *[
        (
            "post",
            "/v2/leads/{lead}/followup",
            lambda w: {"followedUpOn": "2026-01-01T10:00:00Z"},
            field,
            values,
        )
        for field, values in [
            ("followedUpOn", NOT_MOMENT),
            ("followedUpBy", [5, [], {}, True]),
            ("scheduledFollowUp", NOT_MOMENT),
            ("nextFollowUp", NOT_MOMENT),
            ("notes", NOT_TEXT),
        ]
    ],
    ("post", "/v2/leads/substatus", lambda w: {"status": "ON_HOLD"}, "subStatus", NOT_TEXT),
    ("post", "/v2/leads/substatus", lambda w: {"subStatus": "Later"}, "status", [5, [], {}]),
    *[
        ("post", "/v2/customers", lambda w: {"email": "new@example.com"}, field, NOT_TEXT)
        for field in ("firstName", "lastName", "mobile", "externalId")
    ],
    ("post", "/v2/customers", lambda w: {"mobile": "9876500001"}, "email", NOT_TEXT),
    ("post", "/v2/customers", lambda w: {"email": "b@example.com"}, "loyaltyType", [5, [], {}]),
]


@pytest.mark.parametrize(
    "method,path,valid,field,values",
    WRONG_TYPES,
    ids=[f"{m.upper()} {p} {f}" for m, p, _, f, _ in WRONG_TYPES],
)
def test_a_value_of_the_wrong_type_is_a_coded_400_and_writes_nothing(
    api, world, method, path, valid, field, values
):
    for value in values:
        before = app_rows()

        response = send(api, method, path, world, {**valid(world), field: value})

        assert_envelope(response, 400)
        assert app_rows() == before, (field, value)


@pytest.mark.parametrize("field", ["leadId", "status", "subStatus", "reasonId", "notes"])
def test_a_wrong_type_in_a_bulk_item_refuses_that_item_only(api, world, field):
    other = LeadFactory()
    wrong = {"leadId": "abc", "notes": 5}.get(field, [1])
    items = [
        {"leadId": world["lead"].pk, "status": "ON_HOLD", field: wrong},
        {"leadId": other.pk, "status": "LOST", "reasonId": world["reason"].pk},
    ]

    response = send(api, "post", "/v2/leads/bulk/status", world, items)

    first, second = response.json()["data"]
    assert response.status_code == 200
    assert not first["success"] and first["errors"]
    assert second["success"]
    assert Lead.objects.get(pk=world["lead"].pk).status == Status.OPEN
    assert world["lead"].status_logs.count() == 1
    assert Lead.objects.get(pk=other.pk).status == Status.LOST


@pytest.mark.parametrize("body", ["{", "nul", '{"a": 1}{', "\xff\xfe", "[1, 2,]", "NaN"])
def test_what_is_not_json_is_90005(api, world, body):
    before = app_rows()

    response = send(api, "post", "/v2/leads", world, body.encode("latin-1"))

    assert_envelope(response, 400, 90005)
    assert app_rows() == before


def test_an_empty_body_is_an_empty_object(api, world):
    """No body at all reads as {} (as with a chunked body, which Django does not read): the
    rules then say what is missing."""
    before = app_rows()

    response = send(api, "post", "/v2/leads", world, "")

    assert_envelope(response, 400, 92006, 92012)
    assert app_rows() == before


# --- text: length, unstorable characters, Unicode, SQL ----------------------------------------

HUGE = "x" * 100_000


@pytest.mark.parametrize(
    "method,path,body,code",
    [
        ("post", "/v2/leads", lambda w: new_lead(w, leadFor=HUGE), 90008),
        ("post", "/v2/leads", lambda w: new_lead(w, subStatus=HUGE), 92020),
        ("post", "/v2/leads", lambda w: new_lead(w, owner=HUGE), 92019),
        ("post", "/v2/leads", lambda w: new_lead(w, extendedFields={"budget": HUGE}), 90010),
        ("post", "/v2/leads", lambda w: new_lead(w, extendedFields={HUGE: 1}), 90009),
        (
            "post",
            "/v2/leads",
            lambda w: by_identifier("EXTERNAL_ID", HUGE),
            92011,
        ),
        (
            "post",
            "/v2/leads",
            lambda w: by_identifier("MOBILE", HUGE),
            92011,
        ),
        ("post", "/v2/leads/reasons", lambda w: [{"reason": HUGE}], 90008),
        ("post", "/v2/leads/substatus", lambda w: {"status": "OPEN", "subStatus": HUGE}, 90008),
        ("post", "/v2/customers", lambda w: {"email": "z@example.com", "firstName": HUGE}, 90008),
        ("post", "/v2/customers", lambda w: {"externalId": HUGE}, 90008),
        ("post", "/v2/customers", lambda w: {"email": HUGE + "@example.com"}, 92011),
        ("put", "/v2/leads/{lead}/status", lambda w: {"status": HUGE}, 92003),
        ("put", "/v2/leads/{lead}", lambda w: {"owner": HUGE}, 92019),
    ],
)
def test_a_huge_string_where_a_short_one_belongs_is_coded(api, world, method, path, body, code):
    before = app_rows()

    response = send(api, method, path, world, body(world))

    assert_envelope(response, 400)
    assert code in [e["code"] for e in response.json()["errors"]]
    assert app_rows() == before


def test_huge_text_where_text_belongs_is_stored_exactly(api, world):
    response = send(api, "post", "/v2/leads", world, new_lead(world, notes=HUGE))

    assert response.status_code == 200
    assert LeadStatus.objects.get(lead_id=response.json()["id"]).notes == HUGE


@pytest.mark.parametrize(
    "url",
    [
        "/v2/leads?q=" + HUGE,
        "/v2/leads?leadFor=" + HUGE,
        "/v2/leads/export?q=" + HUGE,
        "/v2/customers?idType=EXTERNAL_ID&identifier=" + HUGE,
        "/v2/leads/" + "9" * 10_000,
        "/v2/customers/" + "9" * 10_000,
    ],
    ids=["search", "leadFor", "export", "identifier", "lead id", "customer id"],
)
def test_a_huge_query_or_path_is_answered(api, world, url):
    response = api.get(url)

    assert response.status_code in (200, 400, 404), response.content[:300]
    if response.status_code != 200:
        assert_envelope(response, response.status_code)


@pytest.mark.parametrize("url", ["/v2/leads?q=", "/v2/leads/export?q="])
def test_a_search_past_200_characters_is_90013(api, world, url):
    assert api.get(url + "x" * 200).status_code == 200
    assert_envelope(api.get(url + "x" * 201), 400, 90013)


def test_a_huge_customer_search_on_the_page_is_answered(pages_as, boss, world):
    assert pages_as(boss).get("/customers/?q=" + HUGE).status_code == 200


def test_a_huge_idempotency_key_is_90008(api, world):
    response = send(api, "post", "/v2/leads", world, new_lead(world), HTTP_IDEMPOTENCY_KEY=HUGE)

    assert_envelope(response, 400, 90008)
    assert not Lead.objects.exclude(pk=world["lead"].pk).exists()


@pytest.mark.parametrize(
    "body",
    [
        lambda w: new_lead(w, leadFor="a\u0000b"),
        lambda w: new_lead(w, notes="\u0000"),
        lambda w: new_lead(w, subStatus="Yet\u0000ToDecide"),
        lambda w: new_lead(w, owner="boss\u0000"),
        lambda w: new_lead(w, extendedFields={"budget": "hi\u0000gh"}),
        lambda w: new_lead(w, extendedFields={"bud\u0000get": "high"}),
        lambda w: new_lead(w, customer={"firstName": "\u0000"}),
        lambda w: new_lead(w, leadFor="a\ud800"),
        lambda w: new_lead(w, notes="\udfff"),
        lambda w: new_lead(w, extendedFields={"budget": "\ud83d"}),
        lambda w: by_identifier("EXTERNAL_ID", "card\u0000"),
        lambda w: by_identifier("EXTERNAL_ID", "card\udc00"),
        lambda w: new_lead(w, extendedFields={"count": 1e400}),
        lambda w: new_lead(w, orgSourceId=-1e400),
        lambda w: new_lead(w, reasonId=1e400),
    ],
)
def test_a_value_no_database_can_store_is_90008(api, world, body):
    """U+0000 (PostgreSQL stores none), unpaired surrogates (no UTF-8 for them) and numbers
    past a double (1e400): refused by the parser, for any field, on either database."""
    before = app_rows()
    # ensure_ascii keeps the escapes as JSON text: the client sends "\u0000", "\ud800", 1e400.
    text = json.dumps(body(world)).replace("Infinity", "1e400")

    response = send(api, "post", "/v2/leads", world, text)

    assert_envelope(response, 400, 90008)
    assert app_rows() == before


@pytest.mark.parametrize(
    "url",
    [
        "/v2/leads?q=a%00",
        "/v2/leads?owner=%00",
        "/v2/customers?idType=EXTERNAL_ID&identifier=a%00b",
        "/v2/leads/substatuses?status=ON%00HOLD",
        "/v2/leads/export?leadFor=%00",
    ],
)
def test_u0000_in_a_query_parameter_is_90008(api, world, url):
    assert_envelope(api.get(url), 400, 90008)


@pytest.mark.parametrize(
    "url",
    [
        "/customers/?q=a%00",
        "/customers/lookup.json?q=a%00",
        "/leads/suggest.json?q=a%00",
        "/leads/?q=a%00",
        "/leads/export.csv?q=%00",
    ],
)
def test_u0000_in_a_page_parameter_is_a_400(pages_as, boss, world, url):
    assert pages_as(boss).get(url).status_code == 400


def test_u0000_in_a_form_is_a_400_and_writes_nothing(pages_as, boss, world):
    client = pages_as(boss)
    before = app_rows()

    response = client.post(
        reverse("lead-add-followup", args=[world["lead"].pk]),
        {"followed_up_on": "2026-01-01T10:00", "notes": "a\x00b"},
    )

    assert response.status_code == 400
    assert app_rows() == before


UNICODE = [
    "💍 Solitaire ring",
    "👩‍👩‍👧‍👦 family pack",
    "Ålesund — ÅÄÖ åäö ß ﬁ",
    "婚約指輪のご相談",
    "مرحبا بالعالم",
    "e\u0301 vs \u00e9",
    "zero\u200bwidth\u2060joiner",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛",
    "tab\tand\nnewline",
    "\u202eRTL override",
]


@pytest.mark.parametrize("text", UNICODE)
def test_unicode_and_emoji_are_stored_and_read_back_exactly(api, world, boss, text):
    body = new_lead(
        world,
        leadFor=text,
        notes=text,
        extendedFields={"budget": text},
        followUpDetails=[{"followedUpOn": "2026-01-01T10:00:00Z", "notes": text}],
    )

    created = send(api, "post", "/v2/leads", world, body)

    assert created.status_code == 200, created.json()
    lead = Lead.objects.get(pk=created.json()["id"])
    assert (lead.lead_for, lead.extended_fields["budget"]) == (text.strip(), text)
    assert lead.status_logs.get().notes == text
    assert lead.followups.get().notes == text
    read = api.get(f"/v2/leads/{lead.pk}").json()
    assert (read["leadFor"], read["followUpDetails"][0]["notes"]) == (text.strip(), text)


@pytest.mark.parametrize("text", UNICODE[:4])
def test_unicode_names_reasons_and_sub_statuses_are_stored_exactly(api, world, text):
    customer = send(api, "post", "/v2/customers", world, {"firstName": text, "externalId": text})
    reason = send(api, "post", "/v2/leads/reasons", world, [{"reason": text}])
    sub = send(api, "post", "/v2/leads/substatus", world, {"status": "OPEN", "subStatus": text})

    assert [customer.status_code, reason.status_code, sub.status_code] == [200, 200, 200]
    assert Customer.objects.get(pk=customer.json()["id"]).first_name == text
    assert Reason.objects.get(pk=reason.json()["data"][0]["id"]).reason == text
    assert SubStatus.objects.get(pk=sub.json()["id"]).name == text


def test_an_emoji_search_finds_the_lead(api, world):
    created = send(api, "post", "/v2/leads", world, new_lead(world, leadFor="💍 Solitaire"))

    found = api.get("/v2/leads", {"q": "💍"}).json()["data"]

    assert [lead["id"] for lead in found] == [created.json()["id"]]


SQL = [
    "'; DROP TABLE leads_lead; --",
    "1 OR 1=1",
    '" OR ""="',
    "1); DELETE FROM customers_customer WHERE (1=1",
    "%' UNION SELECT username, password FROM crm_user --",
    "\\'; SELECT pg_sleep(10); --",
]


@pytest.mark.parametrize("text", SQL)
def test_sql_looking_text_is_stored_exactly(api, world, text):
    created = send(api, "post", "/v2/leads", world, new_lead(world, leadFor=text, notes=text))
    customer = send(api, "post", "/v2/customers", world, {"lastName": text, "externalId": text})

    assert created.status_code == 200 and customer.status_code == 200
    lead = Lead.objects.get(pk=created.json()["id"])
    assert (lead.lead_for, lead.status_logs.get().notes) == (text, text)
    assert Customer.objects.get(pk=customer.json()["id"]).last_name == text
    assert Lead.objects.count() == 2 and Customer.objects.count() == 2


@pytest.mark.parametrize("text", SQL)
def test_sql_looking_filters_and_ids_are_answered_without_effect(api, world, text):
    answers = [
        api.get("/v2/leads", {"q": text}),
        api.get("/v2/leads", {"leadFor": text}),
        api.get("/v2/leads", {"owner": text}),
        api.get("/v2/leads", {"userId": text}),
        api.get("/v2/leads", {"sortBy": text}),
        api.get("/v2/leads", {"status": text}),
        api.get("/v2/customers", {"idType": "EXTERNAL_ID", "identifier": text}),
        api.get(f"/v2/leads/{text}"),
        send(api, "put", f"/v2/leads/{text}/status", world, {"status": "WON"}),
    ]

    assert all(r.status_code in (200, 400, 404) for r in answers), [r.status_code for r in answers]
    for response in answers:
        if response.status_code != 200:
            assert_envelope(response, response.status_code)
    assert answers[0].json()["data"] == []
    assert Lead.objects.count() == 1 and Customer.objects.count() == 1
    assert Lead.objects.get().status == Status.OPEN


def test_the_database_is_intact_after_the_sql_looking_input(api, world):
    for text in SQL:
        send(api, "post", "/v2/leads", world, new_lead(world, leadFor=text))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM leads_lead")
        assert cursor.fetchone()[0] == 1 + len(SQL)


# --- a body without Content-Length -----------------------------------------------------------


def _chunks(customer_pk: int, filler: int):
    """A lead as a chunked body (``requests`` sends a generator with Transfer-Encoding:
    chunked and no Content-Length), ``filler`` bytes of leadFor in 64 KiB pieces."""
    yield b'{"userId": %d, "type": "CUSTOM", "leadFor": "' % customer_pk
    for _ in range(filler // 65536):
        yield b"x" * 65536
    yield b'Sofa"}'


@pytest.mark.parametrize("filler", [0, LIMIT * 2], ids=["small", "past the limit"])
def test_a_chunked_body_is_411_and_never_read(live_server, transactional_db, boss, filler):
    """Django reads Content-Length bytes of a body, so a chunked one would be read as empty;
    it is refused with 411 instead, whatever its size, before anything is parsed."""
    customer = CustomerFactory()

    response = requests.post(
        f"{live_server.url}/v2/leads",
        data=_chunks(customer.pk, filler),
        auth=(boss.username, PASSWORD),
        headers={"Content-Type": "application/json"},
        timeout=60,
    )

    assert response.status_code == 411
    assert response.json() == {
        "errors": [{"code": 90025, "message": message_for(90025)}],
        "warnings": [],
    }
    assert not Lead.objects.exists()


def test_the_same_body_with_content_length_goes_through(live_server, transactional_db, boss):
    customer = CustomerFactory()

    response = requests.post(
        f"{live_server.url}/v2/leads",
        data=b"".join(_chunks(customer.pk, 0)),
        auth=(boss.username, PASSWORD),
        headers={"Content-Type": "application/json"},
        timeout=60,
    )

    assert response.status_code == 200
    assert Lead.objects.get().lead_for == "Sofa"


def test_a_body_past_the_limit_is_413_over_http_too(live_server, transactional_db, boss):
    customer = CustomerFactory()

    response = requests.post(
        f"{live_server.url}/v2/leads",
        data=b"".join(_chunks(customer.pk, LIMIT)),
        auth=(boss.username, PASSWORD),
        headers={"Content-Type": "application/json"},
        timeout=60,
    )

    assert response.status_code == 413
    assert [e["code"] for e in response.json()["errors"]] == [90006]
    assert not Lead.objects.exists()
