from typing import Any

from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle


class WritesThrottle(UserRateThrottle):
    """Writes (POST, PUT, PATCH, DELETE) per user at REST_FRAMEWORK's "writes" rate.

    Reads are never throttled. The counters live in Django's cache (per process with the
    default local-memory cache; a shared cache makes the limit hold across workers).
    """

    scope = "writes"

    def get_rate(self) -> str | None:
        # Read at request time rather than from the class attribute DRF fills at import, so
        # that a changed setting (and a test's override) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
