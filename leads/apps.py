from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"

    def ready(self) -> None:
        from . import events, reminders

        # Follow-up reminders are scheduled from the events that may set a next follow-up.
        events.subscribe(reminders.on_event)
