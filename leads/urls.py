"""The staff pages, and login/logout."""

from django.urls import path

from . import views

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
