"""Every URL pattern of the project, as a concrete path with its parameters filled in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from crm.core.models import Notification
from crm.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from leads.models import FollowUpReminder, OutboxEvent

_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")
# admin:<app>_<model>_<view>
_ADMIN_MODEL_VIEW = re.compile(r"^admin:(\w+?)_(\w+)_(change|delete|history)$")


@dataclass(frozen=True)
class Url:
    name: str  # namespaced name, or the route when the pattern has none
    route: str
    path: str
    callback: Callable[..., Any]

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/v2/")

    @property
    def is_admin(self) -> bool:
        return self.path.startswith("/admin/")

    def __str__(self) -> str:
        return f"{self.name} ({self.path})"


def _fill(pattern: Any, values: Callable[[str], str]) -> str:
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        return _ROUTE_PARAM.sub(lambda m: values(m.group(1)), text)
    assert isinstance(pattern, RegexPattern), pattern
    text = _REGEX_GROUP.sub(lambda m: values(m.group(1)), text)
    text = text.removeprefix("^").removesuffix("$").replace("/?", "/")
    # The catch-alls (.*): a path nothing else takes.
    return text.replace(".*", "nothing-here/")


def _walk(patterns: list[Any], prefix: tuple[Any, ...], namespace: str) -> Iterator[tuple]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            space = namespace
            if pattern.namespace:
                space = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, (*prefix, pattern.pattern), space)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield (*prefix, pattern.pattern), name, pattern.callback


def all_urls(ids: dict[str, Any]) -> list[Url]:
    """Every URL pattern as a path; ``ids`` gives the value of each parameter name
    (``lead_id``, ``userId`` ...). Admin object ids are taken from the model the URL is for.
    Each path is resolved again, so that a path that reaches another view fails here."""
    urls = []
    for patterns, name, callback in _walk(get_resolver().url_patterns, (), ""):
        model_pk = _admin_object(name)

        def values(param: str, model_pk: str | None = model_pk) -> str:
            if param == "object_id" and model_pk is not None:
                return model_pk
            return str(ids[param])

        path = "/" + "".join(_fill(p, values) for p in patterns)
        route = "".join(str(p) for p in patterns)
        match = resolve(path)
        assert match.func == callback, f"{route} filled as {path} reaches {match.func}"
        urls.append(Url(name=name or route, route=route, path=path, callback=callback))
    return urls


def _admin_object(name: str | None) -> str | None:
    """The pk of a row of the model an admin change/delete/history URL is for."""
    found = _ADMIN_MODEL_VIEW.match(name or "")
    if not found:
        return None
    app_label, model_name, _ = found.groups()
    # An app label may hold underscores itself (django_tasks_database_dbtaskresult).
    parts = f"{app_label}_{model_name}".split("_")
    for cut in range(1, len(parts)):
        try:
            model = apps.get_model("_".join(parts[:cut]), "_".join(parts[cut:]))
        except LookupError:  # auth_user_password_change and the like
            continue
        break
    else:
        return None
    # The instance's pk, which a proxy may define (DRF's TokenProxy: the user's id).
    row = model._base_manager.order_by("pk").first()
    return str(row.pk if row is not None else 1)


def webhook_ids(lead: Any, *, url: str) -> dict[str, int]:
    """A webhook with a failed delivery of one of ``lead``'s events, for the webhook URLs;
    and a row of the database queue, a notification and a reminder, for their admin pages."""
    Notification.objects.create(recipient=lead.owner or lead.created_by, kind="x", title="Hi")
    FollowUpReminder.objects.create(
        lead=lead, due=timezone.now(), recipient=lead.owner or lead.created_by
    )
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="crm.webhooks.tasks.dispatch_events",
        backend_name="default",
        run_after=timezone.now(),
    )
    endpoint = WebhookEndpoint.objects.create(url=url, events=["*"], secret="whsec_x")
    event = OutboxEvent.objects.create(type=OutboxEvent.Type.CREATED, lead=lead)
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, lead=lead, state=WebhookDelivery.State.FAILED
    )
    WebhookAttempt.objects.create(delivery=delivery, status_code=500)
    return {
        "webhookId": endpoint.pk,
        "webhook_id": endpoint.pk,
        "deliveryId": delivery.pk,
        "delivery_id": delivery.pk,
    }
