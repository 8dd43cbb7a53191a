"""Reads of what the staff pages keep for a person."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import SavedView


def saved_view_list(*, owner: Any) -> QuerySet[SavedView]:
    return SavedView.objects.filter(owner=owner).order_by("name", "id")
