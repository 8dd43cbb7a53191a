"""Links that reach a lead's customer from the pages: a call, a WhatsApp message naming the
lead's item."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from django import template

register = template.Library()


def whatsapp_text(lead: Any, user: Any) -> str:
    """The message a WhatsApp link opens with: the customer's name, the staff member's, and
    the item of the lead (its catalog name when the page has it)."""
    customer = lead.customer
    item = getattr(lead, "item_name", "") or lead.lead_for
    hello = f"Hello {customer.first_name}" if customer.first_name else "Hello"
    sender = (user.first_name or user.get_username()) if user else ""
    signed = f", this is {sender} from the store" if sender else ""
    return f"{hello}{signed}, about the {item} you asked us about."


@register.simple_tag
def whatsapp_url(lead: Any, user: Any = None) -> str:
    """``https://wa.me/<digits>?text=...`` for the customer's mobile ("" without one)."""
    digits = re.sub(r"\D", "", lead.customer.mobile or "")
    if not digits:
        return ""
    return f"https://wa.me/{digits}?text={quote(whatsapp_text(lead, user), safe='')}"
