from rest_framework.routers import SimpleRouter

from .views import OrgUnitViewSet, StaffViewSet

router = SimpleRouter(trailing_slash=False)
router.register("orgUnits", OrgUnitViewSet, basename="api-org-unit")
router.register("staff", StaffViewSet, basename="api-staff")

urlpatterns = router.urls
