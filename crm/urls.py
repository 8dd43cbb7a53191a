from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # CSV import pages and GET /v2/leads/export come before the API, whose
    # /v2/leads/{leadId} would otherwise take "export" for a lead id.
    path("", include("leads.csv_urls")),
    path("v2/", include("crm.api.urls")),
    path("", include("customers.urls")),
    path("", include("leads.urls")),
]

# JSON envelopes for /v2/, Django's pages elsewhere.
handler404 = "crm.api.exceptions.handler404"
handler500 = "crm.api.exceptions.handler500"
