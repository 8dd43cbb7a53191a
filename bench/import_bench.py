"""Time the CSV import of leads at scale and measure its peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/import_bench.py --rows 100000

Prepares the database (migrations, a catalog, staff users, sub-statuses, reasons, an extended
field, and customers for about half the rows), writes a CSV file of ``--rows`` leads with a
realistic mix (customers by userId, by mobile, new customers to register; every type and
status; about 1% bad rows), then runs ``manage.py import_leads`` on it in a child process and
reports the wall time, the rows per second and the child's peak resident memory.

Needs an empty-ish database of its own: it adds rows and does not remove them.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

PREFIX = "bench"
SKUS = 500
BRANDS = 50
CATEGORIES = 30
OWNERS = 20


def prepare(rows: int, seed: int) -> dict:
    """Reference rows and existing customers; returns what the file generator needs."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from crm.catalog.models import Brand, Category, Sku
    from customers.models import Customer
    from leads.models import (
        ExtendedFieldDefinition,
        Reason,
        Status,
        SubStatus,
    )
    from leads.services import reference_data_ensure

    call_command("migrate", verbosity=0)
    reference_data_ensure()
    User = get_user_model()
    for n in range(OWNERS):
        User.objects.get_or_create(
            username=f"{PREFIX}owner{n}", defaults={"is_staff": True, "is_active": True}
        )
    importer, _ = User.objects.get_or_create(
        username=f"{PREFIX}importer", defaults={"is_staff": True, "is_active": True}
    )
    Sku.objects.bulk_create(
        [Sku(code=f"BSKU{n:04d}", name=f"Bench SKU {n}") for n in range(SKUS)],
        ignore_conflicts=True,
    )
    Brand.objects.bulk_create(
        [Brand(code=f"BBR{n:03d}", name=f"Bench brand {n}") for n in range(BRANDS)],
        ignore_conflicts=True,
    )
    Category.objects.bulk_create(
        [Category(code=f"BCAT{n:03d}", name=f"Bench category {n}") for n in range(CATEGORIES)],
        ignore_conflicts=True,
    )
    for status, name in [(Status.ON_HOLD, "YetToDecide"), (Status.OPEN, "Contacted")]:
        SubStatus.objects.get_or_create(status=status, name=name)
    reason_ids = list(Reason.objects.values_list("pk", flat=True)[:5])
    if not reason_ids:
        reason_ids = [Reason.objects.create(reason=f"Bench reason {n}").pk for n in range(5)]
    ExtendedFieldDefinition.objects.get_or_create(
        name="budget", defaults={"data_type": ExtendedFieldDefinition.DataType.INTEGER}
    )

    # Customers for half the rows; their mobiles are 9170xxxxxxxx, new ones 9171xxxxxxxx.
    wanted = rows // 2
    existing = Customer.objects.filter(mobile__startswith="+9170").count()
    batch = []
    for n in range(existing, wanted):
        batch.append(Customer(first_name="Bench", last_name=str(n), mobile=f"+9170{n:08d}"))
        if len(batch) == 5000:
            Customer.objects.bulk_create(batch)
            batch = []
    Customer.objects.bulk_create(batch)
    customer_ids = list(
        Customer.objects.filter(mobile__startswith="+9170")
        .order_by("pk")
        .values_list("pk", "mobile")[:wanted]
    )
    return {
        "importer": importer.username,
        "customers": customer_ids,
        "reasons": reason_ids,
        "seed": seed,
    }


def write_file(path: Path, rows: int, context: dict) -> None:
    """The CSV file, written as a stream."""
    from leads.csv_io import COLUMNS

    rng = random.Random(context["seed"])
    customers = context["customers"]
    run = int(time.time()) % 100000
    header = [*COLUMNS, "ef_budget"]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for n in range(rows):
            kind = rng.random()
            user_id = id_type = identifier = ""
            if kind < 0.25:
                user_id = str(customers[n % len(customers)][0])
            elif kind < 0.5:
                id_type, identifier = "MOBILE", customers[n % len(customers)][1]
            else:
                # A new customer each time (unique per run), registered by the import.
                id_type, identifier = "MOBILE", f"+9171{(run * 1000003 + n) % 10**8:08d}"
            type_, lead_for = rng.choice(
                [
                    ("SKU", f"BSKU{rng.randrange(SKUS):04d}"),
                    ("SKU", f"BSKU{rng.randrange(SKUS):04d}"),
                    ("BRAND", f"BBR{rng.randrange(BRANDS):03d}"),
                    ("CATEGORY", f"BCAT{rng.randrange(CATEGORIES):03d}"),
                    ("CUSTOM", f"Custom request {n}"),
                ]
            )
            status, sub, reason = rng.choice(
                [
                    ("", "", ""),
                    ("OPEN", "Contacted", ""),
                    ("ON_HOLD", "YetToDecide", ""),
                    ("WON", "", str(rng.choice(context["reasons"]))),
                    ("LOST", "", str(rng.choice(context["reasons"]))),
                ]
            )
            if rng.random() < 0.01:
                # A bad row: an unknown SKU, a status outside the five, or an unknown owner.
                bad = rng.randrange(3)
                if bad == 0:
                    type_, lead_for = "SKU", "NO-SUCH-SKU"
                elif bad == 1:
                    status, sub = "PENDING", ""
            owner = f"{PREFIX}owner{rng.randrange(OWNERS)}"
            if rng.random() < 0.003:
                owner = "nobody"
            writer.writerow(
                [
                    type_,
                    lead_for,
                    user_id,
                    id_type,
                    identifier,
                    "Asha" if kind >= 0.5 else "",
                    f"Bench {n}" if kind >= 0.5 else "",
                    status,
                    sub,
                    reason,
                    owner,
                    rng.choice(["", "-1", "1", "10"]),
                    f"2030-0{rng.randrange(1, 10)}-1{rng.randrange(10)}T10:00:00+05:30"
                    if rng.random() < 0.5
                    else "",
                    "Asked about sizes, call back\nafter the weekend" if rng.random() < 0.2 else "",
                    str(rng.randrange(1000, 90000)) if rng.random() < 0.3 else "",
                ]
            )


APP_NAME = "leads-import-bench"


class _Watcher(threading.Thread):
    """Reads /proc while the import runs (Linux, local PostgreSQL): the import's peak resident
    memory (VmHWM, its own, from the moment it started) and the CPU time of the database
    backend serving it."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self.server_seconds: float | None = None
        self._done = threading.Event()

    def run(self) -> None:
        from django.db import connection

        postgres = connection.vendor == "postgresql"
        ticks = os.sysconf("SC_CLK_TCK")
        while not self._done.wait(0.2):
            self.peak_kib = max(self.peak_kib, _peak_kib(self.pid))
            if not postgres:
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
                )
                backends = [row[0] for row in cursor.fetchall()]
            for pid in backends:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self.server_seconds = (int(fields[11]) + int(fields[12])) / ticks
        connection.close()

    def stop(self) -> None:
        self._done.set()
        self.join()


def _peak_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_import(
    path: Path, username: str, extra: list[str]
) -> tuple[float, int, float, float | None, str]:
    """Runs import_leads; returns the wall time, its peak RSS (KiB), its CPU time, the CPU
    time of its database backend, and its output."""
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "import_leads",
        str(path),
        "--user",
        username,
        "--report",
        f"{path}.report.csv",
        *extra,
    ]
    env = {**os.environ, "PGAPPNAME": APP_NAME}
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    watcher = _Watcher(process.pid)
    watcher.start()
    out, err = process.communicate()
    elapsed = time.perf_counter() - started
    watcher.stop()
    # Not ru_maxrss of the children: on Linux it also counts the memory of this process,
    # which the child shares until it runs exec.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.stderr.write(err)
        raise SystemExit(f"import_leads failed ({process.returncode})")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, watcher.peak_kib, cpu, watcher.server_seconds, out.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", type=Path, default=Path("/tmp/leads-import-bench.csv"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dry-run", action="store_true", help="Time the dry run instead.")
    parser.add_argument(
        "--reuse-file", action="store_true", help="Import --file as it is (no new file)."
    )
    args = parser.parse_args()

    started = time.perf_counter()
    context = prepare(args.rows, args.seed)
    if not args.reuse_file:
        write_file(args.file, args.rows, context)
    size_mb = args.file.stat().st_size / 1e6
    print(
        f"Prepared database and wrote {args.rows:,} rows ({size_mb:.1f} MB) to {args.file} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    from django.db import connection

    vendor = connection.vendor
    connection.close()
    extra = ["--dry-run"] if args.dry_run else []
    load = os.getloadavg()[0]
    elapsed, peak_kib, cpu, server_cpu, output = run_import(args.file, context["importer"], extra)
    print(output)
    server = f", its database backend {server_cpu:.1f} s" if server_cpu is not None else ""
    print(
        f"{vendor}: {args.rows:,} rows {'checked' if args.dry_run else 'imported'} in "
        f"{elapsed:.1f} s ({args.rows / elapsed:,.0f} rows/s). CPU: import_leads {cpu:.1f} s"
        f"{server}. Peak RSS of import_leads {peak_kib / 1024:.0f} MB. Load average at the "
        f"start {load:.1f} on {os.cpu_count()} CPUs."
    )


if __name__ == "__main__":
    main()
