"""Several machines, simulated on loopback: two app servers (gunicorn) and two RQ workers, as
separate processes on the test PostgreSQL database and the test Redis (queue and cache).

An import uploaded to server A is run by a worker and its progress read on server B; the write
throttle holds across both servers; a worker killed (SIGKILL, with its work horse) in the middle
of an import leaves whole batches only, and the job, put back in the queue when server B reads
it after IMPORT_STALE_SECONDS, is finished by the other worker with every row imported once."""

from __future__ import annotations

import signal
import time
from contextlib import ExitStack
from urllib.parse import urljoin

import pytest
import requests
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from leads.models import ImportJob, Lead
from tests.workers import (
    app_server,
    child_env,
    descendants,
    needs_reachable_database,
    needs_redis,
    process,
    stop_group,
    wait_for,
)

from .conftest import csv_text

pytestmark = pytest.mark.postgres

BATCH = 100
ROWS = 650  # six whole batches and a part: the kill lands between two of them
STALE_SECONDS = 3
WRITES_A_MINUTE = 4


@pytest.fixture
def redis_url(settings):
    needs_reachable_database()
    url = needs_redis()
    import redis

    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def worker_running(job: ImportJob, workers: list) -> object:
    """The worker process whose work horse (a process it forked) runs the job."""
    pid = int(job.worker.split(":")[1])
    (worker,) = [w for w in workers if pid == w.pid or pid in descendants(w.pid)]
    return worker


@pytest.mark.django_db(transaction=True)
def test_two_servers_and_two_workers_share_imports_throttles_and_a_dead_workers_job(
    org, manager, redis_url, tmp_path
):
    env = child_env(
        REDIS_URL=redis_url,
        IMPORT_STALE_SECONDS=str(STALE_SECONDS),
        THROTTLE_WRITES=f"{WRITES_A_MINUTE}/min",
        IMPORT_BATCH_ROWS=str(BATCH),
    )
    client = Client()
    client.force_login(manager)
    browser = requests.Session()  # the manager's session, valid on both servers
    browser.cookies.set("sessionid", client.cookies["sessionid"].value)
    api = requests.Session()
    api.headers["Authorization"] = f"Token {Token.objects.create(user=manager).key}"

    with ExitStack() as stack:
        a = stack.enter_context(app_server(env, tmp_path / "server-a.log"))
        b = stack.enter_context(app_server(env, tmp_path / "server-b.log"))
        workers = [
            stack.enter_context(process(["worker"], env, tmp_path / f"worker-{n}.log"))
            for n in (1, 2)
        ]

        # (b) The write throttle's counters are in Redis: writes alternated between the two
        # servers get the coded 429 after the configured total, not twice it.
        answers = [
            api.post(
                f"{server}/v2/leads",
                json={"userId": org.customer.pk, "type": "CUSTOM", "leadFor": f"Write {n}"},
                timeout=30,
            )
            for n, server in enumerate([a, b] * WRITES_A_MINUTE)
        ]
        assert [r.status_code for r in answers] == [200] * WRITES_A_MINUTE + [429] * 4
        assert answers[-1].json()["errors"][0]["code"] == 90007
        assert int(answers[-1].headers["Retry-After"]) > 0
        assert Lead.objects.filter(import_job=None).count() == WRITES_A_MINUTE

        # (a) Uploaded to A, run by a worker, its progress and result read on B.
        browser.get(f"{a}{reverse('lead-import')}", timeout=30).raise_for_status()
        csrf = {"csrfmiddlewaretoken": browser.cookies["csrftoken"]}
        rows = [["type", "leadFor", "userId"]] + [
            ["CUSTOM", f"Item {n}", str(org.customer.pk)] for n in range(ROWS)
        ]
        uploaded = browser.post(
            f"{a}{reverse('lead-import')}",
            data=csrf,
            files={"file": ("leads.csv", csv_text(rows).encode(), "text/csv")},
            allow_redirects=False,
            timeout=60,
        )
        assert uploaded.status_code == 302, uploaded.text[:500]
        dry_run = ImportJob.objects.get()

        def status_on_b(job_id: int) -> dict:
            answer = browser.get(f"{b}{reverse('lead-import-status', args=[job_id])}", timeout=30)
            answer.raise_for_status()
            return answer.json()

        wait_for(lambda: status_on_b(dry_run.pk)["finished"], seconds=120, what="the dry run")
        status = status_on_b(dry_run.pk)
        assert (status["state"], status["processedRows"], status["okRows"]) == (
            "DONE",
            ROWS,
            ROWS,
        )
        assert not Lead.objects.exclude(import_job=None).exists()  # a dry run

        # (c) The import, started on B; its worker is killed between two batches.
        started = browser.post(
            urljoin(a, uploaded.headers["Location"]).replace(a, b),
            data=csrf,
            allow_redirects=False,
            timeout=30,
        )
        assert started.status_code == 302, started.text[:500]
        job = ImportJob.objects.get(dry_run=False)

        deadline = time.monotonic() + 120
        while True:
            job.refresh_from_db()
            if job.state == ImportJob.State.RUNNING and job.committed_rows >= BATCH:
                break
            assert job.state != ImportJob.State.DONE, "the import ended before the kill"
            assert time.monotonic() < deadline, "the import did not start"
            time.sleep(0.02)
        killed, killed_horse = worker_running(job, workers), job.worker.split(":")[1]
        stop_group(killed, signal.SIGKILL)

        job.refresh_from_db()
        imported = Lead.objects.filter(import_job=job).count()
        assert imported == job.committed_rows  # the batch in progress rolled back whole
        assert imported % BATCH == 0 and 0 < imported < ROWS
        assert job.state == ImportJob.State.RUNNING  # not stale yet
        status = status_on_b(job.pk)
        assert (status["state"], status["processedRows"]) == ("RUNNING", imported)

        # Read on B after IMPORT_STALE_SECONDS: queued again, and the other worker finishes it.
        wait_for(lambda: status_on_b(job.pk)["finished"], seconds=120, what="the import")
        status = status_on_b(job.pk)
        job.refresh_from_db()
        assert (status["state"], status["okRows"], status["failedRows"]) == ("DONE", ROWS, 0)
        assert job.attempts == 2
        # The other worker ran it: the killed one (and its work horse) is gone.
        (survivor,) = [w for w in workers if w is not killed]
        assert killed.poll() is not None and survivor.poll() is None
        assert job.worker.split(":")[1] not in killed_horse
        names = list(Lead.objects.filter(import_job=job).values_list("lead_for", flat=True))
        assert len(names) == len(set(names)) == ROWS
