from django.urls import path
from rest_framework.routers import SimpleRouter

from .export import LeadExportAPIView
from .views import (
    BulkStatusViewSet,
    LeadViewSet,
    ReasonViewSet,
    SubStatusListViewSet,
    SubStatusViewSet,
)

router = SimpleRouter(trailing_slash=False)
# These fixed paths are registered before "leads", whose /v2/leads/{leadId} takes any text:
# the router keeps the order, so "reasons" is never read as a lead id.
router.register("leads/reasons", ReasonViewSet, basename="api-reason")
router.register("leads/substatus", SubStatusViewSet, basename="api-substatus")
router.register("leads/substatuses", SubStatusListViewSet, basename="api-substatuses")
router.register("leads/bulk/status", BulkStatusViewSet, basename="api-bulk-status")
router.register("leads", LeadViewSet, basename="api-lead")

urlpatterns = [
    # Before the router's leads/{leadId}, which would take "export" for a lead id.
    path("leads/export", LeadExportAPIView.as_view(), name="api-lead-export"),
    *router.urls,
]
