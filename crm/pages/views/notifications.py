"""Your notifications: follow-ups that came due, webhooks switched off; newest first."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crm.core.selectors import notification_list
from crm.core.services import notifications_mark_read

from ..access import staff_required

PAGE_SIZE = 25


@staff_required
def my_notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(notification_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "account/notifications.html",
        {"page": page, "notifications": page.object_list},
    )


@require_POST
@staff_required
def my_notifications_read(request: HttpRequest) -> HttpResponse:
    marked = notifications_mark_read(user=request.user)
    messages.success(request, f"{marked} marked read." if marked else "Nothing unread.")
    return redirect("my-notifications")
