"""``Idempotency-Key``: a retried write returns the first response and writes nothing new.

Keys are rows of ``crm.IdempotencyKey``, unique per (user, key), so they hold across server
processes. The key's row is inserted first, inside the write's transaction: a second request
with the same key waits on the unique index until the first commits, then finds its row and
replays it. If the first fails, its row is rolled back with everything else and the retry
runs afresh.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from crm.core.errors import ErrorCode
from crm.core.models import IdempotencyKey

from .exceptions import raise_coded

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = IdempotencyKey._meta.get_field("key").max_length
# Response headers a replay repeats.
KEPT_HEADERS = ("Location",)


def fingerprint(request: Request) -> str:
    """What makes two requests "the same": method, path and the parsed JSON body."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(request: Request, respond: Callable[[], Response]) -> Response:
    """``respond()`` once per Idempotency-Key; the first response for every retry."""
    key = request.headers.get(HEADER)
    if key is None:
        return respond()
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise_coded(
            ErrorCode.INVALID_FIELD, HEADER, f"1 to {MAX_KEY_LENGTH} characters, not all blank"
        )
    if "\x00" in key:
        # PostgreSQL stores no NUL in text.
        raise_coded(ErrorCode.INVALID_FIELD, HEADER, "text cannot contain NUL (U+0000)")
    digest = fingerprint(request)
    now = timezone.now()
    with transaction.atomic():
        # The user's expired keys go (this one included, so that it can be used afresh): one
        # indexed delete keeps the table to the keys still in force.
        IdempotencyKey.objects.filter(user=request.user, expires_on__lte=now).delete()
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method,
                    path=request.path[:255],
                    request_hash=digest,
                    expires_on=now + datetime.timedelta(hours=settings.LEADS_IDEMPOTENCY_TTL_HOURS),
                )
        except IntegrityError:
            record = IdempotencyKey.objects.get(user=request.user, key=key)
            return _replay(record, key, digest)
        response = respond()
        record.response_status = response.status_code
        record.response_body = response.data
        record.response_headers = {
            name: response.headers[name] for name in KEPT_HEADERS if name in response.headers
        }
        record.save(update_fields=["response_status", "response_body", "response_headers"])
    return response


def _replay(record: IdempotencyKey, key: str, digest: str) -> Response:
    if record.request_hash != digest or record.response_status is None:
        raise_coded(ErrorCode.IDEMPOTENCY_KEY_REUSED, key)
    headers: dict[str, Any] = {**(record.response_headers or {}), REPLAYED_HEADER: "true"}
    return Response(record.response_body, status=record.response_status, headers=headers)
