"""Writes of the webhooks: endpoints, the dispatch of lead events to them, and deliveries.

A lead event is written to the outbox in the transaction of its change (``leads.events``).
After the commit, ``dispatch_pending`` (a task) makes one ``WebhookDelivery`` per event and
endpoint that wants it, and ``deliver`` (a task per delivery) sends it. A failed attempt is
tried again after ``WEBHOOK_RETRY_SECONDS`` (a task deferred with ``run_after``); after the last,
the delivery is FAILED. An endpoint's events of one lead go out in order: a delivery waits while
an earlier one of the same endpoint and lead is unfinished, and each finished delivery starts
the next.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from crm.core.errors import ErrorCode, ErrorCollector, coded_error
from crm.core.models import User
from crm.core.parsing import MISSING, MissingType, parse_id, typed
from crm.core.services import notify
from leads.api.rows import lead_rows, lead_values
from leads.models import Lead, OutboxEvent

from .delivery import Outcome, send
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .security import check_destination

State = WebhookDelivery.State
EVENT_TYPES = frozenset(OutboxEvent.Type.values)
DISPATCH_BATCH = 500

# How a delivery task is started: set by webhooks.tasks (a task cannot be imported here
# without a cycle: the tasks call these services).
Enqueue = Callable[[int, int, datetime.datetime | None], None]
_enqueue_delivery: list[Enqueue] = []


def on_delivery(enqueue: Enqueue) -> None:
    _enqueue_delivery[:] = [enqueue]


def _start(delivery_id: int, attempts: int, run_after: datetime.datetime | None = None) -> None:
    for enqueue in _enqueue_delivery:
        enqueue(delivery_id, attempts, run_after)


# --- endpoints --------------------------------------------------------------------------------


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def check_secret(secret: object, errors: ErrorCollector) -> None:
    if not isinstance(secret, str) or not secret.startswith("whsec_"):
        errors.add("secret", ErrorCode.WEBHOOK_SECRET_INVALID)
        return
    try:
        raw = base64.b64decode(secret[len("whsec_") :], validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not 24 <= len(raw) <= 64:
        errors.add("secret", ErrorCode.WEBHOOK_SECRET_INVALID)


def check_events(events: object, errors: ErrorCollector) -> None:
    if not isinstance(events, list) or not events:
        errors.add("events", ErrorCode.WEBHOOK_EVENT_INVALID, json.dumps(events))
        return
    for event in events:
        if not isinstance(event, str) or (event != "*" and event not in EVENT_TYPES):
            errors.add("events", ErrorCode.WEBHOOK_EVENT_INVALID, json.dumps(event))


def check_url(url: object, errors: ErrorCollector) -> None:
    if not isinstance(url, str) or not url.strip():
        errors.add("url", ErrorCode.WEBHOOK_URL_INVALID, json.dumps(url))
        return
    try:
        check_destination(url.strip())
    except ValidationError as exc:
        errors.extend(ValidationError({"url": exc.error_list}))


# What an edge hands the services, with the check of each: a value of another kind is refused
# at the edge by the same check, so that it reports the same code and text.
CHECKS: dict[str, tuple[Callable[[object], bool], Callable[[object, ErrorCollector], None]]] = {
    "url": (lambda url: isinstance(url, str), check_url),
    "events": (
        lambda events: isinstance(events, list) and all(isinstance(e, str) for e in events),
        check_events,
    ),
    "secret": (lambda secret: secret is None or isinstance(secret, str), check_secret),
}


def _check(*, url: Any = MISSING, events: Any = MISSING, secret: Any = MISSING) -> ErrorCollector:
    """Every problem of what is given, together; MISSING (or a None secret) is not checked."""
    errors = ErrorCollector()
    if url is not MISSING:
        check_url(url, errors)
    if events is not MISSING:
        check_events(events, errors)
    if secret is not MISSING and secret is not None:
        check_secret(secret, errors)
    return errors


def _save(endpoint: WebhookEndpoint, errors: ErrorCollector, check_only: bool) -> Any:
    errors.raise_if_any()
    endpoint.full_clean()
    if check_only:
        return None
    endpoint.save()
    return endpoint


@typed
@transaction.atomic
def endpoint_create(
    *,
    created_by: User | None,
    url: str | None = None,
    events: list[str] | None = None,
    secret: str | None = None,
    is_active: bool = True,
    check_only: bool = False,
) -> WebhookEndpoint | None:
    """A webhook at ``url`` (None is refused) hearing ``events`` (None: all of them); without
    a secret, one is made (``whsec_`` and 32 random bytes). ``check_only``: judged, not saved."""
    events = ["*"] if events is None else events
    errors = _check(url=url, events=events, secret=secret)
    endpoint = WebhookEndpoint(
        url=url.strip() if url else "",
        events=events,
        secret=secret or new_secret(),
        is_active=is_active,
        created_by=created_by,
    )
    return _save(endpoint, errors, check_only)


def endpoint_get(*, endpoint_id: Any, lock: bool = False) -> WebhookEndpoint:
    pk = parse_id(endpoint_id)
    rows = WebhookEndpoint.objects.all()
    if lock:
        rows = rows.select_for_update()
    endpoint = rows.filter(pk=pk).first() if pk is not None else None
    if endpoint is None:
        raise ValidationError({"webhook": [coded_error(ErrorCode.WEBHOOK_NOT_FOUND, endpoint_id)]})
    return endpoint


@typed
@transaction.atomic
def endpoint_update(
    *,
    endpoint_id: int | str,
    url: str | None | MissingType = MISSING,
    events: list[str] | None | MissingType = MISSING,
    secret: str | None | MissingType = MISSING,
    is_active: bool | MissingType = MISSING,
    check_only: bool = False,
) -> WebhookEndpoint | None:
    """Changes what is given; a secret is replaced only when one is sent. Switching an
    endpoint on again clears why the app had switched it off. ``endpoint_id``: as a path
    names it (an unknown or malformed one is 90050). A None url or events is refused."""
    endpoint = endpoint_get(endpoint_id=endpoint_id, lock=True)
    errors = _check(url=url, events=events, secret=secret)
    if url is not MISSING:
        endpoint.url = (url or "").strip()
    if events is not MISSING:
        endpoint.events = events or []
    if secret is not MISSING and secret is not None:
        endpoint.secret = secret
    if is_active is not MISSING:
        if is_active and not endpoint.is_active:
            endpoint.failing_since = None
            endpoint.disabled_reason = ""
        endpoint.is_active = is_active
    return _save(endpoint, errors, check_only)


@typed
@transaction.atomic
def endpoint_delete(*, endpoint_id: int | str) -> None:
    endpoint_get(endpoint_id=endpoint_id, lock=True).delete()


# --- dispatch: outbox events -> deliveries ----------------------------------------------------


def dispatch_pending() -> int:
    """Makes the deliveries of every event not yet dispatched, oldest first, and starts the
    first delivery of each endpoint and lead; returns how many deliveries it made. Deliveries
    whose worker died while sending are taken back first (``recover_stuck``)."""
    recover_stuck()
    made = 0
    while True:
        with transaction.atomic():
            rows = OutboxEvent.objects.filter(dispatched_on__isnull=True).order_by("id")
            if connection.features.has_select_for_update_skip_locked:
                # Two dispatchers at once take different events.
                rows = rows.select_for_update(skip_locked=True)
            batch = list(rows[:DISPATCH_BATCH])
            if not batch:
                return made
            endpoints = list(WebhookEndpoint.objects.filter(is_active=True))
            deliveries = WebhookDelivery.objects.bulk_create(
                [
                    WebhookDelivery(endpoint=endpoint, event=event, lead_id=event.lead_id)
                    for event in batch
                    for endpoint in endpoints
                    if endpoint.wants(event.type)
                ]
            )
            OutboxEvent.objects.filter(pk__in=[event.pk for event in batch]).update(
                dispatched_on=timezone.now()
            )
            heads: dict[tuple[int, int], int] = {}
            for delivery in deliveries:
                heads.setdefault((delivery.endpoint_id, delivery.lead_id), delivery.pk)
            for delivery_id in heads.values():
                # A head that waits for an earlier unfinished delivery is started by it.
                transaction.on_commit(lambda pk=delivery_id: _start(pk, 0))
            made += len(deliveries)
        if len(batch) < DISPATCH_BATCH:
            return made


# --- delivering -------------------------------------------------------------------------------


def retry_schedule() -> list[int]:
    return list(settings.WEBHOOK_RETRY_SECONDS)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def payload(event: OutboxEvent) -> bytes:
    """``{"type", "timestamp", "data"}``: ``data`` holds the lead as the API shows it (as it is
    when delivered) and the event's own details (as they were when it happened)."""
    rows = lead_rows(lead_values(Lead.objects.filter(pk=event.lead_id)))
    data = {
        "eventId": event.event_id,
        "lead": rows[0] if rows else None,
        "details": {_camel(key): value for key, value in event.details.items()},
        "actor": event.actor.username if event.actor else None,
    }
    body = {
        "type": event.type,
        "timestamp": event.occurred_on.astimezone(datetime.UTC).isoformat(),
        "data": data,
    }
    return json.dumps(body, separators=(",", ":"), default=str).encode()


def _earlier_unfinished(delivery: WebhookDelivery) -> bool:
    return WebhookDelivery.objects.filter(
        endpoint_id=delivery.endpoint_id,
        lead_id=delivery.lead_id,
        event_id__lt=delivery.event_id,
        state__in=[State.PENDING, State.SENDING],
    ).exists()


def _start_next(delivery: WebhookDelivery) -> None:
    """After a delivery finished: the next one of its endpoint and lead, on commit."""
    following = (
        WebhookDelivery.objects.filter(
            endpoint_id=delivery.endpoint_id,
            lead_id=delivery.lead_id,
            event_id__gt=delivery.event_id,
            state=State.PENDING,
        )
        .order_by("event_id")
        .values_list("pk", "attempts")
        .first()
    )
    if following:
        transaction.on_commit(lambda: _start(*following))


def deliver(*, delivery_id: int, attempts: int = 0) -> WebhookDelivery | None:
    """One attempt of a delivery. ``attempts`` is how many the caller saw made: a task whose
    delivery has moved on since (retried by hand, finished) does nothing."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint", "event__actor")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.state != State.PENDING or delivery.attempts != attempts:
            return delivery
        if _earlier_unfinished(delivery):
            return delivery
        if not delivery.endpoint.is_active:
            _record(delivery, Outcome(None, 0, "The webhook is switched off"), final=True)
            return delivery
        delivery.state = State.SENDING
        delivery.attempts += 1
        delivery.sending_since = timezone.now()
        delivery.save(update_fields=["state", "attempts", "sending_since"])
    endpoint = delivery.endpoint
    outcome = send(
        url=endpoint.url,
        secret=endpoint.secret,
        msg_id=delivery.event.event_id,
        body=payload(delivery.event),
    )
    with transaction.atomic():
        still_mine = WebhookDelivery.objects.select_for_update().filter(
            pk=delivery.pk, state=State.SENDING, sending_since=delivery.sending_since
        )
        if still_mine.exists():
            _record(delivery, outcome, final=delivery.attempts > len(retry_schedule()))
        else:
            # Taken back meanwhile as stuck (recover_stuck): its state is the recovery's.
            _log_attempt(delivery, outcome, timezone.now())
    return delivery


def recover_stuck() -> int:
    """Deliveries left SENDING for WEBHOOK_STUCK_SECONDS by a worker that died: each gets a
    failed attempt in its log (not held against the endpoint) and its retry on schedule, or
    is failed after the last; the later events of its lead go on after it. How many."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.WEBHOOK_STUCK_SECONDS)
    stuck = WebhookDelivery.objects.filter(state=State.SENDING, sending_since__lt=cutoff)
    recovered = 0
    for pk in list(stuck.values_list("pk", flat=True)[:DISPATCH_BATCH]):
        with transaction.atomic():
            delivery = stuck.select_for_update().filter(pk=pk).first()
            if delivery is not None:
                outcome = Outcome(None, 0, "The worker stopped while sending")
                final = delivery.attempts > len(retry_schedule())
                _record(delivery, outcome, final=final, endpoint_failed=False)
                recovered += 1
    return recovered


def _log_attempt(delivery: WebhookDelivery, outcome: Outcome, now: datetime.datetime) -> None:
    if outcome.status_code is not None or outcome.error:
        WebhookAttempt.objects.create(
            delivery=delivery,
            attempted_on=now,
            status_code=outcome.status_code,
            duration_ms=outcome.duration_ms,
            error=outcome.error[:500],
        )


def _record(
    delivery: WebhookDelivery, outcome: Outcome, *, final: bool, endpoint_failed: bool = True
) -> None:
    now = timezone.now()
    _log_attempt(delivery, outcome, now)
    delivery.sending_since = None
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    if outcome.ok:
        delivery.state, delivery.finished_on, delivery.next_attempt_on = State.SUCCEEDED, now, None
        if endpoint.failing_since is not None:
            endpoint.failing_since = None
            endpoint.save(update_fields=["failing_since"])
    else:
        if endpoint.is_active and endpoint_failed:
            _note_failure(endpoint, now)
        if final or not endpoint.is_active:
            delivery.state, delivery.finished_on, delivery.next_attempt_on = State.FAILED, now, None
        else:
            wait = retry_schedule()[delivery.attempts - 1]
            delivery.state = State.PENDING
            delivery.next_attempt_on = now + datetime.timedelta(seconds=wait)
            pk, attempts, run_after = delivery.pk, delivery.attempts, delivery.next_attempt_on
            transaction.on_commit(lambda: _start(pk, attempts, run_after))
    delivery.save(update_fields=["state", "finished_on", "next_attempt_on", "sending_since"])
    if delivery.state in (State.SUCCEEDED, State.FAILED):
        _start_next(delivery)


def _note_failure(endpoint: WebhookEndpoint, now: datetime.datetime) -> None:
    """An endpoint failing for ``WEBHOOK_DISABLE_AFTER_SECONDS`` (a day) is switched off and
    the webhook admins are told, in the app and by email."""
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        endpoint.save(update_fields=["failing_since"])
        return
    if now - endpoint.failing_since < datetime.timedelta(
        seconds=settings.WEBHOOK_DISABLE_AFTER_SECONDS
    ):
        return
    endpoint.is_active = False
    endpoint.disabled_reason = (
        f"Every delivery failed since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC"
    )
    endpoint.save(update_fields=["is_active", "disabled_reason"])
    admins = list(webhook_admins())
    title = f"Webhook switched off: {endpoint.url}"
    body = f"{endpoint.disabled_reason}. Switch it on again on the settings page when it is fixed."
    notify(recipients=admins, kind="webhook_disabled", title=title, body=body, link="/settings/")
    emails = [user.email for user in admins if user.email]
    if emails:
        transaction.on_commit(lambda: send_mail(title, body, None, emails, fail_silently=True))


def webhook_admins() -> Iterable[Any]:
    """Active staff who manage webhooks: superusers and holders of the permission."""
    permission = Q(
        user_permissions__codename="manage_webhooks",
        user_permissions__content_type__app_label="webhooks",
    ) | Q(
        groups__permissions__codename="manage_webhooks",
        groups__permissions__content_type__app_label="webhooks",
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | permission)
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def delivery_retry(*, endpoint_id: Any, delivery_id: Any) -> WebhookDelivery:
    """A new round of attempts for a delivery (a failed one, or one waiting for its retry),
    started now; the attempts made so far stay in its log."""
    endpoint = endpoint_get(endpoint_id=endpoint_id)
    pk = parse_id(delivery_id)
    delivery = (
        WebhookDelivery.objects.select_for_update().filter(pk=pk, endpoint=endpoint).first()
        if pk is not None
        else None
    )
    if delivery is None:
        raise ValidationError(
            {
                "delivery": [
                    coded_error(ErrorCode.WEBHOOK_DELIVERY_NOT_FOUND, delivery_id, endpoint_id)
                ]
            }
        )
    if delivery.state != State.SENDING:
        delivery.state, delivery.attempts = State.PENDING, 0
        delivery.next_attempt_on = delivery.finished_on = None
        delivery.save(update_fields=["state", "attempts", "next_attempt_on", "finished_on"])
        transaction.on_commit(lambda: _start(delivery.pk, 0))
    return delivery
