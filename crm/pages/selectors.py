"""Reads of what the staff pages keep for a person."""

from __future__ import annotations

from typing import Any, NamedTuple

from crm.core.db import ID_MARK, PreparedQuery

from .models import SavedView


class SavedViewRow(NamedTuple):
    pk: int
    name: str
    query: str


# The lead list shows them on every visit: the SQL is compiled once.
_SAVED_VIEWS = PreparedQuery(
    lambda owner_id: (
        SavedView.objects.filter(owner_id=owner_id)
        .order_by("name", "id")
        .values_list("pk", "name", "query")
    ),
    ID_MARK,
)


def saved_view_list(*, owner: Any) -> list[SavedViewRow]:
    """The person's saved views of the lead list, by name."""
    return [SavedViewRow(*row) for row in _SAVED_VIEWS.rows(getattr(owner, "pk", owner))]
