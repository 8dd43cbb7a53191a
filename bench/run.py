"""The benchmark: the app under gunicorn on PostgreSQL at 100k and 1M leads, against the floor.

    .venv/bin/python bench/run.py            # or: make bench

For each size it makes (once) the database ``crm_perf_<size>`` with ``generate_leads``,
serves the app with gunicorn sync workers pinned to CPU 0, and drives each endpoint from wrk
(or ``bench/client.py`` when wrk cannot be installed) pinned to CPU 1, for a fixed time after
a warm-up. It reports requests per second, p50 and p99 per endpoint, each read's throughput
as a ratio to the floor view (``bench/views.py``) answering the same rows, the peak RSS of
the workers, and writes everything to ``bench/results/``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
SIZES = {"100k": 100_000, "1m": 1_000_000}
DEEP_OFFSET = 50_000
BASIC_WARMUP = 6.0  # seconds of warm-up, at least, for the HTTP Basic reads


@dataclass
class Endpoint:
    name: str
    label: str
    requests: list[tuple[str, str, str]]  # (method, path, JSON body or "")
    # "token", "scoped" (the token of an associate of one store), "basic", "session" or "none"
    auth: str = "token"
    floor: str | None = None  # the floor endpoint this read is compared with
    # Other endpoints reported beside it: the token version of a Basic read, the same-payload
    # floor of a list.
    compare: tuple[str, ...] = ()
    write: bool = False
    result: dict[str, Any] = field(default_factory=dict)


def log(text: str) -> None:
    print(text, flush=True)


# --- set-up ---------------------------------------------------------------------------------


def ensure_wrk() -> str | None:
    """wrk from Debian's packages, installed when missing; None means the Python client."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        log("Installing wrk (Debian package)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        if subprocess.run(install, env=env, capture_output=True, check=False).returncode:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)
            subprocess.run(install, env=env, capture_output=True, check=False)
    found = shutil.which("wrk")
    if not found:
        log("wrk is not available: using the Python client (bench/client.py)")
    return found


def pg_url(base: str, name: str) -> str:
    return f"{base.rstrip('/')}/{name}"


def django_env(database_url: str, args: argparse.Namespace) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        # Production settings: DEBUG off (no query log, the manifest static storage).
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48),
        # Plain HTTP on loopback: no redirect to HTTPS.
        "SECURE_SSL_REDIRECT": "0",
        # The benchmark user writes far more than a person: the per-user write throttle
        # (600/min by default) would answer 429s instead of measuring the writes.
        "THROTTLE_WRITES": "1000000/min",
        "PYTHONPATH": str(ROOT),
    }
    # Connections live through the whole run (the app's default closes them after 60 s):
    # a backend that is replaced during a measurement takes its CPU time with it, and the
    # database's share of the request would be unknown.
    env["CONN_MAX_AGE"] = str(args.conn_max_age if args.conn_max_age is not None else 3600)
    if args.db_pool is not None:
        env["DB_POOL"] = "1" if args.db_pool else "0"
    if args.count_cache_seconds is not None:
        env["LEADS_COUNT_CACHE_SECONDS"] = str(args.count_cache_seconds)
    return env


def manage(env: dict[str, str], *command: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def lead_count(base_url: str, db_name: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(pg_url(base_url, db_name), autocommit=True) as conn:
            if conn.execute("SELECT to_regclass('leads_lead')").fetchone()[0] is None:
                return None
            return conn.execute("SELECT count(*) FROM leads_lead").fetchone()[0]
    except psycopg.OperationalError:
        return None


def ensure_database(base_url: str, db_name: str, count: int, env: dict, regenerate: bool) -> None:
    import psycopg

    with psycopg.connect(pg_url(base_url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone()
        if not exists:
            log(f"Creating database {db_name}")
            conn.execute(f'CREATE DATABASE "{db_name}"')
    manage(env, "migrate", "--noinput", "-v0")
    current = lead_count(base_url, db_name) or 0
    # The write endpoints add a few thousand leads per run: regenerate only when asked or
    # when the data is missing.
    if regenerate or current < count:
        log(f"Generating {count} leads in {db_name} (has {current})")
        started = time.monotonic()
        out = manage(env, "generate_leads", str(count), "--replace")
        log(f"  {out.strip().splitlines()[0]} [{time.monotonic() - started:.0f}s wall]")


# --- requests -------------------------------------------------------------------------------


def endpoints(data: dict[str, Any]) -> list[Endpoint]:
    """Every measured endpoint, each read right after the floor it is compared with."""
    owner, customer = data["owner"], data["customer_id"]
    filters = {
        "all": "",
        "status_owner": f"status=OPEN&owner={owner}&",
        "user": f"userId={customer}&",
        "offset": f"offset={DEEP_OFFSET}&",
    }
    labels = {
        "all": "no filter",
        "status_owner": "status=OPEN + owner",
        "user": "userId",
        "offset": f"offset={DEEP_OFFSET}",
    }
    out: list[Endpoint] = []
    for key, query in filters.items():
        for limit in (10, 100):
            floor = f"floor_{key}_{limit}"
            out.append(
                Endpoint(
                    floor,
                    f"floor: {labels[key]}, limit={limit}",
                    [("GET", f"/bench/floor?{query}limit={limit}", "")],
                    auth="none",
                )
            )
            nested = key == "all" and limit == 100
            if nested:
                out.append(
                    Endpoint(
                        "floor_nested_all_100",
                        "same-payload floor: no filter, limit=100",
                        [("GET", f"/bench/floor_nested?{query}limit={limit}", "")],
                        auth="none",
                    )
                )
            name = f"list_{key}_{limit}"
            out.append(
                Endpoint(
                    name,
                    f"GET /v2/leads {labels[key]}, limit={limit}",
                    [("GET", f"/v2/leads?{query}limit={limit}", "")],
                    floor=floor,
                    compare=("floor_nested_all_100",) if nested else (),
                )
            )
            if key == "all":
                # The same list as an associate of one store sees it: the scope is a condition
                # of the page's query (leads.access), reported beside the unscoped list.
                out.append(
                    Endpoint(
                        f"{name}_scoped",
                        f"GET /v2/leads {labels[key]}, limit={limit}, associate of one store",
                        [("GET", f"/v2/leads?{query}limit={limit}", "")],
                        auth="scoped",
                        floor=floor,
                        compare=(name,),
                    )
                )
            if key == "all" and limit == 10:
                out.append(
                    Endpoint(
                        f"{name}_basic",
                        f"GET /v2/leads {labels[key]}, limit={limit}, HTTP Basic",
                        [("GET", f"/v2/leads?{query}limit={limit}", "")],
                        auth="basic",
                        floor=floor,
                        compare=(name,),
                    )
                )
    import random

    rng = random.Random(11)
    ids = [rng.randint(data["min_id"], data["max_id"]) for _ in range(5000)]
    out.append(
        Endpoint(
            "floor_detail",
            "floor: one lead by id",
            [("GET", f"/bench/floor?id={i}&limit=1", "") for i in ids],
            auth="none",
        )
    )
    out.append(
        Endpoint(
            "detail",
            "GET /v2/leads/{id}",
            [("GET", f"/v2/leads/{i}", "") for i in ids],
            floor="floor_detail",
        )
    )
    out.append(
        Endpoint(
            "detail_basic",
            "GET /v2/leads/{id}, HTTP Basic",
            [("GET", f"/v2/leads/{i}", "") for i in ids],
            auth="basic",
            floor="floor_detail",
            compare=("detail",),
        )
    )
    out.append(
        Endpoint(
            "page_list",
            "staff lead list page /leads/",
            [("GET", "/leads/", "")],
            auth="session",
            floor="floor_all_10",
        )
    )
    out.append(
        Endpoint(
            "page_dashboard",
            "dashboard page /",
            [("GET", "/", "")],
            auth="session",
            floor="floor_all_10",
        )
    )
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    # New leads are dated before the generated ones (which span two years), so that the
    # leads each run adds do not become the first page the list endpoints read.
    long_ago = (now - datetime.timedelta(days=3 * 365)).isoformat()
    now = now.isoformat()
    skus = data["skus"]
    creates = []
    for i in range(5000):
        body = {
            "type": "SKU",
            "leadFor": skus[i % len(skus)],
            "userId": rng.randint(data["min_customer_id"], data["max_customer_id"]),
            "owner": owner,
            "orgSourceId": 10,
            "nextFollowUp": now,
            "createdOn": long_ago,
            "extendedFields": {"preferred_store": "Bandra"},
        }
        creates.append(("POST", "/v2/leads", json.dumps(body)))
    out.append(Endpoint("create", "POST /v2/leads", creates, write=True))
    subs = data["on_hold_sub_statuses"] or [None]
    pool = data["open_lead_ids"]
    out.append(
        Endpoint(
            "status",
            "PUT /v2/leads/{id}/status",
            [
                (
                    "PUT",
                    f"/v2/leads/{lead_id}/status",
                    json.dumps(
                        {
                            "status": "ON_HOLD",
                            "subStatus": subs[n % len(subs)],
                            "reasonId": data["reason_id"],
                            "notes": "Customer will decide next week",
                        }
                    ),
                )
                for n, lead_id in enumerate(pool)
            ],
            write=True,
        )
    )
    out.append(
        Endpoint(
            "followup",
            "POST /v2/leads/{id}/followup",
            [
                (
                    "POST",
                    f"/v2/leads/{lead_id}/followup",
                    json.dumps({"followedUpOn": now, "notes": "Called, will visit on Saturday"}),
                )
                for lead_id in reversed(pool)
            ],
            write=True,
        )
    )
    return out


def headers_for(endpoint: Endpoint, data: dict[str, Any]) -> list[str]:
    headers = ["Content-Type: application/json"]
    if endpoint.auth == "token":
        headers.append(f"Authorization: Token {data['token']}")
    elif endpoint.auth == "scoped":
        headers.append(f"Authorization: Token {data['scoped_token']}")
    elif endpoint.auth == "basic":
        headers.append(f"Authorization: Basic {data['basic']}")
    elif endpoint.auth == "session":
        headers.append(f"Cookie: {data['session_cookie']}")
    return headers


# --- the server -----------------------------------------------------------------------------


class Server:
    def __init__(self, env: dict[str, str], args: argparse.Namespace, log_path: Path) -> None:
        self.env, self.args, self.log_path = env, args, log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.args.port}"

    def start(self) -> None:
        command = [
            GUNICORN,
            "crm.wsgi:application",
            "--worker-class",
            "sync",
            "--workers",
            str(self.args.workers),
            "--bind",
            f"127.0.0.1:{self.args.port}",
            "--chdir",
            str(ROOT),
            "--timeout",
            "60",
            "--error-logfile",
            str(self.log_path),
            # gunicorn's control socket has one default path per user: other servers on the
            # machine would share it.
            "--no-control-socket",
        ]
        command = pin(self.args.server_cpus) + command
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/bench/floor?limit=1", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn did not answer; see {self.log_path}")

    def workers(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def peak_rss_mb(self) -> list[float]:
        """VmHWM (peak resident set) of each worker, in MB."""
        peaks = []
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"VmHWM:\s+(\d+) kB", status)
            if match:
                peaks.append(int(match.group(1)) / 1024)
        return peaks

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each process has used (from /proc/<pid>/stat)."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return used


class DatabaseBackends:
    """The PostgreSQL server processes serving the benchmark database's connections."""

    def __init__(self, base_url: str, db_name: str) -> None:
        import psycopg

        self.db_name = db_name
        self.conn = psycopg.connect(pg_url(base_url, "postgres"), autocommit=True)

    def pids(self) -> list[int]:
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = "
            "'client backend' AND pid <> pg_backend_pid()",
            [self.db_name],
        ).fetchall()
        return sorted(row[0] for row in rows)

    def close(self) -> None:
        self.conn.close()


def cpu_per_request(before: dict[int, float], after: dict[int, float], requests: int) -> float:
    used = sum(after[pid] - before.get(pid, 0.0) for pid in after)
    return used / max(requests, 1) * 1000


def pin(cpus: str | None) -> list[str]:
    if cpus and shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        return ["taskset", "-c", cpus]
    return []


# --- load -----------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(text)
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, Any]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return {
        "requests": requests,
        "rps": rps,
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "errors": errors,
    }


def drive(
    endpoint: Endpoint,
    data: dict[str, Any],
    server: Server,
    args: argparse.Namespace,
    wrk: str | None,
    workdir: Path,
    duration: float,
    warmup: bool = False,
) -> dict[str, Any]:
    requests = endpoint.requests
    if endpoint.write:
        # Each write request is used once: a status change sent twice would be a 409. The
        # warm-up takes the second half of the requests, the measurement the first.
        half = len(requests) // 2
        requests = requests[half:] if warmup else requests[:half]
    request_file = workdir / f"{endpoint.name}.tsv"
    request_file.write_text("".join(f"{m}\t{p}\t{b}\n" for m, p, b in requests))
    headers = headers_for(endpoint, data)
    if wrk:
        command = [
            wrk,
            "-t1",
            f"-c{args.connections}",
            f"-d{max(1, round(duration))}s",
            "--latency",
        ]
        command += ["--timeout", "30s", "-s", str(BENCH / "requests.lua")]
        for header in headers:
            command += ["-H", header]
        command += [server.url, "--", str(request_file)]
    else:
        command = [PYTHON, "-m", "bench.client", "--url", server.url]
        command += ["--requests", str(request_file), "--duration", str(duration)]
        command += ["--connections", str(args.connections)]
        for header in headers:
            command += ["--header", header]
    result = subprocess.run(
        pin(args.client_cpus) + command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise SystemExit(f"load generator failed: {result.stdout}{result.stderr}")
    return parse_wrk(result.stdout) if wrk else json.loads(result.stdout)


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def probe(env: dict[str, str], endpoints_: list[Endpoint], data: dict[str, Any]) -> dict:
    """One request per endpoint in-process: status code and SQL query count."""
    specs = {
        "token": data["token"],
        "scoped_token": data["scoped_token"],
        "basic": data["basic"],
        "session_cookie": data["session_cookie"],
        "requests": [
            {
                "name": e.name,
                "method": e.requests[-1][0],
                "path": e.requests[-1][1],
                "body": e.requests[-1][2],
                "auth": e.auth,
            }
            for e in endpoints_
        ],
    }
    result = subprocess.run(
        [PYTHON, "-m", "bench.prepare", "probe"],
        cwd=ROOT,
        env=env,
        input=json.dumps(specs),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"probe failed:\n{result.stderr[-3000:]}")
    return {row["name"]: row for row in json.loads(result.stdout)}


def size_database(label: str, count: int, args: argparse.Namespace) -> tuple[str, dict]:
    """The size's database (made and filled when missing) and the environment to reach it."""
    db_name = f"{args.db_prefix}_{label}"
    env = django_env(pg_url(args.postgres, db_name), args)
    if not args.skip_generate:
        ensure_database(args.postgres, db_name, count, env, args.regenerate)
    return db_name, env


def run_module(module: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [PYTHON, "-m", module], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise SystemExit(f"{module} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def bench_size(label: str, count: int, args: argparse.Namespace, wrk: str | None) -> dict:
    db_name, env = size_database(label, count, args)
    data = json.loads(run_module("bench.prepare", env))
    every = endpoints(data)
    wanted = {e.name for e in every if not args.only or any(o in e.name for o in args.only)}
    # A floor (and what else a read is compared with) is measured whenever the read is.
    wanted |= {e.floor for e in every if e.name in wanted and e.floor}
    wanted |= {other for e in every if e.name in wanted for other in e.compare}
    selected = [e for e in every if e.name in wanted]
    probes = probe(env, selected, data)
    log(
        f"\n== {label}: {data['leads']} leads in {db_name}; owner {data['owner']} has "
        f"{data['owner_open_leads']} OPEN leads; customer {data['customer_id']} has "
        f"{data['customer_leads']} leads; load average {loadavg()}"
    )
    server = Server(env, args, RESULTS / f"gunicorn-{label}.log")
    server.start()
    db = DatabaseBackends(args.postgres, db_name)
    try:
        with tempfile.TemporaryDirectory(prefix="crm-bench-") as tmp:
            for endpoint in selected:
                check = probes.get(endpoint.name, {})
                # Each worker's first Basic request runs the password hasher (about a second
                # on a busy core) before the cache answers: the steady state is measured.
                warmup = max(args.warmup, BASIC_WARMUP) if endpoint.auth == "basic" else args.warmup
                if warmup:
                    drive(endpoint, data, server, args, wrk, Path(tmp), warmup, warmup=True)
                # CPU time per request, of the workers and of their database backends: unlike
                # throughput, it hardly moves when other work shares the machine.
                workers, backends = server.workers(), db.pids()
                cpu_before = cpu_seconds(workers), cpu_seconds(backends)
                endpoint.result = drive(endpoint, data, server, args, wrk, Path(tmp), args.duration)
                cpu_after = cpu_seconds(workers), cpu_seconds(backends)
                r = endpoint.result
                r.update(status=check.get("status"), queries=check.get("queries"), load=loadavg())
                r["app_cpu_ms"] = cpu_per_request(cpu_before[0], cpu_after[0], r["requests"])
                # Known only when the connections lived through the run (persistent ones).
                same = bool(backends) and backends == db.pids()
                r["db_cpu_ms"] = (
                    cpu_per_request(cpu_before[1], cpu_after[1], r["requests"]) if same else None
                )
                db_cpu = f"{r['db_cpu_ms']:.1f}" if r["db_cpu_ms"] is not None else "?"
                log(
                    f"  {endpoint.label:<44} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.1f} ms"
                    f"  p99 {r['p99_ms']:7.1f} ms  errors {r['errors']:<4} "
                    f"CPU/req app {r['app_cpu_ms']:.1f} ms db {db_cpu} ms  "
                    f"queries {r['queries']}  (HTTP {r['status']}, load {r['load']})"
                )
        rss = server.peak_rss_mb()
    finally:
        server.stop()
        db.close()
    by_name = {e.name: e for e in selected}
    rows = {}
    for e in selected:
        row = dict(e.result, label=e.label, write=e.write, floor=e.floor)
        floor = by_name[e.floor].result if e.floor in by_name else {}
        if floor.get("rps"):
            row["floor_ratio"] = e.result["rps"] / floor["rps"]
        if floor.get("app_cpu_ms") and e.result.get("app_cpu_ms"):
            row["floor_cpu_ratio"] = total_cpu(floor) / total_cpu(e.result)
        row["compared"] = {
            other: {
                "ratio": e.result["rps"] / by_name[other].result["rps"],
                "cpu_ratio": total_cpu(by_name[other].result) / total_cpu(e.result),
            }
            for other in e.compare
            if by_name.get(other) and by_name[other].result.get("rps") and e.result.get("rps")
        }
        rows[e.name] = row
    log(f"  peak RSS per worker: {', '.join(f'{m:.0f} MB' for m in rss)}")
    return {"leads": data["leads"], "database": db_name, "endpoints": rows, "peak_rss_mb": rss}


def explain_size(label: str, count: int, args: argparse.Namespace) -> None:
    _, env = size_database(label, count, args)
    output = run_module("bench.explain", env)
    path = RESULTS / f"explain-{label}.md"
    path.write_text(output)
    log(f"\n== EXPLAIN ANALYZE at {label} (full plans in bench/results/{path.name})")
    log(output.split("\n## Full plans")[0])


def total_cpu(result: dict[str, Any]) -> float:
    return result["app_cpu_ms"] + (result.get("db_cpu_ms") or 0.0)


# --- report ---------------------------------------------------------------------------------


def machine(postgres_url: str) -> dict[str, Any]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
        memory_gb = f"{int(memory) / 1024 / 1024:.0f} GB"
    except OSError:
        memory_gb = "?"
    postgres = "?"
    try:
        import psycopg

        with psycopg.connect(pg_url(postgres_url, "postgres")) as conn:
            postgres = conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 - only a label in the report
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory": memory_gb,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgres": postgres,
    }


def markdown(report: dict[str, Any]) -> str:
    """The results table. "/ floor" is the throughput ratio to the floor answering the same
    rows; "CPU" is the CPU time per request of the workers plus their database backends, and
    "/ floor (CPU)" the floor's CPU per request over the endpoint's."""
    sizes = list(report["sizes"])
    head = "| endpoint |"
    rule = "|---|"
    for size in sizes:
        head += f" {size} req/s | p50 ms | p99 ms | / floor | CPU ms | / floor (CPU) |"
        rule += "---:|---:|---:|---:|---:|---:|"
    if len(sizes) == 2:
        head += f" {sizes[1]} / {sizes[0]} req/s | {sizes[1]} / {sizes[0]} (CPU) |"
        rule += "---:|---:|"
    lines = [head, rule]
    names = list(report["sizes"][sizes[0]]["endpoints"])
    for name in names:
        first = report["sizes"][sizes[0]]["endpoints"][name]
        line = f"| {first['label']} |"
        for size in sizes:
            row = report["sizes"][size]["endpoints"].get(name)
            if not row:
                line += " | | | | | |"
                continue
            ratio = f"{row['floor_ratio']:.2f}" if "floor_ratio" in row else ""
            cpu_ratio = f"{row['floor_cpu_ratio']:.2f}" if "floor_cpu_ratio" in row else ""
            errors = f" ({row['errors']} errors)" if row["errors"] else ""
            db = "" if row.get("db_cpu_ms") is not None else "+?"
            line += (
                f" {row['rps']:.0f}{errors} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {ratio} |"
                f" {total_cpu(row):.1f}{db} | {cpu_ratio} |"
            )
        if len(sizes) == 2:
            a = report["sizes"][sizes[0]]["endpoints"].get(name)
            b = report["sizes"][sizes[1]]["endpoints"].get(name)
            if a and b and a["rps"]:
                line += f" {b['rps'] / a['rps']:.2f} | {total_cpu(a) / total_cpu(b):.2f} |"
            else:
                line += " | |"
        lines.append(line)
    lines += _comparisons(report, sizes)
    rss = "; ".join(
        f"{size}: " + ", ".join(f"{m:.0f}" for m in report["sizes"][size]["peak_rss_mb"]) + " MB"
        for size in sizes
    )
    m = report["machine"]
    lines += [
        "",
        f"Peak RSS per gunicorn worker (VmHWM): {rss}.",
        f"Command: `{report['command']}`",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM, Linux {m['kernel']}, "
        f"Python {m['python']}, PostgreSQL {m['postgres']}; load generator {report['client']}; "
        f"gunicorn {report['workers']} sync workers on CPU {report['server_cpus']}, "
        f"{report['connections']} connections from CPU {report['client_cpus']}; "
        f"{report['duration']}s per endpoint after {report['warmup']}s warm-up; "
        f"server settings {report['server_settings']}; load average before/after "
        f"{report['load_before']} / {report['load_after']}; {report['started']}.",
    ]
    return "\n".join(lines)


def _comparisons(report: dict[str, Any], sizes: list[str]) -> list[str]:
    """A second table: each read against what else it is compared with (a Basic read with
    its token version, the 100-row list with its same-payload floor), by throughput and CPU."""
    pairs: dict[tuple[str, str], dict[str, dict[str, float]]] = {}
    for size in sizes:
        for name, row in report["sizes"][size]["endpoints"].items():
            for other, ratios in row.get("compared", {}).items():
                pairs.setdefault((name, other), {})[size] = ratios
    if not pairs:
        return []
    labels = {
        name: row["label"]
        for size in sizes
        for name, row in report["sizes"][size]["endpoints"].items()
    }
    head = "| read | compared with |" + "".join(
        f" {size} req/s ratio | {size} CPU ratio |" for size in sizes
    )
    lines = ["", head, "|---|---|" + "---:|---:|" * len(sizes)]
    for (name, other), by_size in pairs.items():
        line = f"| {labels[name]} | {labels.get(other, other)} |"
        for size in sizes:
            ratios = by_size.get(size)
            line += f" {ratios['ratio']:.2f} | {ratios['cpu_ratio']:.2f} |" if ratios else " | |"
        lines.append(line)
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k,1m", help="Comma-separated: 100k, 1m.")
    parser.add_argument("--duration", type=float, default=10, help="Seconds per endpoint.")
    parser.add_argument("--warmup", type=float, default=2, help="Warm-up seconds per endpoint.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
    parser.add_argument("--connections", type=int, default=2, help="Concurrent connections.")
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--server-cpus", default="0", help="taskset CPU list for gunicorn.")
    parser.add_argument("--client-cpus", default="1", help="taskset CPU list for the load.")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db-prefix", default="crm_perf")
    parser.add_argument("--only", action="append", help="Only endpoints whose name has this.")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--regenerate", action="store_true", help="Generate the data again.")
    parser.add_argument(
        "--conn-max-age", type=int, default=None, help="CONN_MAX_AGE (default 3600)."
    )
    parser.add_argument(
        "--db-pool", type=int, choices=(0, 1), default=None, help="Override DB_POOL."
    )
    parser.add_argument(
        "--count-cache-seconds",
        type=int,
        default=None,
        help="Override LEADS_COUNT_CACHE_SECONDS (0: every total and dashboard counted).",
    )
    parser.add_argument("--python-client", action="store_true", help="Do not use wrk.")
    parser.add_argument("--tag", default="", help="A name for the result files.")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="Only EXPLAIN ANALYZE the list filters, sorts and dashboard (no load).",
    )
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    RESULTS.mkdir(exist_ok=True)
    wrk = None if args.python_client else ensure_wrk()
    started = datetime.datetime.now(datetime.UTC)
    log("Collecting static files")
    manage(django_env(pg_url(args.postgres, "postgres"), args), "collectstatic", "--noinput", "-v0")
    load_before = loadavg()
    report: dict[str, Any] = {
        "command": " ".join(["bench/run.py", *sys.argv[1:]]),
        "started": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(args.postgres),
        "client": "wrk" if wrk else "bench/client.py",
        "workers": args.workers,
        "connections": args.connections,
        "server_cpus": args.server_cpus,
        "client_cpus": args.client_cpus,
        "duration": args.duration,
        "warmup": args.warmup,
        "server_settings": {
            k: v
            for k, v in (
                ("CONN_MAX_AGE", args.conn_max_age if args.conn_max_age is not None else 3600),
                ("DB_POOL", args.db_pool),
                ("LEADS_COUNT_CACHE_SECONDS", args.count_cache_seconds),
            )
            if v is not None
        }
        or "as crm/settings.py",
        "load_before": load_before,
        "sizes": {},
    }
    for label in args.sizes.split(","):
        if args.explain:
            explain_size(label, SIZES[label], args)
            continue
        report["sizes"][label] = bench_size(label, SIZES[label], args, wrk)
    if args.explain:
        return
    report["load_after"] = loadavg()
    stamp = started.strftime("%Y%m%d-%H%M%S") + (f"-{args.tag}" if args.tag else "")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2))
    table = markdown(report)
    (RESULTS / f"{stamp}.md").write_text(table + "\n")
    log("\n" + table)
    log(f"\nWritten: bench/results/{stamp}.md and .json")


if __name__ == "__main__":
    main()
