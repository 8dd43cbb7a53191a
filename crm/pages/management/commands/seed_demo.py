"""Demo data for `make run`: staff logins, org configuration, a catalog, customers and leads.

Idempotent: users, configuration and catalog are created or refreshed; customers and leads are
only added while the database has none, so a second run changes nothing.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from crm.catalog.models import Brand, Category, Sku
from customers.models import Customer
from customers.services import customer_register
from leads import services
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

DEMO_USERS = [
    # username, password, first name, last name, role
    ("admin", "admin-demo-pass", "Asha", "Admin", "admin"),
    ("manager", "manager-demo-pass", "Meera", "Manager", "manager"),
    ("alice", "alice-demo-pass", "Alice", "Fernandes", "associate"),
    ("bob", "bob-demo-pass", "Bob", "Khan", "associate"),
]

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


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and optionally print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--print-logins", action="store_true", help="Only print the logins.")
        parser.add_argument("--leads", type=int, default=300)
        parser.add_argument("--customers", type=int, default=100)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_logins"]:
            self._print_logins()
            return
        rng = random.Random(options["seed"])
        with transaction.atomic():
            reference_data_ensure()
            users = self._users()
            self._configuration()
            skus = self._catalog()
        if Lead.objects.exists() or Customer.objects.exists():
            self.stdout.write("Demo data already present: users and configuration refreshed.")
            return
        customers = self._customers(rng, options["customers"])
        created = self._leads(rng, options["leads"], users, customers, skus)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {len(customers)} customers, {created} leads, {len(skus)} SKUs."
            )
        )

    def _print_logins(self) -> None:
        self.stdout.write("  Demo logins (username / password):")
        for username, password, _, _, role in DEMO_USERS:
            self.stdout.write(f"    {username:<8} / {password:<18} ({role})")

    def _users(self) -> dict[str, Any]:
        User = get_user_model()
        managers, _ = Group.objects.get_or_create(name="Managers")
        managers.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=[app for app, _ in MANAGER_PERMISSIONS],
                codename__in=[code for _, code in MANAGER_PERMISSIONS],
            )
        )
        Group.objects.get_or_create(name="Associates")
        users = {}
        for username, password, first, last, role in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@store.example"
            user.is_staff = True
            user.is_active = True
            user.is_superuser = role == "admin"
            user.set_password(password)
            user.save()
            if role == "manager":
                user.groups.add(managers)
            elif role == "associate":
                user.groups.add(Group.objects.get(name="Associates"))
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

    def _leads(self, rng, count, users, customers, skus) -> int:
        staff = [users["alice"], users["bob"], users["manager"]]
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
                history.append({"status": Status.OPEN, "created_on": step})
                if rng.random() < 0.5:
                    step += datetime.timedelta(days=rng.randint(1, 5))
                    history.append(
                        {
                            "status": Status.ON_HOLD,
                            "sub_status": rng.choice(subs[Status.ON_HOLD]),
                            "reason_id": rng.choice(reasons),
                            "created_on": step,
                        }
                    )
            followups = []
            for _ in range(rng.randint(0, 3)):
                moment = created_on + datetime.timedelta(hours=rng.randint(2, 24 * 20))
                if moment < now:
                    followups.append(
                        {
                            "followed_up_on": moment,
                            "followed_up_by": rng.choice(staff),
                            "notes": rng.choice(NOTES),
                        }
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
            services.lead_create(
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
        return count
