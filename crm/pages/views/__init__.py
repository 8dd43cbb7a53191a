"""The staff pages. Each view is thin: it reads through ``leads.selectors``, writes through
``leads.services`` and shows the services' coded errors next to the fields they concern."""

from .auth import login_view, logout_view
from .dashboard import dashboard
from .followups import my_followups
from .lead_create import lead_create, lead_for_suggestions
from .lead_detail import (
    lead_add_followup,
    lead_add_note,
    lead_assign,
    lead_change_status,
    lead_detail,
    lead_move_store,
    lead_update_details,
)
from .lead_list import lead_bulk, lead_list
from .org_settings import (
    add_extended_field,
    add_reason,
    add_substatus,
    org_settings,
    toggle_extended_field,
    update_auto_registration,
)

__all__ = [
    "add_extended_field",
    "add_reason",
    "add_substatus",
    "dashboard",
    "lead_add_followup",
    "lead_add_note",
    "lead_assign",
    "lead_bulk",
    "lead_change_status",
    "lead_create",
    "lead_detail",
    "lead_for_suggestions",
    "lead_list",
    "lead_move_store",
    "lead_update_details",
    "login_view",
    "logout_view",
    "my_followups",
    "org_settings",
    "toggle_extended_field",
    "update_auto_registration",
]
