"""Request-wide guards that run before any view."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from crm.core.api.exceptions import envelope_errors
from crm.core.errors import ErrorCode, error_item, http_status_for, message_for

FORM = "application/x-www-form-urlencoded"


class RequestGuardMiddleware:
    """Refuses, before any view reads them, requests Django would misread or the database
    could not store:

    - a body sent without Content-Length (``Transfer-Encoding: chunked``): Django reads
      exactly Content-Length bytes, so the body would be read as empty and a write refused
      for missing fields the client did send. 411 says what is wrong, and an oversized
      chunked body is never read;
    - a query or form parameter holding U+0000 (400): PostgreSQL stores and compares no NUL
      in text, so such a value reaching a lookup (a search box, an identifier) failed in the
      database, a 500. Django's form fields refuse it, but not every parameter goes through a
      form. JSON bodies are checked by the API's parser.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_chunked(request):
            return _refuse(request, ErrorCode.LENGTH_REQUIRED)
        name = _parameter_with_nul(request)
        if name is not None:
            return _refuse(request, ErrorCode.INVALID_FIELD, name, "text cannot contain U+0000")
        return self.get_response(request)


def _is_chunked(request: HttpRequest) -> bool:
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "")
    return "chunked" in encoding.lower() and not request.META.get("CONTENT_LENGTH")


def _parameter_with_nul(request: HttpRequest) -> str | None:
    sources = [request.GET]
    if request.method == "POST" and request.content_type == FORM:
        sources.append(request.POST)
    for data in sources:
        for name, values in data.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", "") or "parameter"
    return None


def _refuse(request: HttpRequest, code: int, *args: object) -> HttpResponse:
    status = http_status_for(code)
    if request.path.startswith("/v2/"):
        return JsonResponse(envelope_errors([error_item(code, *args)]), status=status)
    if status == 400:
        return defaults.bad_request(request, SuspiciousOperation(message_for(code, *args)))
    return HttpResponse(message_for(code, *args), status=status, content_type="text/plain")
