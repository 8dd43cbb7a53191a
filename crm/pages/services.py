"""Writes of what the staff pages keep for a person (saved views). Each function is one
transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict

from crm.core.errors import ErrorCode, coded_error

from .models import SavedView

# Parameters of the list that are not part of a view: where in the list one is.
NOT_IN_A_VIEW = ("page", "csrfmiddlewaretoken")
NAME_MAX_LENGTH = SavedView._meta.get_field("name").max_length
QUERY_MAX_LENGTH = SavedView._meta.get_field("query").max_length


def view_query(params: Any) -> str:
    """The query string a view keeps: the list's filters and sort, without the page, blank
    values left out."""
    query = QueryDict(mutable=True)
    for key, values in params.lists():
        if key in NOT_IN_A_VIEW:
            continue
        kept = [value for value in values if value.strip()]
        if kept:
            query.setlist(key, kept)
    return query.urlencode()


@transaction.atomic
def saved_view_save(*, owner: Any, name: Any, params: Any) -> SavedView:
    """Save the list's current filters and sort under ``name`` for ``owner``; a view of the
    same name is replaced. 90008 for an empty or overlong name or query."""
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise ValidationError({"name": [coded_error(ErrorCode.INVALID_FIELD, "name", "required")]})
    if len(text) > NAME_MAX_LENGTH:
        raise ValidationError(
            {
                "name": [
                    coded_error(
                        ErrorCode.INVALID_FIELD, "name", f"at most {NAME_MAX_LENGTH} characters"
                    )
                ]
            }
        )
    query = view_query(params)
    if len(query) > QUERY_MAX_LENGTH:
        raise ValidationError(
            {"query": [coded_error(ErrorCode.INVALID_FIELD, "filters", "too long to save")]}
        )
    view, _ = SavedView.objects.update_or_create(owner=owner, name=text, defaults={"query": query})
    return view


@transaction.atomic
def saved_view_delete(*, owner: Any, view_id: Any) -> None:
    """Delete one of ``owner``'s views (90003 for a view that is not theirs or not there)."""
    deleted, _ = SavedView.objects.filter(owner=owner, pk=view_id).delete()
    if not deleted:
        raise ValidationError({"view": [coded_error(ErrorCode.NOT_FOUND)]})
