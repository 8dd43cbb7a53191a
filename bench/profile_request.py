"""Where a request's time goes: one URL, in-process, under cProfile, on a benchmark database.

    .venv/bin/python bench/profile_request.py /leads/ --size 100k
    .venv/bin/python bench/profile_request.py "/v2/leads?limit=10" --auth token --top 30

The database is ``crm_perf_<size>`` as ``bench/run.py`` made it (with its ``bench`` login). The
request runs through the whole stack (middleware, authentication, view, template or renderer)
with production settings (DEBUG off) in Django's test client: first ``--warmup`` times, then
``--requests`` times for the CPU time per request without the profiler, then as many again
under cProfile. It prints the CPU per request and the functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="The URL path (and query) to request.")
    parser.add_argument("--size", default="100k", help="Which benchmark database: 100k or 1m.")
    parser.add_argument("--auth", choices=("session", "token", "basic"), default="session")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db-prefix", default="crm_perf")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--top", type=int, default=40, help="Rows of the profile to print.")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key.")
    parser.add_argument("--queries", action="store_true", help="Also print the SQL of one request.")
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="crm.settings",
        DATABASE_URL=f"{args.postgres.rstrip('/')}/{args.db_prefix}_{args.size}",
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48),
        SECURE_SSL_REDIRECT="0",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from crm.pages.management.commands.generate_leads import BENCH_PASSWORD, BENCH_USERNAME

    user = get_user_model().objects.get(username=BENCH_USERNAME)
    client = Client()
    headers: dict[str, str] = {}
    if args.auth == "session":
        client.force_login(user)
    elif args.auth == "token":
        headers["Authorization"] = f"Token {Token.objects.get(user=user).key}"
    else:
        credentials = base64.b64encode(f"{BENCH_USERNAME}:{BENCH_PASSWORD}".encode()).decode()
        headers["Authorization"] = f"Basic {credentials}"

    def run(times: int) -> None:
        for _ in range(times):
            response = client.get(args.path, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{args.path} answered {response.status_code}")

    run(args.warmup)
    if args.queries:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            run(1)
        for number, query in enumerate(captured.captured_queries, 1):
            print(f"{number:>3}. {query['sql'][:300]}")
    started = time.process_time()
    run(args.requests)
    cpu_ms = (time.process_time() - started) / args.requests * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    run(args.requests)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(args.sort).print_stats(args.top)
    print(f"{args.path} ({args.auth}, {args.size}): {cpu_ms:.1f} ms of CPU per request")
    print(out.getvalue())


if __name__ == "__main__":
    main()
