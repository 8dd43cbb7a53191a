"""Paging of large querysets: totals cached when they are costly, deep pages by keys first.

Shared by the API's ``limit``/``offset`` and the staff pages' page numbers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Totals from this many rows are kept for LEADS_COUNT_CACHE_SECONDS: counting a million rows
# costs more than all the rest of a list request. Smaller totals are always exact.
COUNT_CACHE_FROM = 10_000
# From this offset a page is found by its keys first: the skipped rows are read from the
# narrow sort index alone, and only the page's rows are joined.
DEEP_OFFSET_FROM = 1_000


def count_rows(rows: QuerySet | Callable[[], QuerySet], *, key: str | None = None) -> int:
    """``rows.count()``; a large total may be up to LEADS_COUNT_CACHE_SECONDS old. The total is
    kept under a digest of the count's SQL, or under ``key`` when given: then ``rows`` may be a
    function that makes the queryset, called only when the total is not kept (neither built nor
    compiled for a total the cache has)."""
    make = rows if callable(rows) else lambda: rows
    ttl = settings.LEADS_COUNT_CACHE_SECONDS
    if ttl <= 0:
        return make().count()
    if key is None:
        queryset = make()
        try:
            sql, params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # .none(), or a filter nothing can match
            return 0
        key = "rows:" + hashlib.sha256(repr((queryset.db, sql, params)).encode()).hexdigest()
    total = cache.get(key)
    if total is None:
        total = make().count()
        if total >= COUNT_CACHE_FROM:
            cache.set(key, total, ttl)
    return total


def page_rows(
    rows: QuerySet | Sequence[Any],
    *,
    offset: int,
    limit: int,
    read: Callable[[QuerySet], QuerySet] | None = None,
) -> list[Any]:
    """``rows[offset:offset + limit]`` as a list; a deep page of a queryset by keys first.
    ``read`` makes the queryset the page's rows are read from (``.values()`` with joins, say):
    the keys of a deep page are found without its joins."""
    if not isinstance(rows, QuerySet):
        return list(rows[offset : offset + limit])
    page = read(rows) if read is not None else rows
    if offset < DEEP_OFFSET_FROM:
        return list(page[offset : offset + limit])
    keys = rows.values("pk")[offset : offset + limit]
    return list(page.filter(pk__in=keys))


class ListPaginator(Paginator):
    """Django's Paginator with the totals of ``count_rows`` and the pages of ``page_rows``."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return count_rows(self.object_list)
        return len(self.object_list)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = page_rows(self.object_list, offset=bottom, limit=top - bottom)
        return self._get_page(rows, number, self)
