"""The staff pages, and login/logout."""

from django.urls import include, path

from . import views
from .views import (
    board,
    customers,
    followups,
    imports,
    my_settings,
    notifications,
    webhooks,
)
from .views.lead_list import saved_view_create, saved_view_remove
from .views.org_import import import_org_units, import_staff
from .views.org_settings import update_close_reason, update_reason, update_substatus

import_patterns = [
    path("", imports.import_page, name="lead-import"),
    path("<int:job_id>/", imports.import_job_page, name="lead-import-job"),
    path("<int:job_id>/status.json", imports.import_job_status, name="lead-import-status"),
    path("<int:job_id>/report.csv", imports.import_job_report, name="lead-import-report"),
]

settings_patterns = [
    path("", views.org_settings, name="org-settings"),
    path("org-units/import/", import_org_units, name="org-units-import"),
    path("staff/import/", import_staff, name="org-staff-import"),
    path("webhooks/", webhooks.webhook_add, name="org-add-webhook"),
    path("webhooks/<int:webhook_id>/active/", webhooks.webhook_toggle, name="org-toggle-webhook"),
    path("webhooks/<int:webhook_id>/delete/", webhooks.webhook_delete, name="org-delete-webhook"),
    path(
        "webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/retry/",
        webhooks.webhook_retry,
        name="org-retry-webhook-delivery",
    ),
    path("reasons/", views.add_reason, name="org-add-reason"),
    path("reasons/<int:reason_id>/", update_reason, name="org-update-reason"),
    path("substatuses/", views.add_substatus, name="org-add-substatus"),
    path("substatuses/<int:substatus_id>/", update_substatus, name="org-update-substatus"),
    path("close-reason/", update_close_reason, name="org-close-reason"),
    path("auto-registration/", views.update_auto_registration, name="org-auto-registration"),
    path("extended-fields/", views.add_extended_field, name="org-add-extended-field"),
    path(
        "extended-fields/<int:field_id>/",
        views.toggle_extended_field,
        name="org-toggle-extended-field",
    ),
]

lead_patterns = [
    path("", views.lead_list, name="lead-list"),
    path("new/", views.lead_create, name="lead-create"),
    path("bulk/", views.lead_bulk, name="lead-bulk"),
    path("views/", saved_view_create, name="lead-view-save"),
    path("views/<int:view_id>/delete/", saved_view_remove, name="lead-view-delete"),
    path("board/", board.lead_board, name="lead-board"),
    path("board/more/", board.lead_board_more, name="lead-board-more"),
    path("suggest.json", views.lead_for_suggestions, name="lead-for-suggestions"),
    path("export.csv", imports.export_page_csv, name="lead-export-csv"),
    path("import/", include(import_patterns)),
    path("<int:lead_id>/", views.lead_detail, name="lead-detail"),
    path("<int:lead_id>/status/", views.lead_change_status, name="lead-change-status"),
    path("<int:lead_id>/followups/", views.lead_add_followup, name="lead-add-followup"),
    path("<int:lead_id>/notes/", views.lead_add_note, name="lead-add-note"),
    path("<int:lead_id>/owner/", views.lead_assign, name="lead-assign"),
    path("<int:lead_id>/store/", views.lead_move_store, name="lead-move-store"),
    path("<int:lead_id>/move/", board.lead_board_move, name="lead-board-move"),
    path("<int:lead_id>/details/", views.lead_update_details, name="lead-update-details"),
]

followup_patterns = [
    path("", views.my_followups, name="my-followups"),
    path("<int:lead_id>/contact/", followups.followup_log_contact, name="followup-contact"),
    path("<int:lead_id>/reschedule/", followups.followup_reschedule, name="followup-reschedule"),
    path("<int:lead_id>/snooze/", followups.followup_snooze, name="followup-snooze"),
    path("<int:lead_id>/whatsapp/", followups.followup_message_sent, name="followup-whatsapp"),
]

customer_patterns = [
    path("", customers.customer_list_page, name="customer-list"),
    path("new/", customers.customer_create, name="customer-create"),
    path("lookup.json", customers.customer_lookup, name="customer-lookup"),
    path("<int:customer_id>/", customers.customer_detail, name="customer-detail"),
    path("<int:customer_id>/edit/", customers.customer_edit, name="customer-edit"),
    path(
        "<int:customer_id>/followups/",
        customers.customer_add_followup,
        name="customer-add-followup",
    ),
]

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("leads/", include(lead_patterns)),
    path("customers/", include(customer_patterns)),
    path("followups/", include(followup_patterns)),
    path("me/", my_settings.my_settings, name="my-settings"),
    path("me/notifications/", notifications.my_notifications, name="my-notifications"),
    path(
        "me/notifications/read/",
        notifications.my_notifications_read,
        name="my-notifications-read",
    ),
    path("settings/", include(settings_patterns)),
]
