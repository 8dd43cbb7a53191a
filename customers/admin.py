from django.contrib import admin

from .models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "full_name",
        "loyalty_type",
        "mobile",
        "email",
        "external_id",
        "created_on",
    )
    list_filter = ("loyalty_type", "created_on")
    search_fields = ("first_name", "last_name", "mobile", "email", "external_id")
    readonly_fields = ("created_on", "updated_on")
