"""The API's writes, each with a valid body, for tests that send them all."""

from __future__ import annotations

import json
from typing import Any

# Every write of the API: (method, path, a valid body), paths filled from the ``world``
# fixture (conftest.py).
WRITES = [
    ("post", "/v2/leads", lambda w: new_lead(w)),
    ("put", "/v2/leads/{lead}", lambda w: {"nextFollowUp": "2030-01-01T10:00:00Z"}),
    ("patch", "/v2/leads/{lead}", lambda w: {"extendedFields": {"budget": "high"}}),
    ("put", "/v2/leads/{lead}/status", lambda w: {"status": "ON_HOLD"}),
    ("post", "/v2/leads/{lead}/followup", lambda w: {"followedUpOn": "2026-01-01T10:00:00Z"}),
    ("post", "/v2/leads/reasons", lambda w: [{"reason": "Bought elsewhere"}]),
    ("post", "/v2/leads/substatus", lambda w: {"status": "ON_HOLD", "subStatus": "Thinking"}),
    (
        "post",
        "/v2/leads/bulk/status",
        lambda w: [{"leadId": w["lead"].pk, "status": "LOST", "reasonId": w["reason"].pk}],
    ),
    ("post", "/v2/customers", lambda w: {"email": "new@example.com"}),
]
WRITE_IDS = [f"{method.upper()} {path}" for method, path, _ in WRITES]


def new_lead(world: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"userId": world["customer"].pk, "type": "CUSTOM", "leadFor": "Sofa", **fields}


def by_identifier(id_type: str, identifier: Any) -> dict[str, Any]:
    return {"idType": id_type, "identifier": identifier, "type": "CUSTOM", "leadFor": "Sofa"}


def send(api, method: str, path: str, world: dict[str, Any], body: Any, **extra: Any):
    """``body`` as JSON text (a str is sent as is), to the path with the lead's id."""
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    url = path.format(lead=world["lead"].pk)
    return getattr(api, method)(url, data, content_type="application/json", **extra)
