"""Real workers and app servers for the tests that need them: ``manage.py worker`` (the
database queue, or RQ with REDIS_URL) and gunicorn, as separate processes on the test database.
Each child leads a process group of its own (an RQ worker forks a work horse per job), which is
killed whole when the test ends, passed or not."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import requests
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
def spawn(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """Runs ``argv`` in a process group of its own, ended (the whole group) on the way out."""
    with log.open("ab") as out:
        child = subprocess.Popen(
            argv,
            env=env,
            cwd=settings.BASE_DIR,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield child
    finally:
        stop_group(child, signal.SIGTERM)


def stop_group(child: subprocess.Popen, sig: int) -> None:
    """Sends ``sig`` to the child's process group and to every process it started (an RQ work
    horse leads a session of its own); SIGKILL to what is left after 15 s."""
    family = descendants(child.pid)
    for each in (sig, signal.SIGKILL):
        for pid in family:
            with suppress(ProcessLookupError):
                os.kill(pid, each)
        with suppress(ProcessLookupError):
            os.killpg(child.pid, each)
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            continue
        if not any(_alive(pid) for pid in family):
            return


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").exists() and _stat(pid)[0] != "Z"


def _stat(pid: int) -> list[str]:
    """State, parent ... of a process (/proc/PID/stat after its name)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def descendants(pid: int) -> list[int]:
    """The processes ``pid`` started, and theirs, alive now."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError, ValueError, IndexError):
                parents[int(entry.name)] = int(_stat(int(entry.name))[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent]
        found.extend(children)
        frontier.extend(children)
    return found


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """``manage.py ARGS`` as a child process."""
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    with spawn([sys.executable, manage, *args], env, log) as child:
        yield child


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def app_server(env: dict[str, str], log: Path) -> Iterator[str]:
    """The app under gunicorn on a loopback port; yields its base URL once it answers."""
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "crm.wsgi", "--bind", f"127.0.0.1:{port}"]
    with spawn([*argv, "--workers", "1", "--threads", "4"], env, log) as child:
        url = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            assert child.poll() is None, f"the server stopped: see {log}"
            try:
                requests.get(f"{url}/accounts/login/", timeout=20)
            except requests.RequestException:
                return False
            return True

        wait_for(answers, seconds=60, what=f"the app server on port {port}")
        yield url


def at_once(func: Callable[[], object], times: int = 2) -> list[object]:
    """``func()`` in ``times`` threads let go together (each with its own database
    connection, closed after); what each returned."""
    start = threading.Barrier(times)

    def run(_: int) -> object:
        try:
            start.wait(timeout=30)
            return func()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(run, range(times)))


def wait_for(condition: Callable[[], bool], *, seconds: float = 90, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what or condition}")
