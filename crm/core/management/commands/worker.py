"""``manage.py worker``: one background worker for the configured task backend.

With ``REDIS_URL`` it is an RQ worker (``rqworker --job-class django_tasks_rq.Job
--with-scheduler``: the scheduler moves deferred
tasks to the queue when they are due); without, the database queue's ``db_worker``. Run as
many as the load needs, on any machine that has the settings.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Runs one background worker (RQ with REDIS_URL, else the database queue)."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args, burst: bool = False, **options):
        if settings.REDIS_URL:
            call_command(
                "rqworker",
                "default",
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
                burst=burst,
            )
        else:
            call_command("db_worker", queue_name="*", batch=burst, reload=False)
