from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The floor: the user model, idempotency keys, the error registry and the API's
    conventions. Its label stays ``crm`` so that its tables and migrations keep their names."""

    name = "crm.core"
    label = "crm"
    verbose_name = "CRM"
