"""Schemathesis against the app's own OpenAPI schema, in process (WSGI).

Every operation of the schema gets up to ``MAX_EXAMPLES`` generated requests, schema-valid and
schema-invalid, sent as an active staff user with every write permission. Schemathesis' checks
all run: no 5xx, the status documented, the body and headers conforming to the schema, invalid
data refused, auth enforced. Two checks of our own add what the schema cannot say: every error
is the envelope with registry codes and the HTTP status those codes give, and a schema-valid
request is refused only by a business rule (an unknown customer, a closed lead ...), never by a
type or format error, which would mean the schema promised something the API does not take.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings

from crm.core.api.parsers import unstorable
from crm.wsgi import application
from leads.errors import REGISTRY, ErrorCode, http_status_of
from leads.models import Status
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    ExtendedFieldFactory,
    LeadFactory,
    ReasonFactory,
    SkuFactory,
    SubStatusFactory,
    UserFactory,
)

MAX_EXAMPLES = 50
BULK_PATH = "/v2/leads/bulk/status"
FUZZER = "fuzzer"

# Every run generates the same requests: a failure in CI is reproduced locally as is.
CONFIG = schemathesis.Config.from_dict(
    {
        "auth": {"basic": {"username": FUZZER, "password": PASSWORD}},
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        # Generation does not feed on responses (ids, timestamps): the same requests every run.
        "phases": {
            "examples": {"extra-data-sources": {"responses": False}},
            "coverage": {"extra-data-sources": {"responses": False}},
            "fuzzing": {
                "extra-data-sources": {"responses": False},
                "error-feedback": {"enabled": False},
            },
        },
        "checks": {
            # A schema cannot say which customers, SKUs or reasons exist: a request that is
            # well formed but names none is the contract's 400 (92008, 92016, 92004 ...), and
            # reusing an Idempotency-Key for another body is 422. check_refusal_is_a_rule()
            # below makes sure such a 400/422 carries only business-rule codes.
            # check_bulk_refuses_invalid_items() below stands in for this one on the bulk
            # endpoint (see there).
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "422"]
                + ["429", "5xx"]
            },
        },
        "operations": [
            {
                "include-path": BULK_PATH,
                "checks": {"negative_data_rejection": {"enabled": False}},
            }
        ],
    }
)


def _served_schema() -> dict[str, Any]:
    """What GET /v2/schema/ serves (test_the_fuzzed_schema_is_the_served_one pins that)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(_served_schema(), config=CONFIG)
schema.app = application

# Requests sent and 5xx answers per operation, for the run's summary.
SENT: Counter[str] = Counter()
SERVER_ERRORS: Counter[str] = Counter()

# Codes that mean "well formed, but the rules say no": what a schema-valid request may get.
RULE_CODES = {code for code in REGISTRY if 92001 <= code <= 92025} | {
    int(ErrorCode.NOT_FOUND),
    # The empty-text rule of reasons, documented nullable like leadFor (92006) and status
    # (92022) so that a client sending null learns the coded error.
    int(ErrorCode.REASON_EMPTY),
    int(ErrorCode.UNKNOWN_EXTENDED_FIELD),
    int(ErrorCode.INVALID_EXTENDED_FIELD_VALUE),
    int(ErrorCode.IDEMPOTENCY_KEY_REUSED),
    int(ErrorCode.CUSTOMER_NOT_FOUND),
    int(ErrorCode.CUSTOMER_EXISTS),
    # A createdBy naming no active staff user (any id is schema-valid).
    int(ErrorCode.STAFF_NOT_FOUND),
    # A follow-up dated in the future (any date-time is schema-valid).
    int(ErrorCode.FOLLOWED_UP_IN_FUTURE),
    # LOST or DELETED without a reason (reasonId is optional in the schema: the org decides).
    int(ErrorCode.CLOSE_REASON_REQUIRED),
    # The org's structure: a parent or unit code that names nothing or the wrong type, a
    # code or username taken or malformed, a password the validators refuse, a type locked by
    # the units under it, an email Django does not take.
    int(ErrorCode.ORG_UNIT_PARENT_INVALID),
    int(ErrorCode.ROLE_UNITS_INVALID),
    int(ErrorCode.PASSWORD_INVALID),
    int(ErrorCode.NAME_INVALID),
    int(ErrorCode.ORG_UNIT_UNKNOWN),
    int(ErrorCode.EMAIL_INVALID),
    # A webhook URL's host and where it resolves (SSRF), and a secret's decoded length.
    int(ErrorCode.WEBHOOK_URL_INVALID),
    int(ErrorCode.WEBHOOK_URL_PRIVATE),
    int(ErrorCode.WEBHOOK_SECRET_INVALID),
    # A storeCode or entityCode naming no active store or unit (any text is schema-valid).
    int(ErrorCode.UNKNOWN_STORE),
    # What the caller's role does not allow (the role table; any request may meet it).
    int(ErrorCode.LEAD_FORBIDDEN),
}


def check_errors_are_the_envelope(ctx, response, case) -> None:
    """Every 4xx/5xx is {"errors": [{code, message}], "warnings": []} with registry codes,
    and its HTTP status is the one those codes give."""
    if response.status_code < 400:
        return
    body = response.json()
    assert set(body) == {"errors", "warnings"}, body
    assert body["errors"] and body["warnings"] == [], body
    for item in body["errors"]:
        assert set(item) == {"code", "message"}, item
        assert item["code"] in REGISTRY, item
        assert isinstance(item["message"], str) and item["message"], item
    assert response.status_code == http_status_of(body["errors"]), body


def check_bulk_refuses_invalid_items(ctx, response, case) -> None:
    """POST /v2/leads/bulk/status answers 200 with one result per item, each applied or
    refused on its own (the spec's bulk contract), so a schema-invalid item is not a 4xx of
    the whole request as negative_data_rejection expects: it is that item's refusal, with its
    codes. A schema-invalid body answered 200 must therefore refuse at least one item."""
    meta = case.meta
    if case.operation.path != BULK_PATH or meta is None or meta.generation.mode.is_positive:
        return
    # (The coverage phase also sends OPTIONS and the like here, answered with DRF's metadata.)
    if case.method != "POST" or response.status_code != 200:
        return
    results = response.json()["data"]
    refused = [r for r in results if not r["success"]]
    assert refused, f"a schema-invalid bulk request applied every item: {results}"
    for result in refused:
        assert result["errors"] and all(e["code"] in REGISTRY for e in result["errors"]), result


def check_refusal_is_a_rule(ctx, response, case) -> None:
    """A schema-valid request refused with 400/422 broke a business rule: a type or format
    error there means the schema and the API disagree."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    if response.status_code not in (400, 422):
        return
    codes = {item["code"] for item in response.json()["errors"]}
    allowed = set(RULE_CODES)
    if any(unstorable(part) for part in (case.body, case.query, case.path_parameters)):
        # JSON and the schema allow U+0000 in text; the API refuses it (no database stores
        # it) as an invalid value of its field, like the rest of crm.core.api.parsers.unstorable().
        allowed.add(int(ErrorCode.INVALID_FIELD))
    assert codes <= allowed, f"schema-valid request refused with {sorted(codes - allowed)}"


@pytest.fixture
def in_process(db):
    """The WSGI handler closes the database connection after each request; in a test that
    would throw away the test's transaction (PostgreSQL). Django's test client keeps it open
    the same way."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def fuzz_data(in_process, settings):
    """Objects the generated requests can hit, and throttling off (the fuzz sends hundreds
    of writes a minute; throttling has its own tests)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"writes": None},
    }
    cache.clear()
    UserFactory(username=FUZZER, is_superuser=True)
    sub = SubStatusFactory(status=Status.ON_HOLD, name="YetToDecide")
    reason = ReasonFactory(reason="Price too high")
    SkuFactory(code="SKU-1001")
    ExtendedFieldFactory(name="budget")
    customers = [CustomerFactory() for _ in range(3)]
    leads = [LeadFactory(customer=customers[i % 3]) for i in range(6)]
    LeadFactory(customer=customers[0], status=Status.ON_HOLD, sub_status=sub)
    yield {
        "lead_ids": [lead.pk for lead in leads],
        "customer_ids": [c.pk for c in customers],
        "reason_id": reason.pk,
    }
    cache.clear()


def _pick(value: Any, choices: list[int]) -> int | None:
    """For two generated values in three, one of ``choices`` (the same one for the same
    value, so that runs stay reproducible); None for the third."""
    digest = zlib.crc32(repr(value).encode())
    return None if digest % 3 == 0 else choices[digest % len(choices)]


def steer(case, data: dict[str, Any]) -> None:
    """Points schema-valid requests at existing rows often enough to reach past "not found"
    (a random lead id hardly ever exists). Schema-invalid requests are sent as generated."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    params = case.path_parameters or {}
    for name, choices in (("leadId", data["lead_ids"]), ("userId", data["customer_ids"])):
        if name in params:
            picked = _pick(params[name], choices)
            if picked is not None:
                params[name] = str(picked)
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("userId"), int):
        picked = _pick(body["userId"], data["customer_ids"])
        if picked is not None:
            body["userId"] = picked
    items = body if isinstance(body, list) else []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("leadId"), int):
            picked = _pick(item["leadId"], data["lead_ids"])
            if picked is not None:
                item["leadId"] = picked


class _Tracebacks(logging.Handler):
    """Log records that carry an exception: a crash the API turned into a tidy answer (a dry
    run that failed, an error logged and swallowed) is still a crash."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)


@pytest.fixture
def tracebacks():
    handler = _Tracebacks()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


@pytest.fixture
def unlimited_guesses(settings):
    # Schemathesis sends wrong credentials many times from one address, more than the limit on
    # guessing passwords allows (tests/api/test_basic_auth_cache.py tests that limit).
    settings.BASIC_AUTH_MAX_FAILURES = 10**6


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(fuzz_data, tracebacks, unlimited_guesses, case):
    steer(case, fuzz_data)
    label = case.operation.label
    SENT[label] += 1
    response = case.call()
    if response.status_code >= 500:
        SERVER_ERRORS[label] += 1
    case.validate_response(
        response,
        additional_checks=[
            check_errors_are_the_envelope,
            check_refusal_is_a_rule,
            check_bulk_refuses_invalid_items,
        ],
    )
    crashes = [r.getMessage() for r in tracebacks.records]
    tracebacks.records.clear()
    assert not crashes, crashes


def test_the_fuzzed_schema_is_the_served_one(db):
    staff = UserFactory(username=FUZZER)
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(staff)
    response = client.get("/v2/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert json.loads(response.content) == _served_schema()
