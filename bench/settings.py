"""Settings for the benchmark: the app's own settings plus the floor view's URL.

The floor (``bench.views.floor``) is routed only here, never in production.
"""

from crm.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
