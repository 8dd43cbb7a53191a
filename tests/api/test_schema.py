"""The OpenAPI schema: valid, complete, and true to what the API answers."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from jsonschema import Draft202012Validator

from tests.factories import FollowUpFactory, LeadFactory, ReasonFactory, SubStatusFactory

ENDPOINTS = {
    "/v2/leads": {"get", "post"},
    "/v2/leads/{leadId}": {"get", "put", "patch"},
    "/v2/leads/{leadId}/status": {"put"},
    "/v2/leads/{leadId}/statusLog": {"get"},
    "/v2/leads/{leadId}/followups": {"get"},
    "/v2/leads/{leadId}/followup": {"post"},
    "/v2/leads/reasons": {"get", "post"},
    "/v2/leads/substatus": {"post"},
    "/v2/leads/substatuses": {"get"},
    "/v2/leads/bulk/status": {"post"},
    "/v2/customers": {"get", "post"},
    "/v2/customers/{userId}": {"get"},
}


@pytest.fixture(scope="module")
def schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(document)
    return document


def _json_schema(node):
    """OpenAPI 3.0's ``nullable`` as JSON Schema, recursively."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def assert_conforms(schema, path, method, response):
    operation = schema["paths"][path][method]
    documented = operation["responses"][str(response.status_code)]
    body_schema = documented["content"]["application/json"]["schema"]
    root = {**_json_schema({"components": schema["components"]}), **_json_schema(body_schema)}
    errors = sorted(Draft202012Validator(root).iter_errors(response.json()), key=str)
    assert not errors, (path, method, [f"{list(e.absolute_path)}: {e.message}" for e in errors][:5])


def test_every_endpoint_of_the_contract_is_documented(schema):
    documented = {
        path: {m for m in ops if m in {"get", "post", "put", "patch", "delete"}}
        for path, ops in schema["paths"].items()
        if path in ENDPOINTS
    }

    assert documented == ENDPOINTS


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
def test_every_operation_documents_the_error_envelope(schema, path):
    for operation in schema["paths"][path].values():
        responses = operation["responses"]
        for status in ("401", "403", "406", "500"):
            content = responses[status]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ErrorEnvelope"}


def test_request_bodies_and_errors_carry_examples(schema):
    create = schema["paths"]["/v2/leads"]["post"]

    assert create["requestBody"]["content"]["application/json"]["examples"]
    assert create["responses"]["400"]["content"]["application/json"]["examples"]


def test_answers_conform_to_the_schema(schema, api, customer, staff, manager_api):
    SubStatusFactory(status="ON_HOLD", name="YetToDecide")
    reason = ReasonFactory()
    lead = LeadFactory(customer=customer, owner=staff, extended_fields={})
    FollowUpFactory(lead=lead)
    checks = [
        ("/v2/leads", "get", api.get("/v2/leads")),
        ("/v2/leads", "get", api.get("/v2/leads?status=NOPE")),
        (
            "/v2/leads",
            "post",
            api.post(
                "/v2/leads",
                {"userId": customer.pk, "type": "CUSTOM", "leadFor": lead.lead_for},
                format="json",
            ),
        ),
        ("/v2/leads", "post", api.post("/v2/leads", {"type": "X"}, format="json")),
        ("/v2/leads/{leadId}", "get", api.get(f"/v2/leads/{lead.pk}")),
        ("/v2/leads/{leadId}", "get", api.get("/v2/leads/0")),
        (
            "/v2/leads/{leadId}",
            "patch",
            api.patch(f"/v2/leads/{lead.pk}", {"owner": None}, format="json"),
        ),
        (
            "/v2/leads/{leadId}/status",
            "put",
            api.put(
                f"/v2/leads/{lead.pk}/status",
                {"status": "ON_HOLD", "subStatus": "YetToDecide", "reasonId": reason.pk},
                format="json",
            ),
        ),
        ("/v2/leads/{leadId}/statusLog", "get", api.get(f"/v2/leads/{lead.pk}/statusLog")),
        ("/v2/leads/{leadId}/followups", "get", api.get(f"/v2/leads/{lead.pk}/followups")),
        (
            "/v2/leads/{leadId}/followup",
            "post",
            api.post(
                f"/v2/leads/{lead.pk}/followup",
                {"followedUpOn": "2026-11-27T10:00:00Z"},
                format="json",
            ),
        ),
        ("/v2/leads/reasons", "get", api.get("/v2/leads/reasons")),
        (
            "/v2/leads/reasons",
            "post",
            manager_api.post("/v2/leads/reasons", [{"reason": "Price"}], format="json"),
        ),
        (
            "/v2/leads/substatus",
            "post",
            manager_api.post(
                "/v2/leads/substatus", {"status": "LOST", "subStatus": "Price"}, format="json"
            ),
        ),
        ("/v2/leads/substatuses", "get", api.get("/v2/leads/substatuses")),
        (
            "/v2/leads/bulk/status",
            "post",
            api.post(
                "/v2/leads/bulk/status",
                [{"leadId": lead.pk, "status": "WON"}, {"leadId": "x", "status": "WON"}, 5],
                format="json",
            ),
        ),
        (
            "/v2/customers",
            "get",
            api.get("/v2/customers", {"idType": "MOBILE", "identifier": customer.mobile}),
        ),
        (
            "/v2/customers",
            "post",
            api.post("/v2/customers", {"email": "new@example.com"}, format="json"),
        ),
        ("/v2/customers/{userId}", "get", api.get(f"/v2/customers/{customer.pk}")),
        ("/v2/customers/{userId}", "get", api.get("/v2/customers/0")),
    ]

    for path, method, response in checks:
        assert response.status_code in (200, 400, 404), response.json()
        assert_conforms(schema, path, method, response), (path, method, response.status_code)


def test_the_schema_is_served_at_v2_schema(api):
    response = api.get("/v2/schema/?format=json")

    assert response.status_code == 200
    assert response.json()["info"]["title"]


def test_the_docs_page_uses_only_local_assets(client):
    response = client.get("/v2/docs/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in content
    assert "https://" not in content.split("<body>")[1].split("const swaggerSettings")[0]
