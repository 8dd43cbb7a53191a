from django.contrib import admin

from .models import Brand, Category, Sku


class CatalogAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")


admin.site.register(Brand, CatalogAdmin)
admin.site.register(Category, CatalogAdmin)


@admin.register(Sku)
class SkuAdmin(CatalogAdmin):
    list_display = ("code", "name", "brand", "category", "is_active")
    list_filter = ("is_active", "brand", "category")
    list_select_related = ("brand", "category")
