"""The project's URLs: the admin, the API under /v2/ and the staff pages."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from crm.core.api.exceptions import api_not_found

api_urlpatterns = [
    re_path(r"^schema/?$", SpectacularAPIView.as_view(), name="api-schema"),
    re_path(r"^docs/?$", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Login for the browsable API.
    path("auth/", include("rest_framework.urls")),
    path("", include("leads.api.urls")),
    path("", include("customers.api.urls")),
    path("", include("crm.org.api.urls")),
    path("", include("crm.webhooks.api.urls")),
    path("", include("crm.core.api.notifications")),
    # Anything else under /v2/ is the envelope's 404, also with DEBUG on (where Django would
    # otherwise answer its HTML debug page instead of calling handler404).
    re_path(r"^.*$", api_not_found),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("v2/", include(api_urlpatterns)),
    path("", include("crm.pages.urls")),
]

# JSON envelopes for /v2/, Django's pages elsewhere.
handler404 = "crm.core.api.exceptions.handler404"
handler500 = "crm.core.api.exceptions.handler500"
