import orjson
from django.apps import AppConfig
from psycopg.types.json import set_json_loads


class CoreConfig(AppConfig):
    """The floor: the user model, idempotency keys, the error registry and the API's
    conventions. Its label stays ``crm`` so that its tables and migrations keep their names."""

    name = "crm.core"
    label = "crm"
    verbose_name = "CRM"

    def ready(self) -> None:
        # PostgreSQL's ``json`` values (the API reads each lead's history as json objects)
        # parsed by orjson rather than the standard library: several times faster. Django
        # reads ``jsonb`` columns as text and parses them itself, so JSONFields are not
        # affected.
        set_json_loads(orjson.loads)
