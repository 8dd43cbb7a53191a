from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """What a lead can be for: SKUs, brands and categories."""

    name = "crm.catalog"
    label = "catalog"
