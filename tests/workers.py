"""Real workers for the tests that need them: ``manage.py worker`` (the database queue, or RQ
with REDIS_URL) as separate processes on the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "")


def database_url() -> str:
    """The test database, for the child processes."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def needs_reachable_database() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a database they can reach: SQLite tests are in memory")


def needs_redis() -> str:
    if not REDIS_TEST_URL:
        pytest.skip("REDIS_TEST_URL is not set (.ci/run sets it for its PostgreSQL run)")
    return REDIS_TEST_URL


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        DJANGO_SETTINGS_MODULE="crm.settings",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("ab") as out:
        child = subprocess.Popen(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
            env=env,
            cwd=settings.BASE_DIR,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def wait_for(condition: Callable[[], bool], *, seconds: float = 90, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what or condition}")
