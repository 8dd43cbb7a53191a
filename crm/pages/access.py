"""Who may open the staff pages: active staff users; the org settings only for managers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]

# What configuring the org takes; superusers have every permission.
MANAGER_PERMISSIONS = (
    "leads.add_reason",
    "leads.add_substatus",
    "leads.change_orgsettings",
    "leads.add_extendedfielddefinition",
)


def is_manager(user: Any) -> bool:
    """Managers configure the org: reasons, sub-statuses, auto-registration, extended fields."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active_staff
        and user.has_perms(MANAGER_PERMISSIONS)
    )


def staff_required(view: View) -> View:
    """Anonymous visitors go to the login page; a signed-in user who is not active staff is
    refused (403) rather than sent round the login page again."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_active_staff:
            raise PermissionDenied("Staff access is required to use the CRM.")
        # The user is read by now: the view and its template (a page's frame asks the user a
        # few dozen things) use it directly, not each time through the lazy object's proxy.
        request.user = getattr(user, "_wrapped", user)
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view: View) -> View:
    @wraps(view)
    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_manager(request.user):
            raise PermissionDenied(
                "Only managers can change the org settings. Ask a manager if a reason, "
                "sub-status or extended field is missing."
            )
        return view(request, *args, **kwargs)

    return wrapper
