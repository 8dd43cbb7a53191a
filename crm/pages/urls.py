"""The staff pages, and login/logout."""

from django.urls import path

from . import views
from .views import customers, imports

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("leads/", views.lead_list, name="lead-list"),
    path("leads/new/", views.lead_create, name="lead-create"),
    path("leads/bulk/", views.lead_bulk, name="lead-bulk"),
    path("leads/suggest.json", views.lead_for_suggestions, name="lead-for-suggestions"),
    path("leads/<int:lead_id>/", views.lead_detail, name="lead-detail"),
    path("leads/<int:lead_id>/status/", views.lead_change_status, name="lead-change-status"),
    path("leads/<int:lead_id>/followups/", views.lead_add_followup, name="lead-add-followup"),
    path("leads/<int:lead_id>/owner/", views.lead_assign, name="lead-assign"),
    path("leads/<int:lead_id>/details/", views.lead_update_details, name="lead-update-details"),
    path("leads/import/", imports.import_page, name="lead-import"),
    path("leads/import/<int:job_id>/", imports.import_job_page, name="lead-import-job"),
    path(
        "leads/import/<int:job_id>/status.json",
        imports.import_job_status,
        name="lead-import-status",
    ),
    path(
        "leads/import/<int:job_id>/report.csv",
        imports.import_job_report,
        name="lead-import-report",
    ),
    path("leads/export.csv", imports.export_page_csv, name="lead-export-csv"),
    path("customers/", customers.customer_list_page, name="customer-list"),
    path("customers/new/", customers.customer_create, name="customer-create"),
    path("customers/lookup.json", customers.customer_lookup, name="customer-lookup"),
    path("customers/<int:customer_id>/", customers.customer_detail, name="customer-detail"),
    path("followups/", views.my_followups, name="my-followups"),
    path("settings/", views.org_settings, name="org-settings"),
    path("settings/reasons/", views.add_reason, name="org-add-reason"),
    path("settings/substatuses/", views.add_substatus, name="org-add-substatus"),
    path(
        "settings/auto-registration/",
        views.update_auto_registration,
        name="org-auto-registration",
    ),
    path("settings/extended-fields/", views.add_extended_field, name="org-add-extended-field"),
    path(
        "settings/extended-fields/<int:field_id>/",
        views.toggle_extended_field,
        name="org-toggle-extended-field",
    ),
]
