from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The staff pages over every app: views, forms, page URLs, template tags, demo data."""

    name = "crm.pages"
    label = "pages"
    verbose_name = "Staff pages"

    def ready(self) -> None:
        from .reference import connect_signals

        connect_signals()
