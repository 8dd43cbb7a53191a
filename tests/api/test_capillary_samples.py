"""Capillary's public v2 Leads documentation, replayed over real HTTP.

Every sample request of the documentation (``capillary_docs.py`` names the file and section of
each) is sent to the live server the way a Capillary client sends it: HTTP Basic, JSON, the
doc's body as printed with only the ids that must exist here replaced (lead ids, customer
userIds, staff ids, reason ids) and the catalog, reasons, sub-statuses and extended field it
names created first. Each answer is compared with the doc's sample response field by field
(``assert_doc_shape``): every key the doc shows is there with the same JSON type, date-times
are ``YYYY-MM-DDThh:mm:ssTZD``, and the envelope and codes are the doc's.

Cast: ``integration`` is the Capillary client's own login (the doc's entity 15002926, whose id
comes back as ``lastUpdatedBy``), allowed to act for other staff; ``staff`` is the associate the
doc's requests name as ``createdBy``/``followedUpBy`` (the doc's 28812689).
"""

from __future__ import annotations

import copy
import datetime
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from crm.core.errors import REGISTRY
from customers.models import Customer
from leads.models import Lead, LeadStatus, LeadType, OrgSettings, Status
from tests.factories import (
    PASSWORD,
    BrandFactory,
    CategoryFactory,
    CustomerFactory,
    ExtendedFieldFactory,
    LeadFactory,
    ReasonFactory,
    SkuFactory,
    SubStatusFactory,
    UserFactory,
)

from . import capillary_docs as docs

pytestmark = pytest.mark.django_db(transaction=True)

# What every date-time of a response must look like: the doc's YYYY-MM-DDThh:mm:ssTZD with a
# numeric offset (2018-10-05T08:00:00+05:30), whole seconds.
RESPONSE_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
# Anything a response could mean as a date-time (so that a wrong format is still caught).
LOOKS_LIKE_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT")

# The reason ids the doc's requests send, by the text its responses give them ("Generate
# Reasons" answers 1-3; the WON sample answers reasonId 6 as "Deal closed").
DOC_REASONS = {
    1: "Item not available in store",
    2: "Best price availabe at another store",
    3: "Interested in our brand products",
    6: "Deal closed",
}
# The doc's staff ids (the associate its requests name, and the follow-up sample's till 124).
DOC_STAFF_IDS = (28812689, 124)


# --- comparing with the doc -------------------------------------------------------------


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _item_template(doc_items: list[Any], ours: Any) -> Any:
    """What one item of ours is held to: the keys every doc item has, and the keys only some
    have when ours has them too (the doc's third follow-up has no ``notes``, only the last
    status row has a ``subStatus``); each with the first non-null value the doc shows."""
    if not all(isinstance(item, dict) for item in doc_items):
        return doc_items[0]
    template: dict[str, Any] = {}
    for item in doc_items:
        for key, value in item.items():
            if template.get(key) is None:
                template[key] = value
    required = set.intersection(*(set(item) for item in doc_items))
    present = set(ours) if isinstance(ours, dict) else set()
    return {key: value for key, value in template.items() if key in required | present}


def shape_problems(
    doc: Any, ours: Any, path: str = "$", nullable: frozenset[str] = frozenset()
) -> list[str]:
    """Every way ``ours`` differs from the doc's sample in shape: a key the doc shows that is
    missing, another JSON type, null where the doc has a value (unless the key is in
    ``nullable``), an empty list where the doc has items, a date-time not in the doc's format."""
    name = re.sub(r"\[\d+\]$", "", path.rsplit(".", 1)[-1])
    if doc is None:
        return []
    if ours is None:
        if name in nullable:
            return []
        return [f"{path}: null where the doc has {json_type(doc)} {doc!r}"]
    if isinstance(doc, str) and docs.DOC_DATETIME.match(doc):
        if isinstance(ours, str) and RESPONSE_DATETIME.match(ours):
            return []
        return [f"{path}: {ours!r} is not a YYYY-MM-DDThh:mm:ssTZD date-time (doc: {doc!r})"]
    if json_type(doc) != json_type(ours):
        return [f"{path}: {json_type(ours)} {ours!r} where the doc has {json_type(doc)} {doc!r}"]
    problems: list[str] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key not in ours:
                problems.append(f"{path}.{key}: missing (the doc has {value!r})")
            else:
                problems += shape_problems(value, ours[key], f"{path}.{key}", nullable)
    elif isinstance(doc, list) and doc:
        if not ours:
            problems.append(f"{path}: empty where the doc has {len(doc)} items")
        for index, item in enumerate(ours):
            template = _item_template(doc, item)
            problems += shape_problems(template, item, f"{path}[{index}]", nullable)
    return problems


def assert_doc_shape(doc: Any, ours: Any, nullable: tuple[str, ...] = ()) -> None:
    problems = shape_problems(doc, ours, nullable=frozenset(nullable))
    assert not problems, "answer differs from the doc's sample:\n" + "\n".join(problems)


def datetime_problems(body: Any, path: str = "$") -> list[str]:
    """Every date-time anywhere in a response that is not YYYY-MM-DDThh:mm:ssTZD."""
    if isinstance(body, dict):
        return [p for k, v in body.items() for p in datetime_problems(v, f"{path}.{k}")]
    if isinstance(body, list):
        return [p for i, v in enumerate(body) for p in datetime_problems(v, f"{path}[{i}]")]
    looks_like = isinstance(body, str) and LOOKS_LIKE_DATETIME.match(body)
    if looks_like and not RESPONSE_DATETIME.match(body):
        return [f"{path}: {body!r}"]
    return []


def moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def the_followup(lead: dict[str, Any], followed_up_on: str) -> dict[str, Any]:
    """The one follow-up of a lead's answer made at that moment (they come oldest first)."""
    [followup] = [
        f for f in lead["followUpDetails"] if moment(f["followedUpOn"]) == moment(followed_up_on)
    ]
    return followup


def ok(response: requests.Response) -> dict[str, Any]:
    """The JSON of a 200 answer (the body is shown when it is not one)."""
    assert response.status_code == 200, f"{response.status_code} {response.text[:2000]}"
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def assert_object_envelope(body: dict[str, Any]) -> None:
    """One object: its fields at the top level and ``"warnings": []`` (Add Lead's sample). The
    doc's dates (2018) were ahead when it was written: a next follow-up now past is warned of
    (90102), the one warning a replayed sample may get."""
    assert "data" not in body
    assert isinstance(body["warnings"], list)
    assert {warning["code"] for warning in body["warnings"]} <= {90102}


def assert_list_envelope(body: dict[str, Any]) -> None:
    """A list: ``{"data": [...], "warnings": [], "errors": []}`` (Get Reasons' sample)."""
    assert isinstance(body["data"], list)
    assert body["warnings"] == [] and body["errors"] == []


def assert_error_answer(response: requests.Response, status: int, *codes: int) -> list[dict]:
    """The error envelope: ``{"errors": [{"code", "message"}...], "warnings": []}``, JSON."""
    assert response.headers["Content-Type"].startswith("application/json"), response.text[:500]
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"errors", "warnings"} and body["warnings"] == [], body
    assert all(set(item) == {"code", "message"} for item in body["errors"]), body
    if codes:
        assert [item["code"] for item in body["errors"]] == list(codes), body
    return body["errors"]


def local_path(doc_url: str, lead_id: int | None = None, **query: object) -> str:
    """The doc's URL on this server: its path and query, with a local lead id in the path and
    local values for the query parameters named (``userId=...``)."""
    parts = urlsplit(doc_url)
    path = parts.path
    if lead_id is not None:
        path = re.sub(r"^/v2/leads/\d+", f"/v2/leads/{lead_id}", path)
    pairs = [pair.split("=", 1) for pair in parts.query.split("&") if pair]
    pairs = [(key, str(query.get(key, value))) for key, value in pairs]
    return path + ("?" + "&".join(f"{k}={v}" for k, v in pairs) if pairs else "")


def test_the_shape_check_reports_what_a_client_of_the_doc_could_not_parse():
    doc = docs.FOLLOWUPS_RESPONSE
    ours = copy.deepcopy(doc)
    ours["data"][0]["createdBy"] = "associate"
    ours["data"][0]["createdOn"] = "2019-02-20T15:33:11.123456+00:00"
    del ours["data"][1]["userId"]
    ours["data"][1]["followedUpBy"] = None
    ours["errors"] = None

    assert shape_problems(doc, ours) == [
        "$.data[0].createdBy: string 'associate' where the doc has integer 75029724",
        "$.data[0].createdOn: '2019-02-20T15:33:11.123456+00:00' is not a "
        "YYYY-MM-DDThh:mm:ssTZD date-time (doc: '2019-02-20T15:33:11Z')",
        # The doc's own "Z" is a date-time the doc allows, but not one this API answers.
        "$.data[0].followedUpOn: '2018-10-04T07:15:00Z' is not a YYYY-MM-DDThh:mm:ssTZD "
        "date-time (doc: '2018-10-04T07:15:00Z')",
        "$.data[0].scheduledFollowUp: '2018-10-04T07:00:00Z' is not a YYYY-MM-DDThh:mm:ssTZD "
        "date-time (doc: '2018-10-04T07:00:00Z')",
        "$.data[1].userId: missing (the doc has 90486525)",
        "$.data[1].createdOn: '2019-02-20T15:33:11Z' is not a YYYY-MM-DDThh:mm:ssTZD date-time "
        "(doc: '2019-02-20T15:33:11Z')",
        "$.data[1].followedUpBy: null where the doc has integer 75029724",
        "$.data[1].followedUpOn: '2018-10-04T07:15:00Z' is not a YYYY-MM-DDThh:mm:ssTZD "
        "date-time (doc: '2018-10-04T07:15:00Z')",
        "$.data[1].scheduledFollowUp: '2018-10-04T07:00:00Z' is not a YYYY-MM-DDThh:mm:ssTZD "
        "date-time (doc: '2018-10-04T07:00:00Z')",
        "$.errors: null where the doc has array []",
    ]


# --- the world the doc's samples assume ---------------------------------------------------


@pytest.fixture
def integration(db):
    """The Capillary client's login: active staff that may record work for other staff."""
    return UserFactory(username="capillary.till", is_superuser=True)


@pytest.fixture
def http(live_server, integration):
    session = requests.Session()
    session.auth = (integration.username, PASSWORD)
    session.headers["Accept"] = "application/json"
    session.base = live_server.url
    yield session
    session.close()


def send(http, method: str, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
    if body is not None:
        kwargs["json"] = body
    return http.request(method, http.base + path, timeout=20, **kwargs)


@pytest.fixture
def catalog(db):
    """Every SKU the doc's leads are for."""
    for code in ("item001", "sku_902307", "Denim", "CasualShirt", "Polo"):
        SkuFactory(code=code)


@pytest.fixture
def trial_status(db):
    """The extended field every doc sample carries."""
    return ExtendedFieldFactory(name="trial_status")


@pytest.fixture
def reasons(db):
    """Local reasons for the doc's reason ids, by the doc's id."""
    return {doc_id: ReasonFactory(reason=text) for doc_id, text in DOC_REASONS.items()}


@pytest.fixture
def yet_to_decide(db):
    return SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")


@pytest.fixture
def world(catalog, trial_status, reasons, yet_to_decide, staff):
    return reasons


def add_lead_request(staff, reasons) -> dict[str, Any]:
    """The doc's Add Lead sample with its staff and reason ids made local."""
    body = copy.deepcopy(docs.ADD_LEAD_REQUEST)
    body["createdBy"] = staff.pk
    for followup in body["followUpDetails"]:
        followup["followedUpBy"] = staff.pk
    for row in body["statusLogDetails"]:
        row["createdBy"] = staff.pk
        row["reasonId"] = reasons[row["reasonId"]].pk
    return body


def localized(body: dict[str, Any], staff, reasons) -> dict[str, Any]:
    """A doc request with its staff and reason ids made local."""
    body = copy.deepcopy(body)
    if body.get("createdBy") in DOC_STAFF_IDS:
        body["createdBy"] = staff.pk
    if "reasonId" in body:
        body["reasonId"] = reasons[body["reasonId"]].pk
    return body


@pytest.fixture
def doc_lead(http, world, staff):
    """The lead of the doc's Add Lead sample, added through the API."""
    return ok(send(http, "POST", "/v2/leads", add_lead_request(staff, world)))


# --- Reasons ----------------------------------------------------------------------------


def test_generate_reasons_sample_is_answered_in_the_doc_shape(http):
    response = send(
        http, "POST", local_path(docs.GENERATE_REASONS_URL), docs.GENERATE_REASONS_REQUEST
    )

    body = ok(response)
    assert_doc_shape(docs.GENERATE_REASONS_RESPONSE, body)
    assert_list_envelope(body)
    assert [row["reason"] for row in body["data"]] == [
        row["reason"] for row in docs.GENERATE_REASONS_RESPONSE["data"]
    ]


def test_get_reasons_sample_is_answered_in_the_doc_shape(http):
    for row in docs.GET_REASONS_RESPONSE["data"]:
        ReasonFactory(reason=row["reason"])

    body = ok(send(http, "GET", local_path(docs.GET_REASONS_URL)))

    assert_doc_shape(docs.GET_REASONS_RESPONSE, body)
    assert_list_envelope(body)
    assert [row["reason"] for row in body["data"]] == [
        row["reason"] for row in docs.GET_REASONS_RESPONSE["data"]
    ]


# --- Sub-statuses ------------------------------------------------------------------------


def test_create_substatus_sample_is_answered_in_the_doc_shape(http):
    response = send(
        http, "POST", local_path(docs.CREATE_SUBSTATUS_URL), docs.CREATE_SUBSTATUS_REQUEST
    )

    body = ok(response)
    assert_doc_shape(docs.CREATE_SUBSTATUS_RESPONSE, body)
    assert_object_envelope(body)
    assert (body["status"], body["subStatus"]) == ("ON_HOLD", "YetToDecide")


def test_get_substatuses_sample_is_answered_in_the_doc_shape(http):
    for row in docs.GET_SUBSTATUSES_RESPONSE["data"]:
        SubStatusFactory(status=row["status"], name=row["subStatus"])

    body = ok(send(http, "GET", local_path(docs.GET_SUBSTATUSES_URL)))

    assert_doc_shape(docs.GET_SUBSTATUSES_RESPONSE, body)
    assert_list_envelope(body)
    assert sorted((row["status"], row["subStatus"]) for row in body["data"]) == [
        ("LOST", "InvalidPhoneNumber"),
        ("ON_HOLD", "YetToDecide"),
    ]


# --- Add Lead ----------------------------------------------------------------------------


def test_add_lead_sample_is_answered_in_the_doc_shape(http, world, staff):
    response = send(http, "POST", local_path(docs.ADD_LEAD_URL), add_lead_request(staff, world))

    body = ok(response)
    assert_doc_shape(docs.ADD_LEAD_RESPONSE, body)
    assert_object_envelope(body)
    customer = Customer.objects.get(email="tom.sawyer@example.com")
    assert body["userId"] == customer.pk
    assert (body["type"], body["leadFor"], body["status"], body["orgSourceId"]) == (
        "SKU",
        "item001",
        "ON_HOLD",
        -1,
    )
    assert body["extendedFields"] == {"trial_status": "Not Done"}
    assert moment(body["nextFollowUp"]) == moment("2018-10-05T08:00:00+05:30")
    assert moment(body["createdOn"]) == moment("2018-10-04T13:30:00+05:30")
    assert [f["notes"] for f in body["followUpDetails"]] == ["notes 1", "notes 2"]
    for followup in body["followUpDetails"]:
        assert followup["leadId"] == body["id"] and followup["userId"] == customer.pk
        assert moment(followup["followedUpOn"]) == moment("2018-10-04T12:45:00+05:30")
        assert moment(followup["scheduledFollowUp"]) == moment("2018-10-04T12:30:00+05:30")
    for row in body["statusLogDetails"]:
        assert row["leadId"] == body["id"] and row["userId"] == customer.pk
    assert response.headers["Location"].endswith(f"/v2/leads/{body['id']}")


def test_add_lead_sample_records_the_sent_history_and_nothing_more(http, world, staff):
    body = ok(send(http, "POST", "/v2/leads", add_lead_request(staff, world)))

    # The history sent is OPEN then ON_HOLD and the lead is ON_HOLD: no third row.
    assert [row["status"] for row in body["statusLogDetails"]] == ["OPEN", "ON_HOLD"]
    assert [row["reasonId"] for row in body["statusLogDetails"]] == [world[1].pk, world[2].pk]
    assert [row["reason"] for row in body["statusLogDetails"]] == [DOC_REASONS[1], DOC_REASONS[2]]
    assert LeadStatus.objects.filter(lead_id=body["id"]).count() == 2


@pytest.mark.parametrize(
    ("history", "status", "expected"),
    [
        (["OPEN", "ON_HOLD"], "ON_HOLD", ["OPEN", "ON_HOLD"]),
        (["OPEN"], "ON_HOLD", ["OPEN", "ON_HOLD"]),
        (["ON_HOLD"], "OPEN", ["ON_HOLD", "OPEN"]),
        ([], "ON_HOLD", ["ON_HOLD"]),
    ],
    ids=["ends-with-current", "ends-elsewhere", "ends-elsewhere-open", "no-history"],
)
def test_add_lead_appends_the_current_status_only_when_the_history_lacks_it(
    http, world, staff, history, status, expected
):
    request = add_lead_request(staff, world)
    request["status"] = status
    request["statusLogDetails"] = [
        {"status": past, "createdBy": staff.pk, "reasonId": world[1].pk} for past in history
    ]

    body = ok(send(http, "POST", "/v2/leads", request))

    assert body["status"] == status
    assert [row["status"] for row in body["statusLogDetails"]] == expected


@pytest.mark.parametrize(
    ("last_follow_up", "expected"),
    [
        # Later than the follow-ups (12:45 +05:30): kept.
        ("2018-10-04T13:00:00+05:30", "2018-10-04T13:00:00+05:30"),
        # Earlier than the follow-ups: the latest follow-up wins.
        ("2018-10-04T09:00:00+05:30", "2018-10-04T12:45:00+05:30"),
    ],
    ids=["later-is-kept", "earlier-loses-to-the-follow-ups"],
)
def test_add_lead_keeps_a_sent_last_follow_up_only_when_later(
    http, world, staff, last_follow_up, expected
):
    # lastFollowUp is in Add Lead's "Request Body Parameters" table, not in its sample.
    request = add_lead_request(staff, world)
    request["lastFollowUp"] = last_follow_up

    body = ok(send(http, "POST", "/v2/leads", request))

    assert moment(body["lastFollowUp"]) == moment(expected)
    assert RESPONSE_DATETIME.match(body["lastFollowUp"])


def test_add_lead_keeps_a_sent_last_follow_up_without_follow_ups(http, world, customer):
    body = ok(
        send(
            http,
            "POST",
            "/v2/leads",
            {
                "type": "SKU",
                "leadFor": "item001",
                "userId": customer.pk,
                "lastFollowUp": "2018-10-04T12:45:00+05:30",
            },
        )
    )

    assert body["lastFollowUp"] is not None
    assert moment(body["lastFollowUp"]) == moment("2018-10-04T12:45:00+05:30")


# --- staff are numeric ids ----------------------------------------------------------------


def _add(http, world, staff, created_by):
    request = add_lead_request(staff, world)
    request["createdBy"] = created_by
    body = ok(send(http, "POST", "/v2/leads", request))
    return body["createdBy"]


def _status(http, world, staff, created_by):
    lead = ok(send(http, "POST", "/v2/leads", add_lead_request(staff, world)))
    request = {"status": "WON", "createdBy": created_by, "reasonId": world[6].pk}
    body = ok(send(http, "PUT", f"/v2/leads/{lead['id']}/status", request))
    return body["statusLogDetails"][-1]["createdBy"]


def _followup(http, world, staff, created_by):
    lead = ok(send(http, "POST", "/v2/leads", add_lead_request(staff, world)))
    request = {"followedUpOn": "2018-10-05T08:00:00+05:30", "createdBy": created_by}
    body = ok(send(http, "POST", f"/v2/leads/{lead['id']}/followup", request))
    new = the_followup(body, request["followedUpOn"])
    # Not sent: who followed up is the staff the follow-up is recorded for (the doc's 124/124).
    assert new["followedUpBy"] == new["createdBy"]
    return new["createdBy"]


@pytest.mark.parametrize("named_by", ["staff id", "username"])
@pytest.mark.parametrize("write", [_add, _status, _followup], ids=["add", "status", "followup"])
def test_a_sent_created_by_is_honoured_and_answered_as_a_staff_id(
    http, world, staff, integration, write, named_by
):
    created_by = staff.pk if named_by == "staff id" else staff.username

    answered = write(http, world, staff, created_by)

    assert answered == staff.pk
    assert answered != integration.pk


@pytest.mark.parametrize("named_by", ["staff id", "username"])
def test_followed_up_by_takes_a_staff_id_or_a_username(http, world, staff, named_by):
    lead = ok(send(http, "POST", "/v2/leads", add_lead_request(staff, world)))
    request = {
        "followedUpOn": "2018-10-05T08:00:00+05:30",
        "followedUpBy": staff.pk if named_by == "staff id" else staff.username,
    }

    body = ok(send(http, "POST", f"/v2/leads/{lead['id']}/followup", request))

    assert the_followup(body, request["followedUpOn"])["followedUpBy"] == staff.pk


def test_staff_are_answered_as_ids_and_the_owner_as_a_username(http, world, staff, integration):
    request = add_lead_request(staff, world)
    request["owner"] = staff.username

    body = ok(send(http, "POST", "/v2/leads", request))

    assert body["owner"] == staff.username
    assert body["createdBy"] == staff.pk
    assert body["lastUpdatedBy"] in (staff.pk, integration.pk)
    for followup in body["followUpDetails"]:
        assert followup["followedUpBy"] == staff.pk
        assert followup["createdBy"] in (staff.pk, integration.pk)
    for row in body["statusLogDetails"]:
        assert row["createdBy"] in (staff.pk, integration.pk)


def test_follow_ups_carry_the_customer_and_the_creator_everywhere(http, doc_lead, integration):
    lead_id, customer_id = doc_lead["id"], doc_lead["userId"]
    answers = {
        "add lead": doc_lead["followUpDetails"],
        "lead details": ok(send(http, "GET", f"/v2/leads/{lead_id}"))["followUpDetails"],
        "search": ok(send(http, "GET", "/v2/leads", params={"userId": customer_id}))["data"][0][
            "followUpDetails"
        ],
        "followups": ok(send(http, "GET", f"/v2/leads/{lead_id}/followups"))["data"],
    }

    for where, followups in answers.items():
        assert len(followups) == 2, where
        for followup in followups:
            assert followup["userId"] == customer_id, where
            assert json_type(followup["createdBy"]) == "integer", where
            assert json_type(followup["followedUpBy"]) == "integer", where


# --- Lead details, Update Lead ------------------------------------------------------------


def test_a_lead_read_back_has_the_doc_lead_shape(http, doc_lead):
    body = ok(send(http, "GET", f"/v2/leads/{doc_lead['id']}"))

    assert_doc_shape(docs.ADD_LEAD_RESPONSE, body)
    assert_object_envelope(body)


def _doc_details_lead(http, customer, staff, reasons, lead_for):
    """One lead as the Get Lead Details sample shows them: ON_HOLD after OPEN (APICALL, then
    NOT PICKING CALL), two follow-ups by its staff, trial_status."""
    sample = docs.LEAD_DETAILS_RESPONSE["data"][0]
    request = {
        "type": "SKU",
        "leadFor": lead_for,
        "userId": customer.pk,
        "status": "ON_HOLD",
        "nextFollowUp": sample["nextFollowUp"],
        "createdOn": sample["createdOn"],
        "extendedFields": sample["extendedFields"],
        "followUpDetails": [
            {
                "followedUpOn": f["followedUpOn"],
                "scheduledFollowUp": f["scheduledFollowUp"],
                "notes": f["notes"],
                "followedUpBy": staff.pk,
            }
            for f in sample["followUpDetails"]
        ],
        "statusLogDetails": [
            {"status": row["status"], "reasonId": reasons[row["reason"]].pk}
            for row in sample["statusLogDetails"]
        ],
    }
    return ok(send(http, "POST", "/v2/leads", request))


def test_lead_details_sample_is_answered_in_the_doc_shape(http, catalog, trial_status, staff):
    customer = CustomerFactory()
    reasons = {text: ReasonFactory(reason=text) for text in ("APICALL", "NOT PICKING CALL")}
    created = [
        _doc_details_lead(http, customer, staff, reasons, lead["leadFor"])
        for lead in docs.LEAD_DETAILS_RESPONSE["data"]
    ]
    LeadFactory(lead_for="Someone else's")

    body = ok(send(http, "GET", local_path(docs.LEAD_DETAILS_URL, userId=customer.pk)))

    assert_doc_shape(docs.LEAD_DETAILS_RESPONSE, body)
    assert_list_envelope(body)
    assert sorted(lead["id"] for lead in body["data"]) == sorted(lead["id"] for lead in created)
    assert {lead["leadFor"] for lead in body["data"]} == {"Denim", "CasualShirt", "Polo"}


def test_update_lead_sample_is_answered_in_the_doc_shape(http, doc_lead, integration):
    path = local_path(docs.UPDATE_LEAD_URL, lead_id=doc_lead["id"])

    body = ok(send(http, "PUT", path, docs.UPDATE_LEAD_REQUEST))

    assert_doc_shape(docs.UPDATE_LEAD_RESPONSE, body)
    assert_object_envelope(body)
    assert body["id"] == doc_lead["id"]
    assert body["extendedFields"] == {"trial_status": "Not Done"}
    assert body["lastUpdatedBy"] == integration.pk


def test_update_lead_assigns_the_owner_named_by_username(http, doc_lead):
    # Update Lead's parameter table: "owner | Username of the owner or associate of the lead".
    UserFactory(username="bob")

    body = ok(send(http, "PUT", f"/v2/leads/{doc_lead['id']}", {"owner": "bob"}))

    assert body["owner"] == "bob"


# --- Update Lead Status ------------------------------------------------------------------


def test_update_status_won_sample_is_answered_in_the_doc_shape(http, doc_lead, world, staff):
    path = local_path(docs.STATUS_URL, lead_id=doc_lead["id"])

    body = ok(send(http, "PUT", path, localized(docs.STATUS_WON_REQUEST, staff, world)))

    assert_doc_shape(docs.STATUS_WON_RESPONSE, body)
    assert_object_envelope(body)
    assert body["status"] == "WON"
    assert [row["status"] for row in body["statusLogDetails"]] == ["OPEN", "ON_HOLD", "WON"]
    won = body["statusLogDetails"][-1]
    assert (won["reasonId"], won["reason"]) == (world[6].pk, "Deal closed")
    assert won["createdBy"] == staff.pk


def test_update_status_won_sample_as_printed_is_refused_as_malformed_json(http, doc_lead):
    # The doc prints this body with a comma after its last member: not JSON. It is answered
    # with the envelope's 90005 and changes nothing, like any malformed body.
    response = http.put(
        http.base + local_path(docs.STATUS_URL, lead_id=doc_lead["id"]),
        data=docs.STATUS_WON_REQUEST_TEXT.encode(),
        headers={"Content-Type": "application/json"},
        timeout=20,
    )

    assert_error_answer(response, 400, 90005)
    assert Lead.objects.get(pk=doc_lead["id"]).status == Status.ON_HOLD


def test_update_status_on_hold_sample_is_answered_in_the_doc_shape(http, doc_lead, world, staff):
    path = local_path(docs.STATUS_URL, lead_id=doc_lead["id"])

    body = ok(send(http, "PUT", path, localized(docs.STATUS_ON_HOLD_REQUEST, staff, world)))

    # Capillary's lead went LOST (AUTO_CLOSE) and back to ON_HOLD; here LOST is final (92024),
    # so the lead goes from ON_HOLD to ON_HOLD/YetToDecide: a subStatus may be null on the
    # rows before it.
    assert_doc_shape(docs.STATUS_ON_HOLD_RESPONSE, body, nullable=("subStatus",))
    assert_object_envelope(body)
    assert (body["status"], body["subStatus"]) == ("ON_HOLD", "YetToDecide")
    last = body["statusLogDetails"][-1]
    assert (last["status"], last["subStatus"]) == ("ON_HOLD", "YetToDecide")
    assert (last["reasonId"], last["reason"]) == (world[2].pk, DOC_REASONS[2])
    assert last["createdBy"] == staff.pk


def test_a_closed_lead_refuses_the_on_hold_sample_with_92024(http, doc_lead, world, staff):
    # The ON_HOLD sample's lead went LOST and then ON_HOLD again; the doc's own 92024 ("Status
    # change not allowed on closed leads") forbids that, and this app keeps 92024.
    path = f"/v2/leads/{doc_lead['id']}/status"
    ok(send(http, "PUT", path, {"status": "LOST", "reasonId": world[1].pk}))

    response = send(http, "PUT", path, localized(docs.STATUS_ON_HOLD_REQUEST, staff, world))

    [error] = assert_error_answer(response, 409, 92024)
    assert error["message"] == docs.error_text(92024)
    assert Lead.objects.get(pk=doc_lead["id"]).status == Status.LOST


def test_update_status_sample_with_extended_fields_is_accepted(http, doc_lead, world, staff):
    # The WON sample sends extendedFields with the status; they are the lead's already.
    request = localized(docs.STATUS_WON_REQUEST, staff, world)

    body = ok(send(http, "PUT", f"/v2/leads/{doc_lead['id']}/status", request))

    assert body["extendedFields"] == {"trial_status": "Not Done"}


# --- Follow-ups ----------------------------------------------------------------------------


@pytest.fixture
def followup_lead(http, catalog, trial_status, customer, staff):
    """A lead like the Update Lead Followup sample's: OPEN with a reason, two follow-ups by the
    staff its request names."""
    sample = docs.FOLLOWUP_RESPONSE
    reason = ReasonFactory(reason=sample["statusLogDetails"][0]["reason"])
    request = {
        "type": sample["type"],
        "leadFor": sample["leadFor"],
        "userId": customer.pk,
        "status": sample["status"],
        "extendedFields": sample["extendedFields"],
        "followUpDetails": [
            {
                "followedUpOn": f["followedUpOn"],
                "scheduledFollowUp": f["scheduledFollowUp"],
                "notes": f["notes"],
                "followedUpBy": staff.pk,
            }
            for f in sample["followUpDetails"][:2]
        ],
        "statusLogDetails": [{"status": "OPEN", "reasonId": reason.pk}],
    }
    return ok(send(http, "POST", "/v2/leads", request))


def test_followup_sample_is_answered_with_the_whole_lead(http, followup_lead, staff, customer):
    request = copy.deepcopy(docs.FOLLOWUP_REQUEST)
    request["createdBy"] = staff.pk
    path = local_path(docs.FOLLOWUP_URL, lead_id=followup_lead["id"])

    body = ok(send(http, "POST", path, request))

    # The sample request sends no scheduledFollowUp, so the new follow-up has none.
    assert_doc_shape(docs.FOLLOWUP_RESPONSE, body, nullable=("scheduledFollowUp",))
    assert_object_envelope(body)
    assert body["id"] == followup_lead["id"] and body["userId"] == customer.pk
    assert len(body["followUpDetails"]) == 3
    new = the_followup(body, docs.FOLLOWUP_REQUEST["followedUpOn"])
    assert (new["createdBy"], new["followedUpBy"]) == (staff.pk, staff.pk)
    assert new["leadId"] == body["id"] and new["userId"] == customer.pk
    # lastFollowUp is the latest contact ever (2019-04-18 in the lead's history).
    assert moment(body["lastFollowUp"]) == moment("2019-04-18T05:19:06Z")


def test_followup_without_the_docs_mandatory_created_by_is_recorded_for_the_caller(
    http, doc_lead, integration
):
    # The follow-up table marks createdBy mandatory ("createdBy* | int | Till id"), while Add
    # Lead's says createdBy defaults to the entity the request comes from: both are accepted.
    path = f"/v2/leads/{doc_lead['id']}/followup"

    body = ok(send(http, "POST", path, {"followedUpOn": docs.FOLLOWUP_REQUEST["followedUpOn"]}))

    new = the_followup(body, docs.FOLLOWUP_REQUEST["followedUpOn"])
    assert (new["createdBy"], new["followedUpBy"]) == (integration.pk, integration.pk)


def test_followups_sample_is_answered_in_the_doc_shape(http, doc_lead):
    path = local_path(docs.FOLLOWUPS_URL, lead_id=doc_lead["id"])

    body = ok(send(http, "GET", path))

    assert_doc_shape(docs.FOLLOWUPS_RESPONSE, body)
    assert_list_envelope(body)
    assert [f["notes"] for f in body["data"]] == ["notes 1", "notes 2"]
    assert all(f["leadId"] == doc_lead["id"] for f in body["data"])


def test_status_log_sample_is_answered_in_the_doc_shape(http, doc_lead, staff):
    path = local_path(docs.STATUS_LOG_URL, lead_id=doc_lead["id"])

    body = ok(send(http, "GET", path))

    assert_doc_shape(docs.STATUS_LOG_RESPONSE, body)
    assert_list_envelope(body)
    assert [row["status"] for row in body["data"]] == ["OPEN", "ON_HOLD"]
    assert all(row["userId"] == doc_lead["userId"] for row in body["data"])
    assert all(row["createdBy"] == staff.pk for row in body["data"])


# --- Search --------------------------------------------------------------------------------


def test_search_sample_is_answered_in_the_doc_shape(http, doc_lead, world, staff):
    # The sample's lead is WON after OPEN and ON_HOLD.
    ok(
        send(
            http,
            "PUT",
            f"/v2/leads/{doc_lead['id']}/status",
            localized(docs.STATUS_WON_REQUEST, staff, world),
        )
    )

    body = ok(send(http, "GET", local_path(docs.SEARCH_URL)))

    assert_doc_shape(docs.SEARCH_RESPONSE, body)
    assert_list_envelope(body)
    assert [lead["id"] for lead in body["data"]] == [doc_lead["id"]]
    assert [row["status"] for row in body["data"][0]["statusLogDetails"]] == [
        "OPEN",
        "ON_HOLD",
        "WON",
    ]


def test_search_type_all_means_every_type(http):
    # The sample sends type=ALL, which the parameter table (SKU, CATEGORY, BRAND, CUSTOM) lacks.
    leads = [LeadFactory(type=kind, lead_for=f"Item {kind}") for kind in LeadType.values]

    body = ok(send(http, "GET", "/v2/leads", params={"type": "ALL", "limit": 10}))

    assert sorted(lead["id"] for lead in body["data"]) == sorted(lead.pk for lead in leads)


@pytest.mark.parametrize(
    ("sort_by", "order"),
    [
        ("createdon", "ASC"),
        ("CREATEDON", "DESC"),
        ("createdOn", "ASC"),
        ("lastupdatedon", "ASC"),
        ("nextfollowup", "ASC"),
    ],
)
def test_search_sort_by_is_case_insensitive(http, sort_by, order):
    base = datetime.datetime(2018, 10, 4, 8, 0, tzinfo=datetime.UTC)
    leads = [
        LeadFactory(
            created_on=base + datetime.timedelta(days=day),
            last_updated_on=base + datetime.timedelta(days=day),
            next_follow_up=base + datetime.timedelta(days=day),
        )
        for day in range(3)
    ]
    expected = [lead.pk for lead in leads]

    body = ok(send(http, "GET", "/v2/leads", params={"sortBy": sort_by, "sortOrder": order}))

    assert [lead["id"] for lead in body["data"]] == (expected if order == "ASC" else expected[::-1])


@pytest.mark.parametrize("named_by", ["username", "staff id"])
def test_search_owner_filter_takes_a_username_or_a_staff_id(http, staff, named_by):
    mine = LeadFactory(owner=staff)
    LeadFactory(owner=UserFactory(username="bob"))

    owner = staff.username if named_by == "username" else str(staff.pk)
    body = ok(send(http, "GET", "/v2/leads", params={"owner": owner}))

    assert [lead["id"] for lead in body["data"]] == [mine.pk]
    assert body["data"][0]["owner"] == staff.username


def test_search_filters_of_the_doc_tables_are_understood(http, doc_lead, staff):
    # Search Lead's and Get Lead Details' parameter tables: userId, status, substatus, owner,
    # limit, offset, sortBy, sortOrder, type, orgSourceId.
    LeadFactory(lead_for="Another")
    params = {
        "userId": doc_lead["userId"],
        "status": "ON_HOLD",
        "type": "SKU",
        "orgSourceId": -1,
        "sortBy": "createdon",
        "sortOrder": "DESC",
        "limit": 10,
        "offset": 0,
    }

    body = ok(send(http, "GET", "/v2/leads", params=params))

    assert [lead["id"] for lead in body["data"]] == [doc_lead["id"]]
    assert ok(send(http, "GET", "/v2/leads", params={**params, "offset": 1}))["data"] == []
    assert (
        ok(send(http, "GET", "/v2/leads", params={**params, "substatus": "YetToDecide"}))["data"]
        == []
    )


# --- date-times ----------------------------------------------------------------------------


def test_date_times_in_every_answer_are_whole_seconds_with_an_offset(http, world, customer):
    # Created now (with microseconds in the database), with a follow-up and a status change.
    lead = ok(
        send(
            http,
            "POST",
            "/v2/leads",
            {
                "type": "SKU",
                "leadFor": "item001",
                "userId": customer.pk,
                "nextFollowUp": "2018-10-05T08:00:00.123456+05:30",
                "followUpDetails": [{"followedUpOn": "2018-10-04T12:45:00.5+05:30"}],
            },
        )
    )
    lead_id = lead["id"]
    answers = {
        "add": lead,
        "followup": ok(
            send(
                http,
                "POST",
                f"/v2/leads/{lead_id}/followup",
                {"followedUpOn": "2018-10-05T08:00:00.999+05:30"},
            )
        ),
        "status": ok(send(http, "PUT", f"/v2/leads/{lead_id}/status", {"status": "ON_HOLD"})),
        "detail": ok(send(http, "GET", f"/v2/leads/{lead_id}")),
        "search": ok(send(http, "GET", "/v2/leads")),
        "statusLog": ok(send(http, "GET", f"/v2/leads/{lead_id}/statusLog")),
        "followups": ok(send(http, "GET", f"/v2/leads/{lead_id}/followups")),
        "reasons": ok(send(http, "GET", "/v2/leads/reasons")),
        "substatuses": ok(send(http, "GET", "/v2/leads/substatuses")),
    }

    problems = [p for name, body in answers.items() for p in datetime_problems(body, name)]
    assert not problems, "\n".join(problems)
    assert answers["detail"]["createdOn"] and answers["detail"]["lastUpdatedOn"]


def _lead_following_up(http, customer, next_follow_up):
    """A lead added with ``nextFollowUp`` as sent, as answered."""
    return ok(
        send(
            http,
            "POST",
            "/v2/leads",
            {
                "type": "SKU",
                "leadFor": "item001",
                "userId": customer.pk,
                "nextFollowUp": next_follow_up,
            },
        )
    )


@pytest.mark.parametrize(
    "sent",
    [
        "2018-10-05T08:00:00+05:30",
        "2018-10-05T02:30:00Z",
        "2018-10-05T02:30:00+00:00",
        "2018-10-04T22:30:00-04:00",
        "2018-10-05T08:00:00+0530",
        "2018-10-05T08:00:00.250+05:30",
    ],
)
def test_input_date_times_take_any_iso_8601_offset(http, catalog, customer, sent):
    body = _lead_following_up(http, customer, sent)

    assert RESPONSE_DATETIME.match(body["nextFollowUp"]), body["nextFollowUp"]
    assert moment(body["nextFollowUp"]) == datetime.datetime(
        2018, 10, 5, 2, 30, tzinfo=datetime.UTC
    )


@pytest.mark.parametrize("sent", ["2018-10-05", "2018-10-05T08:00:00+05:30"])
def test_next_follow_up_takes_a_date_or_a_date_time(http, catalog, customer, sent):
    # Add Lead's table types nextFollowUp "date"; its sample sends a date-time.
    body = _lead_following_up(http, customer, sent)

    assert RESPONSE_DATETIME.match(body["nextFollowUp"]), body["nextFollowUp"]
    assert body["nextFollowUp"][:10] == "2018-10-05"


# --- error codes ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(docs.ERROR_CODES))
def test_the_error_registry_keeps_the_docs_text(code):
    placeholders = [f"{{{i}}}" for i in range(docs.ERROR_CODES[code].count("\\{"))]

    assert REGISTRY[code].message == docs.error_text(code, *placeholders)


class Ctx:
    """What an error recipe needs: the session and the records it names."""

    def __init__(self, http, customer, lead, closed):
        self.http, self.customer, self.lead, self.closed = http, customer, lead, closed

    def add(self, **body):
        return send(self.http, "POST", "/v2/leads", body)

    def status(self, lead, **body):
        return send(self.http, "PUT", f"/v2/leads/{lead.pk}/status", body)


# code: (HTTP status, the request, the values the doc's placeholders take)
ERROR_CASES = {
    92001: (404, lambda c: send(c.http, "GET", "/v2/leads/987654"), ()),
    92002: (409, lambda c: c.status(c.lead, status="OPEN"), ()),
    92003: (
        400,
        lambda c: c.add(userId=c.customer.pk, type="CUSTOM", leadFor="x", status="NEW"),
        ("NEW",),
    ),
    92004: (400, lambda c: c.status(c.lead, status="LOST", reasonId=987654), (987654,)),
    92005: (
        400,
        lambda c: send(c.http, "POST", f"/v2/leads/{c.lead.pk}/followup", {"notes": "hi"}),
        (),
    ),
    92006: (400, lambda c: c.add(userId=c.customer.pk, type="CUSTOM"), ()),
    92007: (400, lambda c: c.add(userId=None, type="CUSTOM", leadFor="x"), ()),
    92008: (400, lambda c: c.add(userId=987654, type="CUSTOM", leadFor="x"), (987654,)),
    92009: (400, lambda c: c.add(userId=c.customer.pk, type="SHOE", leadFor="x"), ()),
    92010: (
        200,
        lambda c: send(c.http, "POST", "/v2/leads/bulk/status", [{"status": "WON"}]),
        (),
    ),
    92011: (400, lambda c: c.add(idType="MOBILE", identifier="12", type="CUSTOM", leadFor="x"), ()),
    92012: (400, lambda c: c.add(type="CUSTOM", leadFor="x"), ()),
    92013: (
        400,
        lambda c: c.add(userId=c.customer.pk, type="CUSTOM", leadFor="x", orgSourceId=None),
        (),
    ),
    92014: (
        400,
        lambda c: c.add(userId=c.customer.pk, type="CUSTOM", leadFor="x", orgSourceId=987654),
        (),
    ),
    92015: (
        400,
        lambda c: c.add(idType="PASSPORT", identifier="X1", type="CUSTOM", leadFor="x"),
        (),
    ),
    92016: (400, lambda c: c.add(userId=c.customer.pk, type="SKU", leadFor="NOPE"), ("NOPE",)),
    92017: (400, lambda c: c.add(userId=c.customer.pk, type="BRAND", leadFor="NOPE"), ("NOPE",)),
    92018: (
        400,
        lambda c: c.add(userId=c.customer.pk, type="CATEGORY", leadFor="NOPE"),
        ("NOPE",),
    ),
    92019: (
        400,
        lambda c: c.add(userId=c.customer.pk, type="CUSTOM", leadFor="x", owner="nobody"),
        ("nobody",),
    ),
    92020: (400, lambda c: c.status(c.lead, status="ON_HOLD", subStatus="Nope"), ("Nope",)),
    92021: (
        409,
        lambda c: send(
            c.http,
            "POST",
            "/v2/leads/substatus",
            {"status": "ON_HOLD", "subStatus": "YetToDecide"},
        ),
        ("YetToDecide", "ON_HOLD"),
    ),
    92022: (400, lambda c: c.status(c.lead, subStatus="YetToDecide"), ()),
    92023: (
        400,
        lambda c: send(c.http, "POST", "/v2/leads/substatus", {"status": "ON_HOLD"}),
        (),
    ),
    92024: (409, lambda c: c.status(c.closed, status="OPEN"), ()),
    92025: (
        400,
        lambda c: c.add(idType="EMAIL", identifier="new@example.com", type="CUSTOM", leadFor="x"),
        (),
    ),
}


@pytest.mark.parametrize("code", sorted(docs.ERROR_CODES))
def test_every_documented_error_code_answers_the_docs_text(
    http, customer, staff, yet_to_decide, code
):
    status, request, args = ERROR_CASES[code]
    BrandFactory(code="BR-1")
    CategoryFactory(code="CAT-1")
    lead = LeadFactory(customer=customer, owner=staff)
    closed = LeadFactory(customer=customer, owner=staff, status=Status.WON)
    if code == 92025:
        OrgSettings.objects.update_or_create(pk=1, defaults={"auto_register_customers": False})

    response = request(Ctx(http, customer, lead, closed))

    if code == 92010:
        # A bulk request answers per item: the item carries the code.
        [item] = ok(response)["data"]
        errors = item["errors"]
    else:
        errors = assert_error_answer(response, status)
    assert {"code": code, "message": docs.error_text(code, *args)} in errors, errors


def test_several_problems_are_all_answered_in_order(http):
    # The README's example: every problem, in the order the request is checked (the customer
    # first, then leadFor, type and orgSourceId), the same order every time.
    body = {"type": "SHOE", "userId": None, "orgSourceId": None}

    answers = [send(http, "POST", "/v2/leads", body) for _ in range(3)]

    errors = assert_error_answer(answers[0], 400, 92007, 92006, 92009, 92013)
    assert [e["message"] for e in errors] == [
        docs.error_text(92007),
        docs.error_text(92006),
        docs.error_text(92009),
        docs.error_text(92013),
    ]
    assert all(answer.json() == answers[0].json() for answer in answers)


def test_several_problems_of_a_status_change_are_answered_in_order(http, staff):
    lead = LeadFactory(owner=staff)

    response = send(
        http,
        "PUT",
        f"/v2/leads/{lead.pk}/status",
        {"status": "MAYBE", "subStatus": "Nope", "reasonId": 987654},
    )

    errors = assert_error_answer(response, 400)
    assert [e["code"] for e in errors] == [92003, 92004]
    assert [e["message"] for e in errors] == [
        docs.error_text(92003, "MAYBE"),
        docs.error_text(92004, 987654),
    ]


# --- unknown URLs ----------------------------------------------------------------------------

UNKNOWN_PATHS = [
    "/v2/no/such/thing",
    "/v2/lead",
    "/v2//leads",
    "/v2/leads/",
    "/v2/leads/{lead}/",
    "/v2/leads/{lead}/status/",
    "/v2/leads/{lead}/statusLog/",
    "/v2/leads/{lead}/followup/",
    "/v2/leads/{lead}/followups/",
    "/v2/leads/reasons/",
    "/v2/leads/substatus/",
    "/v2/leads/substatuses/",
    "/v2/leads//status",
    "/v2/leads/{lead}/status/extra",
    "/v2/leads/{lead}/followup/{lead}",
]


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", UNKNOWN_PATHS)
def test_an_unknown_v2_url_is_the_envelopes_404_for_every_method(http, staff, path, method):
    lead = LeadFactory(owner=staff)
    before = (Lead.objects.count(), LeadStatus.objects.count())

    response = send(http, method, path.format(lead=lead.pk), {} if method != "GET" else None)

    [error] = assert_error_answer(response, 404, 90003)
    assert isinstance(error["message"], str) and error["message"]
    assert (Lead.objects.count(), LeadStatus.objects.count()) == before
