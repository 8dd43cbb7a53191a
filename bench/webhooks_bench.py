"""Webhook delivery benchmark: event-to-delivery latency and deliveries per second, from lead
changes to a receiver on loopback, through real workers.

    .venv/bin/python bench/webhooks_bench.py [--events 300] [--workers 2]
        [--database-url postgres://...] [--redis-url redis://...]

Without ``--database-url`` it uses a fresh SQLite file (the database queue); with
``--redis-url`` the workers are RQ's. It migrates the database, starts the workers
(``manage.py worker``) and a receiver (``http.server``, answering 200 at once), makes one
webhook for every event, then changes the status of ``--events`` leads one by one, each in its
own transaction, as requests would. The latency of a delivery is the time from its event's
commit to its arrival at the receiver; deliveries per second count from the first commit to the
last arrival. It prints p50, p95 and max latency and the rate.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable


def start_receiver(arrivals: dict[str, float]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("content-length", 0)))
            arrivals.setdefault(self.headers["webhook-id"], time.time())
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    options = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="webhooks-bench-"))
    database_url = options.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="crm.settings",
        WEBHOOK_ALLOWED_PRIVATE_RANGES="127.0.0.0/8",
        MEDIA_ROOT=str(scratch / "media"),
        LOG_LEVEL="ERROR",
    )
    if options.redis_url:
        env["REDIS_URL"] = options.redis_url
    os.environ.update(env)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from crm.webhooks.models import WebhookEndpoint
    from crm.webhooks.services import endpoint_create
    from customers.models import Customer
    from leads import services
    from leads.models import Lead, LeadType, OutboxEvent, Status

    arrivals: dict[str, float] = {}
    receiver = start_receiver(arrivals)
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": True})
    WebhookEndpoint.objects.all().delete()
    endpoint_create(created_by=user, url=url)
    leads = []
    for n in range(options.events):
        customer = Customer.objects.create(mobile=f"+9198{time.time_ns() % 10**8:08d}{n % 10}")
        leads.append(
            Lead.objects.create(
                customer=customer, type=LeadType.CUSTOM, lead_for=f"Item {n}", created_by=user
            )
        )
    first_event = OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    workers = [
        subprocess.Popen(
            [PYTHON, "manage.py", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(options.workers)
    ]
    try:
        time.sleep(3)  # the workers start
        committed: dict[str, float] = {}
        for lead in leads:
            services.lead_change_status(lead_id=lead.pk, status=Status.ON_HOLD, changed_by=user)
            event = OutboxEvent.objects.filter(lead=lead).order_by("-id").first()
            committed[event.event_id] = time.time()
        deadline = time.time() + 600
        while len(arrivals) < len(committed) and time.time() < deadline:
            time.sleep(0.05)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        receiver.shutdown()

    latencies = sorted(arrivals[k] - committed[k] for k in committed if k in arrivals)
    span = max(arrivals.values()) - min(committed.values())
    backend = "RQ on Redis" if options.redis_url else "database queue"
    database = database_url.split(":", 1)[0]
    print(
        f"{len(latencies)} of {len(committed)} events delivered ({backend} on {database}, "
        f"{options.workers} workers, outbox ids from {first_event + 1})"
    )
    print(
        f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms; {len(latencies) / span:.1f} deliveries/s"
    )


if __name__ == "__main__":
    main()
