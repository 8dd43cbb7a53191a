"""factory-boy factories shared by every test package."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from crm.catalog.models import Brand, Category, Sku
from crm.org.models import OrgUnit, Role, StaffRole, UnitType
from crm.org.scope import forget_scope
from customers.models import Customer
from leads.models import (
    ExtendedFieldDefinition,
    FollowUp,
    Lead,
    LeadStatus,
    LeadType,
    Reason,
    Status,
    SubStatus,
)

PASSWORD = "correct-horse-battery-staple"
# UserFactory(role=NO_ROLE): a staff user nobody placed (sees only what they own or created).
NO_ROLE = ""


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    is_staff = True
    is_active = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """ADMIN unless told otherwise, as migration org 0002 makes every staff user who was
        there before roles: tests written before roles see every lead. ``role=NO_ROLE`` for
        none; ``give_role`` for a role over units."""
        if not create:
            return
        role = Role.ADMIN if extracted is None else extracted
        if role:
            StaffRole.objects.get_or_create(user=self, defaults={"role": role})
        forget_scope(self)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    loyalty_type = Customer.LoyaltyType.LOYALTY
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    mobile = factory.Sequence(lambda n: f"+9198{n:08d}")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"BR{n:03d}")
    name = factory.Faker("company")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CAT{n:03d}")
    name = factory.Faker("word")


class SkuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sku
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SKU{n:05d}")
    name = factory.Faker("catch_phrase")
    brand = factory.SubFactory(BrandFactory)
    category = factory.SubFactory(CategoryFactory)


class ReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reason

    reason = factory.Sequence(lambda n: f"Reason {n}")


class SubStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubStatus
        django_get_or_create = ("status", "name")

    status = Status.ON_HOLD
    name = factory.Sequence(lambda n: f"Sub{n}")


class ExtendedFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtendedFieldDefinition
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"field_{n}")
    data_type = ExtendedFieldDefinition.DataType.STRING


class LeadFactory(factory.django.DjangoModelFactory):
    """A lead written straight to the table with its first status row (no service rules)."""

    class Meta:
        model = Lead
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    type = LeadType.CUSTOM
    lead_for = factory.Sequence(lambda n: f"Item {n}")
    status = Status.OPEN
    owner = factory.SubFactory(UserFactory)
    org_source_id = -1
    created_by = factory.SelfAttribute("owner")
    last_updated_by = factory.SelfAttribute("owner")

    @factory.post_generation
    def with_status_log(self, create, extracted, **kwargs):
        if create and extracted is not False:
            LeadStatus.objects.create(
                lead=self, status=self.status, sub_status=self.sub_status, created_by=self.owner
            )


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.LazyAttribute(lambda u: f"Unit {u.code}")
    type = UnitType.STORE


def give_role(user, role: str, *units: OrgUnit) -> StaffRole:
    """Makes ``user`` hold ``role`` over ``units`` (replacing any role they held)."""
    staff_role, _ = StaffRole.objects.update_or_create(user=user, defaults={"role": role})
    staff_role.units.set(units)
    forget_scope(user)
    return staff_role


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    lead = factory.SubFactory(LeadFactory)
    followed_up_on = factory.LazyFunction(timezone.now)
    followed_up_by = factory.SelfAttribute("lead.owner")
    notes = factory.Faker("sentence")
