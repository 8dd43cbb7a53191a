"""Small pieces shared by the page views."""

from __future__ import annotations

from collections.abc import Iterable

from leads.models import Lead
from leads.selectors import catalog_names


def with_item_names(leads: Iterable[Lead]) -> list[Lead]:
    """The leads, each with ``item_name``: the catalog name of its SKU, brand or category
    ("" for custom items or codes no longer in the catalog). One query for the lot."""
    leads = list(leads)
    names = catalog_names(leads=leads)
    for lead in leads:
        lead.item_name = names.get((lead.type, lead.lead_for), "")
    return leads
