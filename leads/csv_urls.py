"""CSV import pages and the CSV export (staff page and ``GET /v2/leads/export``).

Included at the root before the API, whose ``v2/leads/<leadId>`` would otherwise take
"export" for a lead id.
"""

from django.urls import path

from . import csv_views

urlpatterns = [
    path("leads/import/", csv_views.import_page, name="lead-import"),
    path("leads/import/<int:job_id>/", csv_views.import_job_page, name="lead-import-job"),
    path(
        "leads/import/<int:job_id>/status.json",
        csv_views.import_job_status,
        name="lead-import-status",
    ),
    path(
        "leads/import/<int:job_id>/report.csv",
        csv_views.import_job_report,
        name="lead-import-report",
    ),
    path("leads/export.csv", csv_views.export_page_csv, name="lead-export-csv"),
    path("v2/leads/export", csv_views.LeadExportAPIView.as_view(), name="api-lead-export"),
]
