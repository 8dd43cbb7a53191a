"""Customer pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("customers/", views.customer_list_page, name="customer-list"),
    path("customers/new/", views.customer_create, name="customer-create"),
    path("customers/lookup.json", views.customer_lookup, name="customer-lookup"),
    path("customers/<int:customer_id>/", views.customer_detail, name="customer-detail"),
]
