"""Benchmark data at scale: N leads with realistic spreads, written with bulk inserts.

Each lead gets 2-4 follow-ups and 2-4 status rows; about N/3 customers are shared by the
leads; owners are drawn from ~20 staff users, each an associate of a few of the org's stores,
and each lead belongs to a store of its owner's (an unowned lead to any store). The data is
consistent with what the services would have written: the status log ends with the lead's
status and sub-status, consecutive rows differ, ``last_follow_up`` is the latest follow-up,
closed leads have no next follow-up.

On PostgreSQL the rows go in with ``COPY`` (explicit ids, sequences reset afterwards, then
``VACUUM ANALYZE``); elsewhere with ``executemany``. The whole load is one transaction.

    manage.py generate_leads 1000000 --replace
"""

from __future__ import annotations

import datetime
import json
import random
import time
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from rest_framework.authtoken.models import Token

from crm.catalog.models import Brand, Category, Sku
from crm.core.db import copy_rows
from crm.org.models import OrgUnit, Role, StaffRole, UnitType
from crm.pages.management.commands.seed_demo import FIRST_NAMES, LAST_NAMES, NOTES
from crm.pages.management.commands.seed_demo import Command as SeedDemo
from crm.pages.reference import reference_lists_changed
from customers.models import Customer
from leads.models import (
    ACTIVE_STATUSES,
    FollowUp,
    Lead,
    LeadStatus,
    LeadType,
    OwnerChange,
    Reason,
    Status,
    StoreChange,
    SubStatus,
)
from leads.services import reference_data_ensure

BENCH_USERNAME = "bench"
BENCH_PASSWORD = "bench-pass"
OWNER_COUNT = 20
# The org: zones of stores; the benchmark's scoped login is an associate of the first store.
ZONE_COUNT = 4
STORE_COUNT = 100
SCOPED_USERNAME = "bench-associate"
SCOPED_STORE = "B001"

# How often each value occurs, roughly as in a retail org's CRM.
TYPE_WEIGHTS = {LeadType.SKU: 60, LeadType.BRAND: 15, LeadType.CATEGORY: 15, LeadType.CUSTOM: 10}
SOURCE_WEIGHTS = {-1: 45, 10: 15, 1: 10, 8: 10, 2: 5, 4: 4, 9: 3, 7: 3, 3: 2, 5: 2, 6: 1}
# Status depends on age: young leads are mostly still open, old ones mostly closed.
STATUS_WEIGHTS_BY_AGE = [
    # (younger than N days, {status: weight})
    (14, {Status.OPEN: 70, Status.ON_HOLD: 15, Status.WON: 7, Status.LOST: 6, Status.DELETED: 2}),
    (60, {Status.OPEN: 35, Status.ON_HOLD: 20, Status.WON: 20, Status.LOST: 20, Status.DELETED: 5}),
    (
        10**6,
        {Status.OPEN: 8, Status.ON_HOLD: 7, Status.WON: 35, Status.LOST: 44, Status.DELETED: 6},
    ),
]
CUSTOM_ITEMS = ["Wedding gift set", "Bulk order for office", "Custom engraving", "Gift card"]
STORES = ["Bandra", "Indiranagar", "Saket", "Koramangala", "Powai", "Salt Lake"]
SIZES = ["S", "M", "L", "XL"]
# Loads from this many leads drop and rebuild the secondary indexes (PostgreSQL).
REBUILD_INDEXES_FROM = 50_000
# Leads per batch: bounds memory while keeping each COPY large.
BATCH = 50_000


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@dataclass
class Catalog:
    """What the rows refer to, loaded once."""

    owners: list[int]
    owner_weights: list[float]
    # The stores each owner works at, and every store (for unowned leads).
    owner_stores: dict[int, list[int]]
    stores: list[int]
    sub_statuses: dict[str, list[int]]
    reasons: list[int]
    items: dict[str, list[str]]


class TableWriter:
    """Rows into one table through the shared bulk insert helper."""

    def __init__(self, table: str, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = list(columns)

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            copy_rows(self.table, self.columns, rows)


class Clock:
    """UTC date-times as database text. Formatting is the slow part: the date is cached per
    day and the time of day computed (epoch minutes are aligned with UTC days)."""

    def __init__(self, now: datetime.datetime, postgres: bool) -> None:
        self.now_minute = int(now.timestamp()) // 60
        self.suffix = "+00" if postgres else ""
        self._days: dict[int, str] = {}
        self._clock = [f" {h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
        self._seconds = [f"{s:02d}{self.suffix}" for s in range(60)]

    def text(self, minute: int, second: int) -> str:
        day, in_day = divmod(minute, 1440)
        date = self._days.get(day)
        if date is None:
            moment = datetime.datetime.fromtimestamp(day * 86400, tz=datetime.UTC)
            date = self._days[day] = moment.strftime("%Y-%m-%d")
        return date + self._clock[in_day] + self._seconds[second]


class Command(BaseCommand):
    help = "Generate N leads (with customers, follow-ups and status history) for benchmarks."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("count", type=int, help="How many leads to add.")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--customers", type=int, default=None, help="How many customers (default N/3)."
        )
        parser.add_argument("--days", type=int, default=730, help="Leads span this many days.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove existing leads, their history and customers first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["count"]
        self.verbosity = options["verbosity"]
        if count < 1:
            raise CommandError("count must be at least 1")
        started = time.monotonic()
        rng = random.Random(options["seed"])
        n_customers = options["customers"] or max(1, count // 3)
        with transaction.atomic():
            reference_data_ensure()
            seed = SeedDemo()
            seed._configuration()
            seed._catalog()
            token = self._bench_user()
            self._org()
            catalog = self._catalog()
            # Staff and stores went in by bulk inserts, which send no signals.
            reference_lists_changed()
        if options["replace"]:
            self._remove_existing()
        with transaction.atomic():
            checks_skipped = self._fast_load_session()
            rebuild = self._drop_secondary_indexes(count)
            first_ids = {model: self._next_id(model) for model in (Lead, FollowUp, LeadStatus)}
            first_customer = self._next_id(Customer)
            self._customers(rng, first_customer, n_customers)
            leads, followups, statuses = self._leads(
                rng,
                count=count,
                days=options["days"],
                catalog=catalog,
                customers=(first_customer, n_customers),
                first_ids=first_ids,
            )
            self._reset_sequences()
            self._log(f"Rows written ({time.monotonic() - started:.1f}s)")
            if checks_skipped:
                self._verify_foreign_keys(first_ids)
                self._log(f"Foreign keys verified ({time.monotonic() - started:.1f}s)")
            with connection.cursor() as cursor:
                for sql in rebuild:
                    cursor.execute(sql)
            if rebuild:
                self._log(f"{len(rebuild)} indexes rebuilt ({time.monotonic() - started:.1f}s)")
        loaded = time.monotonic()
        self._analyze()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {count} leads, {n_customers} customers, {followups} follow-ups, "
                f"{statuses} status rows in {elapsed:.1f}s "
                f"(load {loaded - started:.1f}s, analyze {elapsed - (loaded - started):.1f}s)."
            )
        )
        self.stdout.write(f"Benchmark login: {BENCH_USERNAME} / {BENCH_PASSWORD}, token {token}")

    # --- users and configuration ------------------------------------------------------------

    def _bench_user(self) -> str:
        """The benchmark's staff login, and ~20 staff owners sharing one password hash."""
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=BENCH_USERNAME,
            defaults={"is_staff": True, "is_superuser": True, "email": "bench@store.example"},
        )
        if created or not user.check_password(BENCH_PASSWORD):
            user.set_password(BENCH_PASSWORD)
            user.is_staff = user.is_active = user.is_superuser = True
            user.save()
        token, _ = Token.objects.get_or_create(user=user)
        # Owners never log in during the benchmark: one hash (computed once) serves all.
        password = make_password(None)
        existing = set(
            User.objects.filter(username__startswith="owner").values_list("username", flat=True)
        )
        User.objects.bulk_create(
            [
                User(
                    username=f"owner{i:02d}",
                    first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                    last_name=LAST_NAMES[i % len(LAST_NAMES)],
                    email=f"owner{i:02d}@store.example",
                    is_staff=True,
                    password=password,
                )
                for i in range(1, OWNER_COUNT + 1)
                if f"owner{i:02d}" not in existing
            ]
        )
        return token.key

    def _org(self) -> None:
        """Zones and stores, each owner an associate of the stores whose number matches theirs
        (owner01: B001, B021, ...), and the scoped login: an associate of one store."""
        existing = set(OrgUnit.objects.values_list("code", flat=True))
        OrgUnit.objects.bulk_create(
            [
                OrgUnit(code=f"Z{z}", name=f"Zone {z}", type=UnitType.ZONE)
                for z in range(1, ZONE_COUNT + 1)
                if f"Z{z}" not in existing
            ]
        )
        zones = dict(OrgUnit.objects.filter(type=UnitType.ZONE).values_list("code", "pk"))
        OrgUnit.objects.bulk_create(
            [
                OrgUnit(
                    code=f"B{s:03d}",
                    name=f"Store {s}",
                    type=UnitType.STORE,
                    parent_id=zones[f"Z{(s - 1) % ZONE_COUNT + 1}"],
                )
                for s in range(1, STORE_COUNT + 1)
                if f"B{s:03d}" not in existing
            ]
        )
        stores = dict(
            OrgUnit.objects.filter(code__startswith="B", type=UnitType.STORE).values_list(
                "code", "pk"
            )
        )
        User = get_user_model()
        scoped, created = User.objects.get_or_create(
            username=SCOPED_USERNAME,
            defaults={"is_staff": True, "email": "associate@store.example"},
        )
        if created:
            scoped.set_password(BENCH_PASSWORD)
            scoped.save()
        Token.objects.get_or_create(user=scoped)
        people = dict(
            User.objects.filter(username__startswith="owner").values_list("username", "pk")
        )
        places = {SCOPED_USERNAME: [stores[SCOPED_STORE]]}
        for i in range(1, OWNER_COUNT + 1):
            places[f"owner{i:02d}"] = [
                pk for code, pk in stores.items() if (int(code[1:]) - 1) % OWNER_COUNT == i - 1
            ]
        people[SCOPED_USERNAME] = scoped.pk
        for username, store_ids in places.items():
            role, _ = StaffRole.objects.get_or_create(
                user_id=people[username], defaults={"role": Role.ASSOCIATE}
            )
            role.units.set(store_ids)

    def _catalog(self) -> Catalog:
        User = get_user_model()
        owners = list(
            User.objects.filter(username__startswith="owner", is_staff=True)
            .order_by("username")
            .values_list("pk", flat=True)
        )
        owner_stores: dict[int, list[int]] = {pk: [] for pk in owners}
        for user_id, store_id in StaffRole.units.through.objects.filter(
            staffrole__user_id__in=owners
        ).values_list("staffrole__user_id", "orgunit_id"):
            owner_stores[user_id].append(store_id)
        all_stores = list(
            OrgUnit.objects.filter(type=UnitType.STORE, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # A few owners hold many leads, most hold a fair share (a Zipf-like spread).
        weights = [1 / (rank + 2) ** 0.8 for rank in range(len(owners))]
        sub_statuses = {
            status: list(
                SubStatus.objects.filter(status=status).order_by("pk").values_list("pk", flat=True)
            )
            for status in Status.values
        }
        return Catalog(
            owners=owners,
            owner_weights=weights,
            owner_stores={pk: sorted(ids) or all_stores for pk, ids in owner_stores.items()},
            stores=all_stores,
            sub_statuses=sub_statuses,
            reasons=list(Reason.objects.order_by("pk").values_list("pk", flat=True)),
            items={
                LeadType.SKU: list(
                    Sku.objects.filter(is_active=True).values_list("code", flat=True)
                ),
                LeadType.BRAND: list(
                    Brand.objects.filter(is_active=True).values_list("code", flat=True)
                ),
                LeadType.CATEGORY: list(
                    Category.objects.filter(is_active=True).values_list("code", flat=True)
                ),
                LeadType.CUSTOM: CUSTOM_ITEMS,
            },
        )

    # --- bulk load --------------------------------------------------------------------------

    def _remove_existing(self) -> None:
        """Leads, their history and customers go; users and configuration stay.

        The history tables refuse DELETE row by row (append-only triggers on PostgreSQL),
        TRUNCATE is a table-level operation they do not guard.
        """
        models = (LeadStatus, FollowUp, OwnerChange, StoreChange, Lead, Customer)
        tables = [model._meta.db_table for model in models]
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            else:
                for table in tables:
                    cursor.execute(f"DELETE FROM {table}")

    def _fast_load_session(self) -> bool:
        """Transaction-local settings for the load (PostgreSQL only; nothing persists).

        Every id the load writes was just written or read, so the per-row foreign-key
        triggers (which cost more than the COPY itself) are skipped for this transaction and
        the keys verified afterwards with one anti-join each. Returns whether they were.
        """
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            try:
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except DatabaseError:
                self.stderr.write("Foreign-key checks stay on (skipping them needs a superuser).")
                return False
        return True

    def _verify_foreign_keys(self, first_ids: dict[type, int]) -> None:
        """Every key of the rows just written names an existing row, or the load rolls back."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model, first_id in first_ids.items():
                table = quote(model._meta.db_table)
                for field in model._meta.concrete_fields:
                    if not field.is_relation:
                        continue
                    target = field.related_model._meta
                    cursor.execute(
                        f"""
                        SELECT c.id FROM {table} c WHERE c.id >= %s
                          AND c.{quote(field.column)} IS NOT NULL
                          AND NOT EXISTS (SELECT 1 FROM {quote(target.db_table)} p
                                          WHERE p.{quote(target.pk.column)} =
                                                c.{quote(field.column)})
                        LIMIT 1
                        """,
                        [first_id],
                    )
                    if cursor.fetchone():
                        raise CommandError(f"{model.__name__}.{field.name}: a key names no row")

    def _drop_secondary_indexes(self, count: int) -> list[str]:
        """Drop the non-unique indexes of the loaded tables, to rebuild them after the COPY.

        Building an index once over a million rows is several times faster than updating
        eighteen indexes row by row. It happens inside the load's transaction: on any error
        the DROPs roll back with everything else. Only for loads that at least double a
        table, where the rebuild pays off; returns the CREATE INDEX statements to run.
        """
        if connection.vendor != "postgresql":
            return []
        if count < 2 * Lead.objects.count() or count < REBUILD_INDEXES_FROM:
            return []
        tables = [m._meta.db_table for m in (Customer, Lead, FollowUp, LeadStatus)]
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                  AND i.indexdef NOT LIKE 'CREATE UNIQUE%%'
                """,
                [tables],
            )
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return [definition for _, definition in indexes]

    def _log(self, text: str) -> None:
        if self.verbosity > 1:
            self.stdout.write(text)

    def _next_id(self, model: type) -> int:
        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def _customers(self, rng: random.Random, first_id: int, count: int) -> None:
        now = timezone.now()
        clock = Clock(now, connection.vendor == "postgresql")
        writer = TableWriter(
            Customer._meta.db_table,
            [
                "id",
                "loyalty_type",
                "first_name",
                "last_name",
                "mobile",
                "email",
                "external_id",
                "created_on",
                "updated_on",
            ],
        )
        rows = []
        first_names = [_ascii(n) for n in FIRST_NAMES]
        last_names = [_ascii(n) for n in LAST_NAMES]
        for pk in range(first_id, first_id + count):
            first, last = rng.choice(first_names), rng.choice(last_names)
            moment = clock.text(clock.now_minute - rng.randrange(2 * 365 * 1440), 0)
            rows.append(
                (
                    pk,
                    "LOYALTY" if rng.random() < 0.4 else "NON_LOYALTY",
                    first,
                    last,
                    f"+91{7000000000 + pk}" if pk % 10 else None,
                    f"{first}.{last}.{pk}@mail.example".lower(),
                    f"BEN{pk:09d}" if pk % 3 == 0 else None,
                    moment,
                    moment,
                )
            )
            if len(rows) >= BATCH:
                writer.write(rows)
                rows = []
        writer.write(rows)

    def _leads(
        self,
        rng: random.Random,
        *,
        count: int,
        days: int,
        catalog: Catalog,
        customers: tuple[int, int],
        first_ids: dict[type, int],
    ) -> tuple[int, int, int]:
        postgres = connection.vendor == "postgresql"
        clock = Clock(timezone.now(), postgres)
        lead_writer = TableWriter(
            Lead._meta.db_table,
            [
                "id",
                "customer_id",
                "type",
                "lead_for",
                "status",
                "sub_status_id",
                "owner_id",
                "org_source_id",
                "next_follow_up",
                "last_follow_up",
                "extended_fields",
                "created_on",
                "created_by_id",
                "last_updated_on",
                "last_updated_by_id",
                "store_id",
            ],
        )
        followup_writer = TableWriter(
            FollowUp._meta.db_table,
            [
                "id",
                "lead_id",
                "followed_up_on",
                "followed_up_by_id",
                "scheduled_follow_up",
                "next_follow_up",
                "notes",
                "created_by_id",
                "created_on",
            ],
        )
        status_writer = TableWriter(
            LeadStatus._meta.db_table,
            [
                "id",
                "lead_id",
                "status",
                "sub_status_id",
                "reason_id",
                "notes",
                "created_by_id",
                "created_on",
            ],
        )
        lead_id, followup_id, status_id = (first_ids[m] for m in (Lead, FollowUp, LeadStatus))
        n_followups = n_statuses = 0

        pick_customer = self._customer_picker(rng, *customers)
        owner_cum = _cumulative(catalog.owner_weights)
        types, type_cum = list(TYPE_WEIGHTS), _cumulative(TYPE_WEIGHTS.values())
        sources, source_cum = list(SOURCE_WEIGHTS), _cumulative(SOURCE_WEIGHTS.values())
        status_tables = [
            (limit, list(weights), _cumulative(weights.values()))
            for limit, weights in STATUS_WEIGHTS_BY_AGE
        ]
        span = days * 1440
        now_minute = clock.now_minute
        owners = catalog.owners
        owner_stores, all_stores = catalog.owner_stores, catalog.stores
        subs = catalog.sub_statuses
        reasons = catalog.reasons
        rand = rng.random

        def below(n: int) -> int:
            # rng.below() costs several times more; a float draw is plenty here.
            return int(rand() * n)

        def weighted(values: list[Any], cum: list[float]) -> Any:
            return values[bisect_right(cum, rand() * cum[-1])]

        extended_json: dict[tuple[str | None, str | None], str] = {}
        leads: list[tuple[Any, ...]] = []
        followups: list[tuple[Any, ...]] = []
        statuses: list[tuple[Any, ...]] = []
        for _ in range(count):
            # More leads in recent months than two years ago.
            age = int(span * rand() ** 1.6)
            created = now_minute - age
            for limit, status_values, cum in status_tables:
                if age < limit * 1440:
                    status = weighted(status_values, cum)
                    break
            lead_type = weighted(types, type_cum)
            owner = weighted(owners, owner_cum) if rand() < 0.95 else None
            creator = owner or owners[below(len(owners))]
            sub_options = subs[status]
            sub = sub_options[below(len(sub_options))] if sub_options and rand() < 0.5 else None

            # Status history: OPEN first, the lead's status last, no two neighbours equal.
            n_rows = 2 + below(3)
            path: list[tuple[str, int | None]] = [(Status.OPEN, None)]
            while len(path) < n_rows - 1:
                step_status = Status.ON_HOLD if path[-1][0] == Status.OPEN else Status.OPEN
                step_options = subs[step_status]
                path.append(
                    (
                        step_status,
                        step_options[below(len(step_options))] if step_options else None,
                    )
                )
            final = (status, sub)
            if path[-1] == final:
                # The same status twice in a row would be a 92002: the row before the last
                # takes another sub-status of its status (the configuration defines some).
                before_status, before_sub = path[-1]
                others = [s for s in subs[before_status] if s != before_sub]
                path[-1] = (before_status, others[0] if others else None)
            path.append(final)
            active = status in ACTIVE_STATUSES
            # Closed leads were closed some time ago; active ones may have moved recently.
            end = min(now_minute, created + (age if active else int(age * rand())))
            step = max(1, (end - created) // len(path))
            last_status_minute = created
            minute = created
            for index, (row_status, row_sub) in enumerate(path):
                last_status_minute = minute
                statuses.append(
                    (
                        status_id,
                        lead_id,
                        row_status,
                        row_sub,
                        reasons[below(len(reasons))] if index and reasons else None,
                        "",
                        creator,
                        clock.text(minute, index),
                    )
                )
                status_id += 1
                minute = min(now_minute, minute + 1 + below(step))

            # Follow-ups between creation and now (or closure), oldest first.
            n_follow = 2 + below(3)
            moments = sorted(created + below(max(1, end - created)) for _ in range(n_follow))
            for index, moment in enumerate(moments):
                followups.append(
                    (
                        followup_id,
                        lead_id,
                        clock.text(moment, 30 + index),
                        owner or creator,
                        None,
                        None,
                        NOTES[below(len(NOTES))],
                        creator,
                        clock.text(moment, 30 + index),
                    )
                )
                followup_id += 1
            last_follow_up = clock.text(moments[-1], 30 + n_follow - 1)

            # Active leads: due in the next three weeks, some overdue, some never scheduled.
            next_follow_up = (
                clock.text(now_minute + below(31 * 1440) - 10 * 1440, 0)
                if active and rand() < 0.85
                else None
            )
            store = STORES[below(len(STORES))] if rand() < 0.35 else None
            size = SIZES[below(len(SIZES))] if rand() < 0.15 else None
            extended = extended_json.get((store, size))
            if extended is None:
                fields = {"preferred_store": store, "size": size}
                extended = extended_json[store, size] = json.dumps(
                    {k: v for k, v in fields.items() if v is not None}
                )
            items = catalog.items[lead_type]
            updated = max(last_status_minute, moments[-1])
            # One of the owner's stores; an unowned lead waits at any store.
            at = owner_stores[owner] if owner else all_stores
            store_id = at[below(len(at))] if at else None
            leads.append(
                (
                    lead_id,
                    pick_customer(),
                    lead_type,
                    items[below(len(items))],
                    status,
                    sub,
                    owner,
                    weighted(sources, source_cum),
                    next_follow_up,
                    last_follow_up,
                    extended,
                    clock.text(created, 0),
                    creator,
                    clock.text(min(now_minute, updated), 59),
                    owner or creator,
                    store_id,
                )
            )
            lead_id += 1
            if len(leads) >= BATCH:
                self._flush(lead_writer, followup_writer, status_writer, leads, followups, statuses)
                n_followups += len(followups)
                n_statuses += len(statuses)
                leads, followups, statuses = [], [], []
        self._flush(lead_writer, followup_writer, status_writer, leads, followups, statuses)
        return count, n_followups + len(followups), n_statuses + len(statuses)

    def _flush(self, lead_writer, followup_writer, status_writer, leads, followups, statuses):
        lead_writer.write(leads)
        followup_writer.write(followups)
        status_writer.write(statuses)

    def _customer_picker(self, rng: random.Random, first: int, count: int) -> Callable[[], int]:
        """Customers shared by several leads: a fifth of the leads go to 2% regulars."""
        regulars = max(1, count // 50)
        rand = rng.random

        def pick() -> int:
            return first + int(rand() * (regulars if rand() < 0.2 else count))

        return pick

    def _reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(
            no_style(), [Customer, Lead, FollowUp, LeadStatus]
        )
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def _analyze(self) -> None:
        """Fresh planner statistics (and, on PostgreSQL, the visibility map that index-only
        scans need). VACUUM cannot run inside a transaction: this runs after the commit."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                # The whole database: the small tables (users, sub-statuses ...) need
                # statistics too, or the planner guesses their size.
                cursor.execute("VACUUM (ANALYZE)")
            else:
                cursor.execute("ANALYZE")


def _cumulative(weights: Any) -> list[float]:
    total = 0.0
    out = []
    for weight in weights:
        total += weight
        out.append(total)
    return out
