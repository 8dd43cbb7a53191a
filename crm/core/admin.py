from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import IdempotencyKey, Notification, User

admin.site.site_header = "Leads CRM administration"
admin.site.site_title = "Leads CRM admin"
admin.site.index_title = "Leads CRM"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Pages", {"fields": ("time_zone",)}))


class ReadOnlyAdminMixin:
    """Rows the app writes (history, reference data, stored responses, notifications):
    visible here, never added, edited or deleted, so that the admin writes nothing the
    services would not."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Not deleted by hand either: a retried request would then write a second time. Expired
    # keys go when their user next sends one.
    list_display = ("key", "user", "method", "path", "response_status", "created_on", "expires_on")
    list_filter = ("method", "response_status")
    search_fields = ("key", "user__username")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Made by the app for their recipient and marked read by them.
    list_display = ("title", "recipient", "kind", "created_on", "read_on")
    list_filter = ("kind", "read_on")
    search_fields = ("title", "recipient__username")
    list_select_related = ("recipient",)
