from django.db import models
from django.db.models.functions import Lower

from crm.core.errors import ErrorCode, ErrorCollector

from .identifiers import normalise_email, normalise_mobile


class Customer(models.Model):
    """A person leads are for. Each identifier (mobile, email, external id) is unique when set."""

    class LoyaltyType(models.TextChoices):
        LOYALTY = "LOYALTY", "Loyalty"
        NON_LOYALTY = "NON_LOYALTY", "Non-loyalty"

    loyalty_type = models.CharField(
        max_length=12, choices=LoyaltyType.choices, default=LoyaltyType.NON_LOYALTY
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    # Stored in E.164; NULL (not "") when absent so that uniqueness only binds real values.
    mobile = models.CharField(max_length=20, unique=True, null=True, blank=True)
    email = models.EmailField(max_length=254, unique=True, null=True, blank=True)
    external_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_on", "-id"]
        indexes = [
            models.Index(Lower("first_name"), name="customer_first_name_lower"),
            models.Index(Lower("last_name"), name="customer_last_name_lower"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(loyalty_type__in=["LOYALTY", "NON_LOYALTY"]),
                name="customer_loyalty_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.mobile or self.email or self.external_id or f"#{self.pk}"

    def clean_fields(self, exclude=None) -> None:
        # Identifiers are checked (and normalised) in clean() with the registry's code.
        super().clean_fields(exclude=[*(exclude or []), "mobile", "email"])

    def clean(self) -> None:
        errors = ErrorCollector()
        for field in ("mobile", "email", "external_id"):
            value = getattr(self, field)
            if isinstance(value, str):
                value = value.strip()
            setattr(self, field, value or None)
        if self.mobile:
            normalised = normalise_mobile(self.mobile)
            if normalised is None:
                errors.add("mobile", ErrorCode.CUSTOMER_REGISTRATION_FAILED)
            else:
                self.mobile = normalised
        if self.email:
            normalised = normalise_email(self.email)
            if normalised is None:
                errors.add("email", ErrorCode.CUSTOMER_REGISTRATION_FAILED)
            else:
                self.email = normalised
        errors.raise_if_any()

    def validate_unique(self, exclude=None) -> None:
        # Report a taken identifier with its stable code instead of Django's generic text.
        errors = ErrorCollector()
        for field in ("mobile", "email", "external_id"):
            value = getattr(self, field)
            if exclude and field in exclude or not value:
                continue
            taken = Customer.objects.filter(**{field: value}).exclude(pk=self.pk).exists()
            if taken:
                errors.add(field, ErrorCode.CUSTOMER_EXISTS, field.replace("_", " "))
        errors.raise_if_any()
        super().validate_unique(exclude=[*(exclude or []), "mobile", "email", "external_id"])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
