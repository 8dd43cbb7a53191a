from django.db import models


class CatalogItem(models.Model):
    code = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


# The tables keep the names they had when the catalog was part of the leads app.


class Brand(CatalogItem):
    class Meta(CatalogItem.Meta):
        db_table = "leads_brand"


class Category(CatalogItem):
    class Meta(CatalogItem.Meta):
        db_table = "leads_category"
        verbose_name_plural = "categories"


class Sku(CatalogItem):
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, null=True, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True)

    class Meta(CatalogItem.Meta):
        db_table = "leads_sku"
        verbose_name = "SKU"
