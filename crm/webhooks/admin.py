from django.contrib import admin

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "is_active", "failing_since", "created_on")
    list_filter = ("is_active",)
    search_fields = ("url",)
    # The secret is written through the API or the settings page, never shown.
    exclude = ("secret",)
    readonly_fields = ("failing_since", "disabled_reason", "created_by")


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("attempted_on", "status_code", "duration_ms", "error")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "endpoint", "event", "state", "attempts", "next_attempt_on")
    list_filter = ("state",)
    search_fields = ("endpoint__url", "lead__id")
    list_select_related = ("endpoint", "event")
    readonly_fields = ("endpoint", "event", "lead", "created_on", "finished_on")
    inlines = [AttemptInline]


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(admin.ModelAdmin):
    list_display = ("delivery", "attempted_on", "status_code", "duration_ms", "error")
    search_fields = ("error",)
    list_select_related = ("delivery",)
