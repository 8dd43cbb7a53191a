from django.contrib import admin

from .models import OrgUnit, StaffRole


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "type", "parent", "is_active")
    list_filter = ("type", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)

    def get_readonly_fields(self, request, obj=None):
        # A unit with units under it keeps its type (as org_unit_update() does, 90047): they
        # would no longer fit under it.
        return ("type",) if obj is not None and obj.children.exists() else ()


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    filter_horizontal = ("units",)
