"""The one place where an error becomes the API's envelope.

Every failure of a ``/v2/`` request, whatever raised it (a service's coded ``ValidationError``,
a serializer, the parser, authentication, throttling, routing or a bug), is answered as
``{"errors": [{"code", "message"}], "warnings": []}`` with the registry's HTTP status.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.settings import api_settings

from crm.core.errors import REGISTRY, ErrorCode, ErrorItem, error_item, error_items, http_status_of

logger = logging.getLogger("crm.api")

# A client is asked for HTTP Basic (what Capillary clients send) when it sent no or wrong
# credentials; DRF would otherwise answer 403 because session auth comes first.
WWW_AUTHENTICATE = 'Basic realm="api"'


class ApiError(exceptions.APIException):
    """Already-coded envelope items, raised from the API layer."""

    def __init__(self, items: list[ErrorItem]) -> None:
        self.items = items
        self.status_code = http_status_of(items)
        super().__init__(detail=[str(item["message"]) for item in items])


def raise_coded(code: int, *args: object) -> None:
    raise ApiError([error_item(code, *args)])


def envelope_errors(items: Iterable[ErrorItem]) -> dict[str, Any]:
    return {"errors": list(items), "warnings": []}


# --- DRF's validation details -> envelope items -----------------------------------------


def _join(path: str, key: str) -> str:
    if key == api_settings.NON_FIELD_ERRORS_KEY:
        return path
    return f"{path}.{key}" if path else key


def iter_detail(detail: Any, path: str = "") -> Iterable[tuple[str, ErrorDetail | str]]:
    """(camelCase path, message) pairs of a serializer's nested error detail."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            # A ListSerializer reports its items by index.
            sub = f"{path}[{key}]" if isinstance(key, int) else _join(path, str(key))
            yield from iter_detail(value, sub)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                yield from iter_detail(value, f"{path}[{index}]")
            else:
                yield path, value
    else:
        yield path, detail


def detail_item(path: str, message: ErrorDetail | str) -> ErrorItem:
    """An item for one message: its own registry code when it has one, else INVALID_FIELD."""
    code = getattr(message, "code", None)
    if code is not None and str(code).isdigit() and int(code) in REGISTRY:
        return error_item(int(code), message=str(message))
    return error_item(ErrorCode.INVALID_FIELD, path or "request", str(message))


def detail_items(detail: Any) -> list[ErrorItem]:
    return dedupe(detail_item(path, message) for path, message in iter_detail(detail))


def dedupe(items: Iterable[ErrorItem]) -> list[ErrorItem]:
    seen: set[tuple[object, object]] = set()
    unique = []
    for item in items:
        key = (item["code"], item["message"])
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


_CAMEL = re.compile(r"_([a-z])")


def camel(path: str) -> str:
    """``follow_up_details[0].followed_up_on`` -> ``followUpDetails[0].followedUpOn``."""
    return _CAMEL.sub(lambda m: m.group(1).upper(), path)


def camel_error(error: DjangoValidationError) -> DjangoValidationError:
    """A service's ValidationError with its field names in the API's camelCase, so that an
    uncoded error reads "Invalid value for firstName", as the client spelled it."""
    if not hasattr(error, "error_dict"):
        return error
    return DjangoValidationError(
        {
            key if key == NON_FIELD_ERRORS else camel(key): value
            for key, value in error.error_dict.items()
        }
    )


# --- the handler --------------------------------------------------------------------------


def _classify(
    exc: BaseException, method: str = ""
) -> tuple[list[ErrorItem], int | None, dict[str, str]]:
    """(items, status or None for "from the items", headers) for an exception."""
    headers: dict[str, str] = {}
    if isinstance(exc, ApiError):
        return exc.items, exc.status_code, headers
    if isinstance(exc, DjangoValidationError):
        return error_items(camel_error(exc)), None, headers
    if isinstance(exc, exceptions.ValidationError):
        return detail_items(exc.detail), None, headers
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        headers["WWW-Authenticate"] = WWW_AUTHENTICATE
        return [error_item(ErrorCode.AUTHENTICATION_REQUIRED)], 401, headers
    if isinstance(exc, exceptions.PermissionDenied | DjangoPermissionDenied):
        return [error_item(ErrorCode.PERMISSION_DENIED)], 403, headers
    if isinstance(exc, exceptions.NotFound | Http404):
        return [error_item(ErrorCode.NOT_FOUND)], 404, headers
    if isinstance(exc, exceptions.MethodNotAllowed):
        return [error_item(ErrorCode.METHOD_NOT_ALLOWED, method)], 405, headers
    if isinstance(exc, RequestDataTooBig):
        return (
            [error_item(ErrorCode.BODY_TOO_LARGE, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)],
            413,
            headers,
        )
    if isinstance(exc, exceptions.ParseError):
        return [error_item(ErrorCode.MALFORMED_JSON, str(exc.detail))], 400, headers
    if isinstance(exc, exceptions.Throttled):
        # Whole seconds, rounded up: "retry in 0 seconds" would invite an immediate retry.
        wait = max(1, math.ceil(exc.wait or 0))
        headers["Retry-After"] = str(wait)
        return [error_item(ErrorCode.THROTTLED, wait)], 429, headers
    if isinstance(exc, exceptions.NotAcceptable):
        return [error_item(ErrorCode.NOT_ACCEPTABLE)], 406, headers
    if isinstance(exc, exceptions.UnsupportedMediaType):
        media_type = str(exc.detail).split('"')[1] if '"' in str(exc.detail) else ""
        return [error_item(ErrorCode.UNSUPPORTED_MEDIA_TYPE, media_type)], 415, headers
    if isinstance(exc, exceptions.APIException):
        return [error_item(ErrorCode.INVALID_BODY, str(exc.detail))], exc.status_code, headers
    return [error_item(ErrorCode.SERVER_ERROR)], 500, headers


def exception_handler(exc: BaseException, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception becomes the error envelope."""
    request = context.get("request")
    items, status, headers = _classify(exc, getattr(request, "method", ""))
    if status == 500:
        view = context.get("view")
        logger.error("Unhandled error in %s", type(view).__name__, exc_info=exc)
    # Imported here: rest_framework.views loads the DEFAULT_PARSER_CLASSES at import, and
    # crm.core.api.parsers imports this module, so a module-level import would be circular.
    from rest_framework.views import set_rollback

    set_rollback()
    if "WWW-Authenticate" in headers and _wants_html(request):
        # A browser would answer the challenge with its own password pop-up; the browsable
        # API's page shows the envelope and its "Log in" link instead.
        del headers["WWW-Authenticate"]
    return Response(
        envelope_errors(items),
        status=status or http_status_of(items),
        headers=headers,
    )


def _wants_html(request: Any) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return getattr(renderer, "format", None) == "api"


# --- Django's handlers, for what never reaches a DRF view ------------------------------


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/v2/")


@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """An unknown URL under /v2/: the envelope, whatever DEBUG says and whatever the method (a
    client calling an endpoint this app lacks must be able to parse the answer, so CSRF's HTML
    403 page must not answer first: nothing is written here)."""
    return JsonResponse(envelope_errors([error_item(ErrorCode.NOT_FOUND)]), status=404)


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(envelope_errors([error_item(ErrorCode.SERVER_ERROR)]), status=500)
    return defaults.server_error(request)
