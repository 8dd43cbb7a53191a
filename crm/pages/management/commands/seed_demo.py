"""Demo data for `make run`: an org of two zones and four stores, staff in every role, org
configuration, a catalog, customers and leads spread over the stores.

Demo accounts never land on real data. The demo's users are created only in a fresh database
(no users, customers or leads) and are kept in the "Demo accounts" group; a later run on that
database changes no user and no password. A database holding anything else (a user outside
that group, leads or customers without the demo's users) is refused unless ``--force``;
``--or-skip`` (what `make run` passes) says so and does nothing instead of failing.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from crm.catalog.models import Brand, Category, Sku
from crm.org.models import OrgUnit, Role, StaffRole, UnitType
from customers.models import Customer
from customers.services import customer_register
from leads import events, services
from leads.inputs import FollowUpInput, StatusLogInput
from leads.models import (
    ExtendedFieldDefinition,
    Lead,
    LeadType,
    OrgSource,
    Reason,
    Status,
    SubStatus,
)
from leads.services import reference_data_ensure

DEMO_GROUP = "Demo accounts"

# The demo org: two zones, two stores in each.
ZONES = [("WEST", "West"), ("EAST", "East")]
STORES = [
    ("S1", "Bandra", "WEST"),
    ("S2", "Andheri", "WEST"),
    ("S3", "Indiranagar", "EAST"),
    ("S4", "Koramangala", "EAST"),
]

DEMO_USERS = [
    # username, first name, last name, role, units, what the login shows
    ("admin", "Asha", "Admin", "superuser", (), "superuser: everything, the Django admin"),
    ("manager", "Meera", "Manager", Role.ADMIN, (), "org admin: settings, stores, staff"),
    ("zoe", "Zoe", "Wadia", Role.ZONE_MANAGER, ("WEST",), "zone manager, West (S1, S2)"),
    ("ezra", "Ezra", "Menon", Role.ZONE_MANAGER, ("EAST",), "zone manager, East (S3, S4)"),
    ("sam", "Sam", "Pereira", Role.STORE_MANAGER, ("S1",), "store manager, S1 Bandra"),
    ("sara", "Sara", "Qureshi", Role.STORE_MANAGER, ("S2",), "store manager, S2 Andheri"),
    ("sunil", "Sunil", "Rao", Role.STORE_MANAGER, ("S3",), "store manager, S3 Indiranagar"),
    ("sofia", "Sofia", "Dsouza", Role.STORE_MANAGER, ("S4",), "store manager, S4 Koramangala"),
    ("alice", "Alice", "Fernandes", Role.ASSOCIATE, ("S1",), "associate, S1 Bandra"),
    ("bob", "Bob", "Khan", Role.ASSOCIATE, ("S1",), "associate, S1 Bandra"),
    ("carol", "Carol", "Mathew", Role.ASSOCIATE, ("S2",), "associate, S2 Andheri"),
    ("dev", "Dev", "Kulkarni", Role.ASSOCIATE, ("S3",), "associate, S3 Indiranagar"),
    ("emma", "Emma", "Thomas", Role.ASSOCIATE, ("S4",), "associate, S4 Koramangala"),
]


def demo_password(username: str) -> str:
    return f"{username}-demo-pass"


# Store and zone managers record follow-ups in their associates' names.
STORE_MANAGER_PERMISSIONS = [("leads", "act_for_staff")]

MANAGER_PERMISSIONS = [
    ("leads", "act_for_staff"),
    ("leads", "add_reason"),
    ("leads", "change_reason"),
    ("leads", "view_reason"),
    ("leads", "add_substatus"),
    ("leads", "change_substatus"),
    ("leads", "view_substatus"),
    ("leads", "change_orgsettings"),
    ("leads", "view_orgsettings"),
    ("leads", "add_extendedfielddefinition"),
    ("leads", "change_extendedfielddefinition"),
    ("leads", "view_extendedfielddefinition"),
]

REASONS = [
    "Customer asked for a call back",
    "Waiting for stock",
    "Price too high",
    "Bought from a competitor",
    "Purchased in store",
    "Purchased online",
    "Duplicate entry",
    "Customer not reachable",
]

SUB_STATUSES = {
    Status.OPEN: ["New", "Contacted"],
    Status.ON_HOLD: ["YetToDecide", "AwaitingStock", "BudgetReview"],
    Status.WON: ["InStore", "Online"],
    Status.LOST: ["BoughtElsewhere", "PriceTooHigh", "NotInterested"],
    Status.DELETED: ["Duplicate", "TestEntry"],
}

BRANDS = [
    ("NIKE", "Nike"),
    ("ADIDAS", "Adidas"),
    ("PUMA", "Puma"),
    ("LEVIS", "Levi's"),
    ("SAMSUNG", "Samsung"),
    ("SONY", "Sony"),
    ("IKEA", "IKEA"),
    ("LOREAL", "L'Oréal"),
]

CATEGORIES = [
    ("FOOTWEAR", "Footwear"),
    ("APPAREL", "Apparel"),
    ("ELECTRONICS", "Electronics"),
    ("HOME", "Home & furniture"),
    ("BEAUTY", "Beauty"),
    ("SPORTS", "Sports gear"),
]

PRODUCTS = {
    "NIKE": ("FOOTWEAR", ["Air Zoom Pegasus", "Revolution 7", "Court Vision", "Air Max 90"]),
    "ADIDAS": ("FOOTWEAR", ["Ultraboost Light", "Samba OG", "Runfalcon 3", "Stan Smith"]),
    "PUMA": ("SPORTS", ["Velocity Nitro", "Training Tee", "Gym Duffel", "Suede Classic"]),
    "LEVIS": ("APPAREL", ["501 Original Jeans", "Trucker Jacket", "Housemark Tee", "511 Slim"]),
    "SAMSUNG": ("ELECTRONICS", ["Galaxy S25", "Galaxy Tab S10", "Galaxy Buds 3", "Neo QLED 55"]),
    "SONY": ("ELECTRONICS", ["WH-1000XM6", "Bravia 7 65", "PlayStation 5", "Alpha 7 IV"]),
    "IKEA": ("HOME", ["Kallax Shelf", "Poäng Armchair", "Malm Bed", "Billy Bookcase"]),
    "LOREAL": ("BEAUTY", ["Revitalift Serum", "Elvive Shampoo", "True Match Foundation"]),
}

FIRST_NAMES = [
    "Aarav",
    "Diya",
    "Vihaan",
    "Ananya",
    "Arjun",
    "Isha",
    "Kabir",
    "Meera",
    "Rohan",
    "Saanvi",
    "Liam",
    "Emma",
    "Noah",
    "Olivia",
    "Mateo",
    "Sofia",
    "Wei",
    "Mei",
    "Yuki",
    "Hana",
    "Omar",
    "Layla",
    "Lucas",
    "Chloe",
    "Ravi",
    "Priya",
    "Zara",
    "Ethan",
    "Nora",
    "Kiran",
]
LAST_NAMES = [
    "Sharma",
    "Patel",
    "Iyer",
    "Reddy",
    "Nair",
    "Gupta",
    "Singh",
    "Das",
    "Mehta",
    "Joshi",
    "Smith",
    "Garcia",
    "Chen",
    "Tanaka",
    "Haddad",
    "Silva",
    "Müller",
    "Rossi",
    "Kim",
    "Okafor",
]

NOTES = [
    "Called, customer wants to see it in store first.",
    "Sent product photos on WhatsApp.",
    "Asked for the festive-season offer.",
    "Customer will visit on the weekend.",
    "Needs a size that is out of stock.",
    "Compared prices with an online store.",
    "Left a voicemail.",
    "Interested in the extended warranty.",
]


def _permissions(pairs: list[tuple[str, str]]) -> Any:
    return Permission.objects.filter(
        content_type__app_label__in=[app for app, _ in pairs],
        codename__in=[code for _, code in pairs],
    )


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def database_state() -> str:
    """``fresh`` (no users, customers or leads), ``demo`` (the demo's users and no one else)
    or ``other`` (real data, or data whose origin is unknown)."""
    User = get_user_model()
    if not (User.objects.exists() or Lead.objects.exists() or Customer.objects.exists()):
        return "fresh"
    demo = Group.objects.filter(name=DEMO_GROUP).first()
    if (
        demo is not None
        and demo.user_set.exists()
        and not User.objects.exclude(groups=demo).exists()
    ):
        return "demo"
    return "other"


REFUSAL = (
    "This database holds data that is not the demo's (users outside the {group!r} group, or "
    "leads and customers without the demo's users): the demo loads nothing into it. Pass "
    "--force to add the demo anyway (it creates only the demo users that do not exist and never "
    "changes a password)."
)


class Command(BaseCommand):
    help = "Load the demo org, staff and leads into a fresh database; print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--print-logins", action="store_true", help="Only print the logins.")
        parser.add_argument("--leads", type=int, default=300)
        parser.add_argument("--customers", type=int, default=100)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--force", action="store_true", help="Load the demo into a database with other data."
        )
        parser.add_argument(
            "--or-skip",
            action="store_true",
            help="On a database with other data, say so and load nothing (exit 0).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        state = database_state()
        if options["print_logins"]:
            self._print_logins(state)
            return
        if state == "other" and not options["force"]:
            message = REFUSAL.format(group=DEMO_GROUP)
            if options["or_skip"]:
                self.stdout.write(self.style.WARNING(message))
                return
            raise CommandError(message)
        rng = random.Random(options["seed"])
        with transaction.atomic():
            reference_data_ensure()
            units = self._org()
            users = self._users(units) if state != "demo" else self._demo_users()
            self._configuration()
            skus = self._catalog()
        if Lead.objects.exists() or Customer.objects.exists():
            self.stdout.write("Demo data already present: no user or password was changed.")
            return
        with events.one_dispatch():  # one webhook dispatch for the whole demo, not one a lead
            customers = self._customers(rng, options["customers"])
            created = self._leads(rng, options["leads"], users, customers, skus, units)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {len(customers)} customers, {created} leads, {len(skus)} SKUs."
            )
        )

    def _print_logins(self, state: str) -> None:
        if state != "demo":
            self.stdout.write("  No demo logins: this database is not the demo's.")
            return
        present = set(
            get_user_model()
            .objects.filter(groups__name=DEMO_GROUP)
            .values_list("username", flat=True)
        )
        self.stdout.write("  Demo logins (username / password, as the demo set them):")
        for username, _, _, _, _, label in DEMO_USERS:
            if username in present:
                password = demo_password(username)
                self.stdout.write(f"    {username:<8} / {password:<18} {label}")

    def _org(self) -> dict[str, OrgUnit]:
        units = {}
        for code, name in ZONES:
            units[code], _ = OrgUnit.objects.get_or_create(
                code=code, defaults={"name": name, "type": UnitType.ZONE}
            )
        for code, name, zone in STORES:
            units[code], _ = OrgUnit.objects.get_or_create(
                code=code, defaults={"name": name, "type": UnitType.STORE, "parent": units[zone]}
            )
        return units

    def _demo_users(self) -> dict[str, Any]:
        users = get_user_model().objects.filter(groups__name=DEMO_GROUP)
        return {user.username: user for user in users}

    def _users(self, units: dict[str, OrgUnit]) -> dict[str, Any]:
        """The demo's users that do not exist yet; an existing user is left as it is (its
        password above all) and does not join the demo group."""
        User = get_user_model()
        managers, _ = Group.objects.get_or_create(name="Managers")
        managers.permissions.set(_permissions(MANAGER_PERMISSIONS))
        store_managers, _ = Group.objects.get_or_create(name="Store managers")
        store_managers.permissions.set(_permissions(STORE_MANAGER_PERMISSIONS))
        associates, _ = Group.objects.get_or_create(name="Associates")
        demo, _ = Group.objects.get_or_create(name=DEMO_GROUP)
        users = self._demo_users()
        for username, first, last, role, unit_codes, _ in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@store.example",
                is_staff=True,
                is_active=True,
                is_superuser=role == "superuser",
            )
            user.set_password(demo_password(username))
            user.save()
            user.groups.add(demo)
            if role == Role.ADMIN:
                user.groups.add(managers)
            elif role in (Role.STORE_MANAGER, Role.ZONE_MANAGER):
                user.groups.add(store_managers)
            elif role == Role.ASSOCIATE:
                user.groups.add(associates)
            if role in Role.values:
                staff_role = StaffRole.objects.create(user=user, role=role)
                staff_role.units.set([units[code] for code in unit_codes])
            users[username] = user
        return users

    def _configuration(self) -> None:
        for text in REASONS:
            if not Reason.objects.filter(reason=text).exists():
                services.reasons_create(reasons=[text])
        for status, names in SUB_STATUSES.items():
            for name in names:
                if not SubStatus.objects.filter(status=status, name=name).exists():
                    services.substatus_create(status=status, name=name)
        kind = ExtendedFieldDefinition.DataType
        for name, label, data_type, choices in [
            ("preferred_store", "Preferred store", kind.STRING, []),
            ("budget", "Budget", kind.DECIMAL, []),
            ("size", "Size", kind.STRING, ["XS", "S", "M", "L", "XL"]),
            ("gift", "Gift purchase", kind.BOOLEAN, []),
        ]:
            ExtendedFieldDefinition.objects.update_or_create(
                name=name, defaults={"label": label, "data_type": data_type, "choices": choices}
            )

    def _catalog(self) -> list[Sku]:
        brands = {
            code: Brand.objects.update_or_create(code=code, defaults={"name": name})[0]
            for code, name in BRANDS
        }
        categories = {
            code: Category.objects.update_or_create(code=code, defaults={"name": name})[0]
            for code, name in CATEGORIES
        }
        skus = []
        number = 1000
        for brand_code, (category_code, names) in PRODUCTS.items():
            for name in names:
                for variant in ("", " (2nd colour)"):
                    number += 1
                    sku, _ = Sku.objects.update_or_create(
                        code=f"SKU{number}",
                        defaults={
                            "name": name + variant,
                            "brand": brands[brand_code],
                            "category": categories[category_code],
                        },
                    )
                    skus.append(sku)
        return skus[:50]

    def _customers(self, rng: random.Random, count: int) -> list[Customer]:
        customers = []
        for i in range(count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            customers.append(
                customer_register(
                    loyalty_type=rng.choice(list(Customer.LoyaltyType)),
                    first_name=first,
                    last_name=last,
                    mobile=f"+9198{rng.randrange(10**7, 10**8)}" if i % 7 else None,
                    email=_ascii(f"{first}.{last}.{i}@mail.example").lower(),
                    external_id=f"LOY{100000 + i}" if i % 3 == 0 else None,
                )
            )
        return customers

    def _leads(self, rng, count, users, customers, skus, units) -> int:
        # Each store's leads are worked by its associates and its manager.
        store_staff = {
            code: [
                users[username]
                for username, _, _, role, codes, _ in DEMO_USERS
                if code in codes and username in users
            ]
            for code, _, _ in STORES
        }
        everyone = list(users.values()) or list(get_user_model().objects.filter(is_staff=True))
        leads_of_store: dict[str, list[int]] = {code: [] for code in store_staff}
        sources = list(OrgSource.objects.values_list("pk", flat=True))
        subs = {
            s: list(SubStatus.objects.filter(status=s).values_list("name", flat=True))
            for s in Status.values
        }
        reasons = list(Reason.objects.values_list("pk", flat=True))
        brands = list(Brand.objects.values_list("code", flat=True))
        categories = list(Category.objects.values_list("code", flat=True))
        now = timezone.now()
        weights = {
            Status.OPEN: 40,
            Status.ON_HOLD: 15,
            Status.WON: 22,
            Status.LOST: 15,
            Status.DELETED: 3,
        }
        for _ in range(count):
            store = rng.choice(list(store_staff))
            staff = store_staff[store] or everyone
            lead_type = rng.choices(
                [LeadType.SKU, LeadType.BRAND, LeadType.CATEGORY, LeadType.CUSTOM], [6, 2, 2, 1]
            )[0]
            lead_for = {
                LeadType.SKU: lambda: rng.choice(skus).code,
                LeadType.BRAND: lambda: rng.choice(brands),
                LeadType.CATEGORY: lambda: rng.choice(categories),
                LeadType.CUSTOM: lambda: rng.choice(
                    ["Wedding gift set", "Bulk order for office", "Custom engraving"]
                ),
            }[lead_type]()
            created_on = now - datetime.timedelta(
                days=rng.randint(0, 120), hours=rng.randint(0, 10), minutes=rng.randint(0, 59)
            )
            status = rng.choices(list(weights), list(weights.values()))[0]
            history = []
            step = created_on
            if status != Status.OPEN:
                history.append(StatusLogInput(status=Status.OPEN, created_on=step))
                if rng.random() < 0.5:
                    step += datetime.timedelta(days=rng.randint(1, 5))
                    history.append(
                        StatusLogInput(
                            status=Status.ON_HOLD,
                            sub_status=rng.choice(subs[Status.ON_HOLD]),
                            reason_id=rng.choice(reasons),
                            created_on=step,
                        )
                    )
            followups = []
            for _ in range(rng.randint(0, 3)):
                moment = created_on + datetime.timedelta(hours=rng.randint(2, 24 * 20))
                if moment < now:
                    followups.append(
                        FollowUpInput(
                            followed_up_on=moment,
                            followed_up_by=rng.choice(staff),
                            notes=rng.choice(NOTES),
                        )
                    )
            active = status in (Status.OPEN, Status.ON_HOLD)
            next_follow_up = (
                now + datetime.timedelta(days=rng.randint(-6, 14), hours=rng.randint(0, 8))
                if active and rng.random() < 0.8
                else None
            )
            extended = {}
            if rng.random() < 0.5:
                extended["preferred_store"] = rng.choice(["Bandra", "Indiranagar", "Saket"])
            if rng.random() < 0.3:
                extended["size"] = rng.choice(["S", "M", "L"])
            result = services.lead_create(
                created_by=rng.choice(staff),
                customer=rng.choice(customers),
                type=lead_type,
                lead_for=lead_for,
                status=status,
                sub_status=rng.choice(subs[status])
                if subs[status] and rng.random() < 0.6
                else None,
                reason_id=rng.choice(reasons) if status != Status.OPEN else None,
                owner=rng.choice(staff) if rng.random() < 0.9 else None,
                org_source_id=rng.choice(sources),
                next_follow_up=next_follow_up,
                created_on=created_on,
                extended_fields=extended,
                follow_up_details=followups,
                status_log_details=history,
            )
            leads_of_store[store].append(result.lead.pk)
        for code, ids in leads_of_store.items():
            Lead.objects.filter(pk__in=ids).update(store=units[code])
        return count
