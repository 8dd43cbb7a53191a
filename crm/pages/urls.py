"""The staff pages, and login/logout."""

from collections.abc import Callable

from django.urls import URLPattern, include, path

from .views import (
    add_extended_field,
    add_reason,
    add_substatus,
    dashboard,
    lead_add_followup,
    lead_add_note,
    lead_assign,
    lead_bulk,
    lead_change_status,
    lead_create,
    lead_detail,
    lead_for_suggestions,
    lead_list,
    lead_move_store,
    lead_update_details,
    login_view,
    logout_view,
    my_followups,
    org_settings,
    toggle_extended_field,
    update_auto_registration,
)
from .views.board import lead_board, lead_board_more, lead_board_move
from .views.customers import (
    customer_add_followup,
    customer_create,
    customer_detail,
    customer_edit,
    customer_list_page,
    customer_lookup,
)
from .views.followups import (
    followup_log_contact,
    followup_message_sent,
    followup_reschedule,
    followup_snooze,
)
from .views.imports import (
    export_page_csv,
    import_job_page,
    import_job_report,
    import_job_status,
    import_page,
)
from .views.lead_list import saved_view_create, saved_view_remove
from .views.my_settings import my_settings
from .views.notifications import my_notifications, my_notifications_read
from .views.org_import import import_org_units, import_staff
from .views.org_settings import update_close_reason, update_reason, update_substatus
from .views.webhooks import webhook_add, webhook_delete, webhook_retry, webhook_toggle


def routes(prefix: str, *table: tuple[str, Callable, str]) -> list[URLPattern]:
    """A ``path`` for each row of ``table``: (route under ``prefix``, view, name)."""
    return [path(prefix + route, view, name=name) for route, view, name in table]


import_patterns = [
    *routes("", ("", import_page, "lead-import")),
    *routes(
        "<int:job_id>/",
        ("", import_job_page, "lead-import-job"),
        ("status.json", import_job_status, "lead-import-status"),
        ("report.csv", import_job_report, "lead-import-report"),
    ),
]

settings_patterns = routes(
    "",
    ("", org_settings, "org-settings"),
    ("org-units/import/", import_org_units, "org-units-import"),
    ("staff/import/", import_staff, "org-staff-import"),
    ("webhooks/", webhook_add, "org-add-webhook"),
    ("reasons/", add_reason, "org-add-reason"),
    ("reasons/<int:reason_id>/", update_reason, "org-update-reason"),
    ("substatuses/", add_substatus, "org-add-substatus"),
    ("substatuses/<int:substatus_id>/", update_substatus, "org-update-substatus"),
    ("close-reason/", update_close_reason, "org-close-reason"),
    ("auto-registration/", update_auto_registration, "org-auto-registration"),
    ("extended-fields/", add_extended_field, "org-add-extended-field"),
    ("extended-fields/<int:field_id>/", toggle_extended_field, "org-toggle-extended-field"),
) + routes(
    "webhooks/<int:webhook_id>/",
    ("active/", webhook_toggle, "org-toggle-webhook"),
    ("delete/", webhook_delete, "org-delete-webhook"),
    ("deliveries/<int:delivery_id>/retry/", webhook_retry, "org-retry-webhook-delivery"),
)

lead_patterns = [
    *routes(
        "",
        ("", lead_list, "lead-list"),
        ("new/", lead_create, "lead-create"),
        ("bulk/", lead_bulk, "lead-bulk"),
        ("views/", saved_view_create, "lead-view-save"),
        ("views/<int:view_id>/delete/", saved_view_remove, "lead-view-delete"),
        ("board/", lead_board, "lead-board"),
        ("board/more/", lead_board_more, "lead-board-more"),
        ("suggest.json", lead_for_suggestions, "lead-for-suggestions"),
        ("export.csv", export_page_csv, "lead-export-csv"),
    ),
    path("import/", include(import_patterns)),
    *routes(
        "<int:lead_id>/",
        ("", lead_detail, "lead-detail"),
        ("status/", lead_change_status, "lead-change-status"),
        ("followups/", lead_add_followup, "lead-add-followup"),
        ("notes/", lead_add_note, "lead-add-note"),
        ("owner/", lead_assign, "lead-assign"),
        ("store/", lead_move_store, "lead-move-store"),
        ("move/", lead_board_move, "lead-board-move"),
        ("details/", lead_update_details, "lead-update-details"),
    ),
]

followup_patterns = routes("", ("", my_followups, "my-followups")) + routes(
    "<int:lead_id>/",
    ("contact/", followup_log_contact, "followup-contact"),
    ("reschedule/", followup_reschedule, "followup-reschedule"),
    ("snooze/", followup_snooze, "followup-snooze"),
    ("whatsapp/", followup_message_sent, "followup-whatsapp"),
)

customer_patterns = routes(
    "",
    ("", customer_list_page, "customer-list"),
    ("new/", customer_create, "customer-create"),
    ("lookup.json", customer_lookup, "customer-lookup"),
) + routes(
    "<int:customer_id>/",
    ("", customer_detail, "customer-detail"),
    ("edit/", customer_edit, "customer-edit"),
    ("followups/", customer_add_followup, "customer-add-followup"),
)

urlpatterns = [
    *routes(
        "",
        ("accounts/login/", login_view, "login"),
        ("accounts/logout/", logout_view, "logout"),
        ("", dashboard, "dashboard"),
    ),
    path("leads/", include(lead_patterns)),
    path("customers/", include(customer_patterns)),
    path("followups/", include(followup_patterns)),
    *routes(
        "me/",
        ("", my_settings, "my-settings"),
        ("notifications/", my_notifications, "my-notifications"),
        ("notifications/read/", my_notifications_read, "my-notifications-read"),
    ),
    path("settings/", include(settings_patterns)),
]
