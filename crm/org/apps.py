from django.apps import AppConfig


class OrgConfig(AppConfig):
    """The chain's structure: zones, stores and tills, and the role each staff user holds
    over some of them."""

    name = "crm.org"
    label = "org"
