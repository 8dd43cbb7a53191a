"""One HTTP request of a delivery, signed as the Standard Webhooks spec says
(``standardwebhooks``): headers ``webhook-id`` (the event's id, the same on every retry),
``webhook-timestamp`` (this attempt's time) and ``webhook-signature`` (``v1,`` and the base64
HMAC-SHA256 of ``id.timestamp.body`` with the endpoint's secret)."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from standardwebhooks.webhooks import Webhook

from .security import check_destination

USER_AGENT = "leads-crm-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signed_headers(*, secret: str, msg_id: str, body: bytes) -> dict[str, str]:
    now = datetime.datetime.now(tz=datetime.UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, now, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def send(*, url: str, secret: str, msg_id: str, body: bytes) -> Outcome:
    """POSTs ``body``; a non-2xx answer, a timeout, a refused connection or a destination the
    SSRF rules refuse is a failed outcome (never an exception)."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        check_destination(url)
    except ValidationError as exc:
        return Outcome(None, 0, exc.messages[0])
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    try:
        with requests.post(
            url,
            data=body,
            headers=signed_headers(secret=secret, msg_id=msg_id, body=body),
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
        ) as response:
            # What the receiver answers is read up to a cap: a huge or endless body costs
            # the worker nothing more.
            read = 0
            for chunk in response.iter_content(8192):
                read += len(chunk)
                if read >= settings.WEBHOOK_RESPONSE_MAX_BYTES:
                    break
            return Outcome(response.status_code, took())
    except requests.Timeout:
        return Outcome(None, took(), f"Timed out after {timeout} s")
    except requests.ConnectionError as exc:
        return Outcome(None, took(), f"Connection failed: {_reason(exc)}"[:500])
    except requests.RequestException as exc:
        return Outcome(None, took(), f"Request failed: {_reason(exc)}"[:500])


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text.rsplit(": ", 1)[-1] if ": " in text else text
