"""WSGI entry point (gunicorn crm.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
application = get_wsgi_application()

# What the process loaded to get here (modules, settings, URLconf, models) lives as long as
# the process: moved out of the collector's reach, so that each collection a request
# triggers walks only what requests made (gc.freeze, Python's own advice for servers).
gc.collect()
gc.freeze()
