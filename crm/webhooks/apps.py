from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "crm.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from leads import events

        from .tasks import dispatch_soon

        # After each commit that wrote lead events, hand them to the webhooks.
        events.on_dispatch(dispatch_soon)
