"""The app's own 404 page for the staff pages, also while DEBUG is on.

Without DEBUG, Django answers a missing page with ``handler404`` (the app's page). With DEBUG
on, as ``make run`` serves, it answers its technical page instead: a person opening a lead
that does not exist would read a stack of URL patterns. Here every 404 of a page (not of the
API, the admin or a static file, which answer their own way) is the app's page.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views import defaults

# Paths that answer their 404s themselves: the API's envelope, the admin, static files.
OWN_404 = ("/v2/", "/admin/", "/" + settings.STATIC_URL.lstrip("/"))


class PageNotFoundMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not request.path.startswith(OWN_404)
            and "text/html" in response.get("Content-Type", "")
            and not getattr(response, "is_app_page", False)
        ):
            return self._page(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if (
            settings.DEBUG
            and isinstance(exception, Http404)
            and not request.path.startswith(OWN_404)
        ):
            return self._page(request, exception)
        return None

    @staticmethod
    def _page(request: HttpRequest, exception: Exception) -> HttpResponse:
        response = defaults.page_not_found(request, exception)
        response.is_app_page = True
        return response


class TimeZoneMiddleware:
    """Pages show times in the signed-in user's zone (theirs, else the org's); the API answers
    in UTC, as it always has."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/v2/"):
            timezone.activate(zoneinfo.ZoneInfo(user.zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
