from rest_framework.routers import SimpleRouter

from .views import WebhookViewSet

router = SimpleRouter(trailing_slash=False)
router.register("webhooks", WebhookViewSet, basename="api-webhook")

urlpatterns = router.urls
