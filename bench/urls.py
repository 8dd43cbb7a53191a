from django.urls import path

from crm.urls import urlpatterns as app_urlpatterns

from .views import floor, floor_nested

urlpatterns = [
    path("bench/floor", floor, name="bench-floor"),
    path("bench/floor_nested", floor_nested, name="bench-floor-nested"),
    *app_urlpatterns,
]
