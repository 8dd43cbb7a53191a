"""Request-wide guards that run before any view."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from leads.errors import ErrorCode

FORM = "application/x-www-form-urlencoded"


class RefuseNulMiddleware:
    """A query or form parameter holding U+0000 is refused (400) before any view reads it.

    PostgreSQL stores and compares no NUL in text: such a value reaching a lookup (a search
    box, an identifier) fails in the database, a 500. Django's form fields refuse it, but not
    every parameter goes through a form. JSON bodies are checked by the API's parser.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = _parameter_with_nul(request)
        if name is not None:
            return _refuse(request, name)
        return self.get_response(request)


def _parameter_with_nul(request: HttpRequest) -> str | None:
    sources = [request.GET]
    if request.method == "POST" and request.content_type == FORM:
        sources.append(request.POST)
    for data in sources:
        for name, values in data.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", "") or "parameter"
    return None


def _refuse(request: HttpRequest, name: str) -> HttpResponse:
    if request.path.startswith("/v2/"):
        from crm.api.exceptions import coded, envelope_errors

        item = coded(ErrorCode.INVALID_FIELD, name, "text cannot contain U+0000")
        return JsonResponse(envelope_errors([item]), status=400)
    return defaults.bad_request(request, SuspiciousOperation(f"U+0000 in parameter {name}"))
