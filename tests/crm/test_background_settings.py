"""Which task backend and cache the settings choose: the database queue and a local cache by
default, RQ and a shared Redis cache when REDIS_URL is set."""

import json
import os
import subprocess
import sys

from django.conf import settings
from django.core.cache import cache

from crm.core.api.throttles import WritesThrottle

SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "from django_tasks import task_backends; b = task_backends['default']; "
    "print(json.dumps([s.TASKS['default']['BACKEND'], s.CACHES['default']['BACKEND'], "
    "type(b).__name__, s.CACHES['default'].get('LOCATION', '')]))"
)


def settings_under(**env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    environment.update(env, DJANGO_SETTINGS_MODULE="crm.settings")
    out = subprocess.run(
        [sys.executable, "-c", SHOW],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_without_redis_tasks_go_to_the_database_queue_and_the_cache_is_local():
    assert settings_under() == [
        "django_tasks_db.DatabaseBackend",
        "django.core.cache.backends.locmem.LocMemCache",
        "DatabaseBackend",
        "",
    ]


def test_with_redis_url_tasks_go_to_rq_and_the_cache_is_shared_in_redis():
    url = "redis://127.0.0.1:6379/2"
    assert settings_under(REDIS_URL=url) == [
        "django_tasks_rq.RQBackend",
        "django.core.cache.backends.redis.RedisCache",
        "RQBackend",
        url,
    ]


def test_the_write_throttle_counts_in_django_s_cache():
    """The throttle is shared between processes exactly when the cache is."""
    assert WritesThrottle.cache is cache
