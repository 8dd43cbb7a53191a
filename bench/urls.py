from django.urls import path

from crm.urls import urlpatterns as app_urlpatterns

from .views import floor

urlpatterns = [
    path("bench/floor", floor, name="bench-floor"),
    *app_urlpatterns,
]
