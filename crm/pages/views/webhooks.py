"""The settings page's webhooks, for webhook admins: add one (its secret shown once), switch it
on or off, remove it, and send a failed delivery again."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from crm.webhooks import services
from leads.errors import error_items

from ..access import manager_required
from ..webhook_forms import WebhookForm
from .org_settings import render_settings

ANCHOR = "webhooks"


def can_manage_webhooks(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("webhooks.manage_webhooks"))


def webhook_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @manager_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_webhooks(request.user):
            raise PermissionDenied("Only admins manage webhooks.")
        return view(request, *args, **kwargs)

    return wrapper


def _back() -> HttpResponse:
    return redirect(f"{reverse('org-settings')}#{ANCHOR}")


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for item in error_items(exc):
        messages.error(request, f"{item['code']} · {item['message']}")


@require_POST
@webhook_admin_required
def webhook_add(request: HttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            endpoint = form.save(created_by=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                f"Webhook {endpoint.url} added. Its secret, shown only now: {endpoint.secret}",
            )
            return _back()
    return render_settings(request, status=400, webhook_form=form)


@require_POST
@webhook_admin_required
def webhook_toggle(request: HttpRequest, webhook_id: int) -> HttpResponse:
    try:
        endpoint = services.endpoint_update(
            endpoint_id=webhook_id, is_active=request.POST.get("is_active") == "true"
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        state = "on" if endpoint.is_active else "off"
        messages.success(request, f"Webhook {endpoint.url} is now {state}.")
    return _back()


@require_POST
@webhook_admin_required
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    try:
        services.endpoint_delete(endpoint_id=webhook_id)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Webhook removed.")
    return _back()


@require_POST
@webhook_admin_required
def webhook_retry(request: HttpRequest, webhook_id: int, delivery_id: int) -> HttpResponse:
    try:
        services.delivery_retry(endpoint_id=webhook_id, delivery_id=delivery_id)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"Delivery {delivery_id} is being sent again.")
    return _back()
