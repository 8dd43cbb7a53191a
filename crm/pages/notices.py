"""Messages the pages show after a write."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.http import HttpRequest

from crm.core.errors import ErrorItem


def warn(request: HttpRequest, warnings: Iterable[ErrorItem]) -> None:
    """A service's warnings (90101, 90102) as page messages, each with its code."""
    for warning in warnings:
        messages.warning(request, f"{warning['code']} · {warning['message']}")
