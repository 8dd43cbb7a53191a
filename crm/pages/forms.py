"""Forms of the staff pages.

They shape what a person typed into the arguments of a service and put the service's coded
errors next to the fields they concern. No rule is checked here: a blank status, an unknown
reason or a closed lead is reported by the service with the same code the API shows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from crm.core.parsing import MISSING, parse_id
from crm.core.services import user_update_settings
from customers.inputs import CustomerDetails
from leads import inputs, services
from leads.access import BULK_CLOSE_STATUSES
from leads.errors import (
    ErrorCode,
    ErrorCollector,
    Refusals,
    check_all,
    coded_error,
    error_items,
    iter_errors,
)
from leads.filters import OWNER_ME, OWNER_NONE
from leads.inputs import FollowUpInput, RowEdit, StatusChange
from leads.models import (
    REASON_REQUIRED_STATUSES,
    ExtendedFieldDefinition,
    LeadType,
    Status,
    SubStatus,
)

EXTENDED_PREFIX = "ext__"


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; the value is read in the site's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def datetime_field(label: str, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=False, widget=DateTimeLocalInput(), help_text=help_text
    )


def choice_text_field(label: str, choices: Iterable[Any] = (), **kwargs: Any) -> forms.CharField:
    """A select whose value goes to the service as typed, so that a value outside the list is
    refused by the service with its registry code rather than by the form."""
    return forms.CharField(
        label=label, required=False, widget=forms.Select(choices=list(choices)), **kwargs
    )


class ServiceFormMixin:
    """Places a service's ValidationError on the form, key by key.

    Services key their errors by model field names; ``error_fields`` maps a key to the form
    field that shows it when the names differ. Keys with no field become form-level errors.
    Errors about extended fields are kept apart, for the extended-fields block.
    """

    error_fields: dict[str, str | None] = {}

    def add_service_errors(self, exc: ValidationError) -> None:
        self.extended_errors: list[ValidationError] = getattr(self, "extended_errors", [])
        for key, error in iter_errors(exc):
            if key == "extended_fields" and self.has_extended_fields():
                self.extended_errors.append(error)
                continue
            field = self.error_fields.get(key, key)
            self.add_error(field if field in self.fields else None, error)

    def submit(self, **kwargs: Any) -> Any:
        """``save(**kwargs)``'s result when the form is valid and the service accepts it;
        None otherwise, with the service's coded errors placed on the form."""
        if not self.is_valid():
            return None
        try:
            return self.save(**kwargs)
        except ValidationError as exc:
            self.add_service_errors(exc)
            return None

    def status_code(self) -> int:
        """The page's status for the errors on the form: 403 when the user's role refused
        it (90034, as the API answers it), else 400."""
        refused = any(
            error.code == ErrorCode.LEAD_FORBIDDEN
            for errors in self.errors.as_data().values()  # type: ignore[attr-defined]
            for error in errors
        )
        return 403 if refused else 400

    def has_extended_fields(self) -> bool:
        return any(name.startswith(EXTENDED_PREFIX) for name in self.fields)

    def extended_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(EXTENDED_PREFIX)]


class MySettingsForm(ServiceFormMixin, forms.Form):
    time_zone = forms.CharField(
        label="Time zone",
        required=False,
        help_text="Times on the pages are shown in this zone. Leave it empty for the org's.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )

    def save(self, *, user: Any) -> Any:
        return user_update_settings(user=user, time_zone=self.cleaned_data.get("time_zone", ""))


class StaffAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing accounts that are not active staff."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "not_staff": "This account has no access to the CRM. Ask an administrator for staff "
        "access.",
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.is_active_staff:
            raise ValidationError(self.error_messages["not_staff"], code="not_staff")


# --- choices ---------------------------------------------------------------------------------


def owner_choices(users: Iterable[Any], empty: str = "Unassigned") -> list[tuple[str, str]]:
    rows = [("", empty)]
    for user in users:
        name = user.get_full_name()
        rows.append((user.get_username(), f"{name} ({user.get_username()})" if name else user))
    return rows


def sub_status_choices(sub_statuses: Iterable[SubStatus]) -> list[Any]:
    """Grouped by status, so that the list is usable without JavaScript."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for sub in sub_statuses:
        groups.setdefault(sub.status, []).append((str(sub.pk), sub.name))
    return [("", "None")] + [
        (Status(status).label, groups[status]) for status in Status.values if status in groups
    ]


def sub_status_map(sub_statuses: Iterable[SubStatus]) -> dict[str, list[list[str]]]:
    """status -> [[id, name], ...], for the script that narrows the sub-status list."""
    mapping: dict[str, list[list[str]]] = {status: [] for status in Status.values}
    for sub in sub_statuses:
        mapping[sub.status].append([str(sub.pk), sub.name])
    return mapping


# --- extended fields -------------------------------------------------------------------------


def extended_form_field(definition: ExtendedFieldDefinition) -> forms.Field:
    """An input of the right kind for one definition. Values go to the service as text; the
    service checks them against the definition."""
    kind = ExtendedFieldDefinition.DataType
    label = definition.label or definition.name
    help_text = definition.get_data_type_display()
    if definition.choices:
        choices = [("", "—")] + [(as_input(c), c) for c in definition.choices]
        return choice_text_field(label, choices, help_text=help_text)
    if definition.data_type == kind.BOOLEAN:
        return choice_text_field(label, [("", "—"), ("true", "Yes"), ("false", "No")])
    widget: forms.Widget = forms.TextInput()
    if definition.data_type == kind.INTEGER:
        widget = forms.NumberInput(attrs={"step": "1"})
    elif definition.data_type == kind.DECIMAL:
        widget = forms.NumberInput(attrs={"step": "any"})
    elif definition.data_type == kind.DATE:
        widget = forms.DateInput(attrs={"type": "date"})
    elif definition.data_type == kind.DATETIME:
        widget = forms.TextInput(attrs={"type": "datetime-local"})
    return forms.CharField(label=label, required=False, widget=widget, help_text=help_text)


def as_input(value: Any, definition: ExtendedFieldDefinition | None = None) -> str:
    """A stored JSON value as an input shows it (and sends it back)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if (
        definition is not None
        and definition.data_type == ExtendedFieldDefinition.DataType.DATETIME
        and isinstance(value, str)
    ):
        # 2025-01-31T10:30:00+05:30 -> what a datetime-local input takes.
        return value[:16]
    return str(value)


class ExtendedFieldsMixin:
    def add_extended_fields(
        self, definitions: Iterable[ExtendedFieldDefinition], values: dict[str, Any] | None = None
    ) -> None:
        self.extended_definitions = list(definitions)
        values = values or {}
        for definition in self.extended_definitions:
            name = EXTENDED_PREFIX + definition.name
            self.fields[name] = extended_form_field(definition)
            if definition.name in values:
                self.initial[name] = as_input(values[definition.name], definition)

    def extended_values(self, *, keep_blank: bool) -> dict[str, Any]:
        """name -> value typed; a cleared input is None (removes the value) when
        ``keep_blank``, else left out."""
        values: dict[str, Any] = {}
        for definition in self.extended_definitions:
            name = EXTENDED_PREFIX + definition.name
            raw = self.cleaned_data.get(name, "")
            if raw and raw == self.initial.get(name):
                # Untouched: the stored value stays exactly as it is (a date-time keeps its
                # offset, a number its type).
                continue
            if raw in ("", None):
                if keep_blank:
                    values[definition.name] = None
                continue
            values[definition.name] = raw
        return values


# --- the lead page ---------------------------------------------------------------------------


class StatusChangeForm(ServiceFormMixin, forms.Form):
    status = choice_text_field("New status")
    sub_status = choice_text_field(
        "Sub-status", help_text="Only the sub-statuses of the chosen status apply."
    )
    reason = choice_text_field("Reason")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    error_fields = {"lead": None}

    def __init__(
        self, *args: Any, sub_statuses: Iterable[SubStatus], reasons: Iterable[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if self.auto_id == "id_%s":
            # The follow-up form beside it on the lead page has notes too: ids must differ.
            self.fields["notes"].widget.attrs["id"] = "id_status_notes"
        self.sub_statuses = list(sub_statuses)
        self.fields["status"].widget.choices = [("", "Choose a status…"), *Status.choices]
        self.fields["sub_status"].widget.choices = sub_status_choices(self.sub_statuses)
        self.fields["reason"].widget.choices = [("", "No reason")] + [
            (str(r.pk), r.reason) for r in reasons
        ]

    def chosen_sub_status(self) -> Any:
        """The SubStatus picked from the list; a value not in the list goes to the service as
        a name, which it refuses with 92020."""
        value = self.cleaned_data.get("sub_status") or None
        if value is None:
            return None
        by_id = {str(sub.pk): sub for sub in self.sub_statuses}
        return by_id.get(value, value)

    def status_change(self, errors: ErrorCollector) -> StatusChange:
        data = self.cleaned_data
        values = {
            "status": data.get("status"),
            "sub_status": self.chosen_sub_status(),
            "reason_id": data.get("reason"),
            "notes": data.get("notes", ""),
        }
        return inputs.status_change(values, errors)

    def save(self, *, lead_id: int, user: Any) -> Any:
        errors = ErrorCollector()
        change = self.status_change(errors)
        return check_all(
            errors,
            lambda check_only: services.lead_change_status(
                lead_id=lead_id, changed_by=user, check_only=check_only, **change.as_kwargs()
            ),
        )


class FollowUpForm(ServiceFormMixin, forms.Form):
    followed_up_on = datetime_field("Followed up on", "When you contacted the customer.")
    next_follow_up = datetime_field("Next follow-up", "Leave empty to keep the current one.")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    error_fields = {"lead": None}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The date is filled in for the person (now): notes or a next date make it a record.
        if not (data.get("notes") or "").strip() and not data.get("next_follow_up"):
            self.add_error("notes", coded_error(ErrorCode.FOLLOW_UP_EMPTY))
        return data

    def save(self, *, lead_id: int, user: Any) -> Any:
        data = self.cleaned_data
        contact = FollowUpInput(
            followed_up_on=data.get("followed_up_on"),
            next_follow_up=data.get("next_follow_up"),
            notes=data.get("notes", ""),
        )
        return services.lead_add_followup(lead_id=lead_id, contact=contact, created_by=user)


class AssignOwnerForm(ServiceFormMixin, forms.Form):
    owner = choice_text_field("Owner")

    error_fields = {"lead": None}

    def __init__(self, *args: Any, owners: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].widget.choices = owner_choices(owners)

    def save(self, *, lead_id: int, user: Any) -> Any:
        errors = ErrorCollector()
        owner = inputs.staff_user_of(self.cleaned_data.get("owner"), errors)
        errors.raise_if_any()
        return services.lead_assign_owner(lead_id=lead_id, owner=owner, changed_by=user)


class StoreMoveForm(ServiceFormMixin, forms.Form):
    """A store handover (managers): the lead goes to another store, kept in its history."""

    store_code = choice_text_field("Store")

    error_fields = {"lead": None}

    def __init__(self, *args: Any, stores: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store_code"].widget.choices = _with_current(
            [("", "Choose a store")] + [(s.code, str(s)) for s in stores],
            self.data.get("store_code"),
        )

    def save(self, *, lead_id: int, user: Any) -> Any:
        return services.lead_move_store(
            lead_id=lead_id, store_code=self.cleaned_data.get("store_code"), changed_by=user
        )


class LeadDetailsForm(ExtendedFieldsMixin, ServiceFormMixin, forms.Form):
    """The next follow-up and the extended fields of a lead."""

    next_follow_up = datetime_field("Next follow-up")

    error_fields = {"lead": None}

    def __init__(
        self,
        *args: Any,
        definitions: Iterable[ExtendedFieldDefinition],
        lead: Any,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"next_follow_up": lead.next_follow_up})
        # On the lead page beside the follow-up form, which has a next follow-up too.
        kwargs.setdefault("auto_id", "id_details_%s")
        super().__init__(*args, **kwargs)
        self.stored_next_follow_up = lead.next_follow_up
        self.add_extended_fields(definitions, lead.extended_fields)

    def next_follow_up_change(self) -> Any:
        """The new next follow-up, or MISSING when the input still shows the stored one (the
        input has no seconds, so sending it back would move the time)."""
        value = self.cleaned_data.get("next_follow_up")
        stored = self.stored_next_follow_up
        if value == stored or (
            value is not None
            and stored is not None
            and value == stored.replace(second=0, microsecond=0)
        ):
            return MISSING
        return value

    def save(self, *, lead_id: int, user: Any) -> Any:
        return services.lead_update(
            lead_id=lead_id,
            updated_by=user,
            next_follow_up=self.next_follow_up_change(),
            extended_fields=self.extended_values(keep_blank=True),
        )


# --- add lead --------------------------------------------------------------------------------


class CustomerMode:
    EXISTING = "existing"
    NEW = "new"


FIND_BY_CHOICES = [
    ("MOBILE", "Mobile"),
    ("EMAIL", "Email"),
    ("EXTERNAL_ID", "External id"),
    ("USER_ID", "Customer id"),
]


class LeadCreateForm(ExtendedFieldsMixin, ServiceFormMixin, forms.Form):
    customer_mode = forms.ChoiceField(
        label="Who is the lead for?",
        choices=[(CustomerMode.EXISTING, "Existing customer"), (CustomerMode.NEW, "New customer")],
        initial=CustomerMode.EXISTING,
        widget=forms.RadioSelect,
    )
    find_by = choice_text_field("Find by", FIND_BY_CHOICES, initial="MOBILE")
    identifier = forms.CharField(
        label="Mobile, email or id",
        required=False,
        help_text="Mobiles without a country code are read as local numbers.",
    )
    first_name = forms.CharField(label="First name", required=False, max_length=100)
    last_name = forms.CharField(label="Last name", required=False, max_length=100)
    mobile = forms.CharField(label="Mobile", required=False, max_length=40)
    email = forms.CharField(label="Email", required=False, max_length=254)

    type = choice_text_field("Lead type", LeadType.choices, initial=LeadType.SKU)
    lead_for = forms.CharField(
        label="Lead for",
        required=False,
        help_text="A SKU, brand or category code from the catalog, or free text for Custom.",
    )
    owner = choice_text_field("Owner")
    store_code = choice_text_field("Store")
    org_source = choice_text_field("Source", initial="-1")
    next_follow_up = datetime_field("Next follow-up")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args: Any,
        owners: Iterable[Any],
        sources: Iterable[Any],
        definitions: Iterable[ExtendedFieldDefinition],
        stores: Iterable[Any] = (),
        single_store: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].widget.choices = owner_choices(owners)
        # The stores the user covers (an admin: every active one). Someone at a single store
        # records their leads there (the service's default too); anyone else may leave it
        # empty: an org-level lead.
        store_rows = [(s.code, str(s)) for s in stores]
        if single_store is None:
            store_rows.insert(0, ("", "No store (org-level)"))
        else:
            self.fields["store_code"].initial = single_store.code
        self.fields["store_code"].help_text = (
            "Its store's staff and managers see it."
            if len(store_rows) > 1 or single_store is not None
            else "You work at no store: the lead is org-level, seen by you and the admins."
        )
        self.fields["store_code"].widget.choices = _with_current(
            store_rows, self.data.get(self.add_prefix("store_code"))
        )
        self.fields["org_source"].widget.choices = [(str(s.pk), s.name) for s in sources]
        self.add_extended_fields(definitions)
        self.error_fields = self._error_fields()

    def is_new_customer(self) -> bool:
        value = self.data.get(self.add_prefix("customer_mode")) if self.is_bound else None
        return value == CustomerMode.NEW

    def _error_fields(self) -> dict[str, str | None]:
        if self.is_new_customer():
            # The customer is looked up by mobile when one is given, else by email.
            has_mobile = bool((self.data.get(self.add_prefix("mobile")) or "").strip())
            has_email = bool((self.data.get(self.add_prefix("email")) or "").strip())
            where = "email" if has_email and not has_mobile else "mobile"
            return {"user_id": where, "id_type": where, "identifier": where, "customer": where}
        return {"user_id": "identifier", "id_type": "find_by", "customer": "identifier"}

    def customer_arguments(self) -> dict[str, Any]:
        """How the service finds (or registers) the customer: userId, or idType+identifier
        with the details used when registering."""
        data = self.cleaned_data
        if data.get("customer_mode") == CustomerMode.NEW:
            mobile = (data.get("mobile") or "").strip()
            email = (data.get("email") or "").strip()
            id_type, identifier = ("MOBILE", mobile) if mobile else ("EMAIL", email or None)
            return {
                "id_type": id_type if identifier else None,
                "identifier": identifier,
                "customer_data": CustomerDetails(
                    first_name=data.get("first_name", ""),
                    last_name=data.get("last_name", ""),
                    mobile=mobile or None,
                    email=email or None,
                ),
            }
        identifier = (data.get("identifier") or "").strip()
        if data.get("find_by") == "USER_ID":
            return {"user_id": identifier}
        return {"id_type": data.get("find_by") or None, "identifier": identifier or None}

    def save(self, *, user: Any) -> services.LeadCreateResult:
        """The service with the form's values typed as the API's are (``inputs.new_lead``)."""
        data = self.cleaned_data
        values = {
            "type": data.get("type") or MISSING,
            "lead_for": data.get("lead_for"),
            "owner": data.get("owner") or None,
            "next_follow_up": data.get("next_follow_up"),
            "notes": data.get("notes", ""),
            "extended_fields": self.extended_values(keep_blank=False),
            **self.customer_arguments(),
        }
        source = (data.get("org_source") or "").strip()
        if source:
            values["org_source_id"] = source
        if data.get("store_code"):
            values["store_code"] = data["store_code"]
        refused = Refusals()
        return services.lead_create(
            created_by=user, refused=refused, **inputs.new_lead(values, refused)
        )


# --- the lead list ---------------------------------------------------------------------------

# "Any status" leaves DELETED out on the list page; the last choice shows them too.
STATUS_FILTER_CHOICES = [
    ("", "Any status"),
    ("OPEN,ON_HOLD", "Active (open or on hold)"),
    ("WON,LOST,DELETED", "Closed"),
    *Status.choices,
    (",".join(Status.values), "Any, deleted too"),
]
PAGE_SIZES = (10, 25, 50, 100)


def date_text_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _with_current(choices: list[tuple[str, str]], value: Any) -> list[tuple[str, str]]:
    """Keeps a value from the address bar selectable even when it is not a listed choice."""
    if value and value not in {c for c, _ in choices}:
        return [*choices, (value, value)]
    return choices


class LeadSearchForm(forms.Form):
    """The lead list's filter bar. Its names are the API's parameters: the query string goes
    to ``filtered_leads()`` as it is, and the filter's coded errors come back here."""

    q = forms.CharField(label="Search", required=False)
    status = choice_text_field("Status")
    substatus = choice_text_field("Sub-status")
    type = choice_text_field("Type")
    owner = choice_text_field("Owner")
    orgSourceId = choice_text_field("Source")  # noqa: N815 - the API's parameter names
    storeCode = choice_text_field("Store")  # noqa: N815
    leadFor = forms.CharField(label="Lead for (exact)", required=False)  # noqa: N815
    userId = forms.CharField(label="Customer id", required=False)  # noqa: N815
    # Dates are parsed by the lead filter (which also takes date-times); these only show them.
    createdOnFrom = date_text_field("Created from")  # noqa: N815
    createdOnTo = date_text_field("Created to")  # noqa: N815
    nextFollowUpFrom = date_text_field("Follow-up from")  # noqa: N815
    nextFollowUpTo = date_text_field("Follow-up to")  # noqa: N815
    sortBy = choice_text_field(  # noqa: N815
        "Sort by",
        [
            ("createdOn", "Created"),
            ("lastUpdatedOn", "Last updated"),
            ("nextFollowUp", "Next follow-up"),
        ],
    )
    sortOrder = choice_text_field(  # noqa: N815
        "Order", [("DESC", "Latest first"), ("ASC", "Earliest first")]
    )
    per_page = forms.CharField(required=False, widget=forms.HiddenInput)

    ADVANCED = (
        "leadFor",
        "userId",
        "createdOnFrom",
        "createdOnTo",
        "nextFollowUpFrom",
        "nextFollowUpTo",
        "substatus",
        "orgSourceId",
        "storeCode",
    )

    def __init__(
        self,
        *args: Any,
        owners: Iterable[Any],
        sources: Iterable[Any],
        sub_status_names: Iterable[str],
        stores: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        data = self.data
        self.fields["storeCode"].widget.choices = _with_current(
            [("", "Any store")] + [(s.code, str(s)) for s in stores], data.get("storeCode")
        )

        def choices(name: str, rows: list[tuple[str, str]]) -> None:
            self.fields[name].widget.choices = _with_current(rows, data.get(name))

        choices("status", STATUS_FILTER_CHOICES)
        choices("type", [("", "Any type"), *LeadType.choices])
        anyone, *named = owner_choices(owners, empty="Anyone")
        choices("owner", [anyone, (OWNER_ME, "Me"), (OWNER_NONE, "Unassigned"), *named])
        choices("orgSourceId", [("", "Any source")] + [(str(s.pk), s.name) for s in sources])
        choices("substatus", [("", "Any sub-status")] + [(n, n) for n in sub_status_names])

    def add_filter_errors(self, exc: ValidationError) -> None:
        for key, error in iter_errors(exc):
            self.add_error(key if key in self.fields else None, error)

    def advanced_used(self) -> bool:
        return any(self.data.get(name) for name in self.ADVANCED)


class BulkActionForm(StatusChangeForm):
    """Bulk assign or bulk status change of the ticked leads."""

    ASSIGN = "assign"
    STATUS = "status"

    action = forms.ChoiceField(
        choices=[(ASSIGN, "Assign"), (STATUS, "Change status")], widget=forms.HiddenInput
    )
    owner = choice_text_field("Assign to")

    def __init__(
        self, *args: Any, owners: Iterable[Any], may_close: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].widget.choices = owner_choices(owners, empty="Nobody (unassign)")
        if not may_close:
            # Bulk DELETED and LOST are managers' (the service refuses them to others, 90034).
            self.fields["status"].widget.choices = [
                choice
                for choice in self.fields["status"].widget.choices
                if choice[0] not in BULK_CLOSE_STATUSES
            ]

    def lead_ids(self) -> list[str]:
        return [value for value in self.data.getlist("lead_ids") if value.strip()]

    def keep_sub_statuses_of(self, status: str) -> None:
        """Offers only the chosen status's sub-statuses (the confirmation step)."""
        self.fields["sub_status"].widget.choices = [("", "None")] + [
            (str(sub.pk), sub.name) for sub in self.sub_statuses if sub.status == status
        ]

    def needs_confirmation(self) -> bool:
        """Marking leads Lost or Deleted closes them for good: the page asks first."""
        return (
            self.cleaned_data.get("action") == self.STATUS
            and self.cleaned_data.get("status") in REASON_REQUIRED_STATUSES
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.lead_ids():
            raise ValidationError("Tick at least one lead in the list first.")
        return data

    def run(self, *, user: Any) -> list[services.BulkItemResult]:
        """Each ticked lead's result. A value the edge refuses (an owner or status that is no
        such thing, a lead id that is no id) refuses the leads it concerns with its code,
        after what the service finds about each lead (a missing one is 92001)."""
        errors = ErrorCollector()
        if self.cleaned_data["action"] == self.ASSIGN:
            owner = inputs.staff_user_of(self.cleaned_data.get("owner"), errors)
            check = partial(services.lead_assign_owner, owner=owner, changed_by=user)
        else:
            change = self.status_change(errors)
            check = partial(services.lead_change_status, changed_by=user, **change.as_kwargs())
        results: dict[int, services.BulkItemResult] = {}
        valid: list[tuple[int, int]] = []
        for index, raw in enumerate(self.lead_ids()):
            item_errors = ErrorCollector()
            item_errors.extend(errors.as_error())
            pk = inputs.lead_id_of(raw, item_errors)
            if not item_errors:
                valid.append((index, pk))
                continue
            result = services.BulkItemResult(index=index, lead_id=raw)
            try:
                check_all(item_errors, lambda _, pk=pk: pk and check(lead_id=pk, check_only=True))
            except ValidationError as exc:
                result.errors = error_items(exc)
            results[index] = result
        pks = [pk for _, pk in valid]
        if self.cleaned_data["action"] == self.ASSIGN:
            applied = services.lead_bulk_assign_owner(lead_ids=pks, owner=owner, changed_by=user)
        else:
            items = [(pk, change) for pk in pks]
            applied = services.lead_bulk_change_status(items=items, changed_by=user)
        for (index, _), result in zip(valid, applied, strict=True):
            result.index = index
            results[index] = result
        return [results[index] for index in sorted(results)]


# --- org settings ----------------------------------------------------------------------------


class ReasonForm(ServiceFormMixin, forms.Form):
    reason = forms.CharField(label="New reason", required=False, max_length=255)

    error_fields = {"reasons[0]": "reason"}

    def save(self) -> Any:
        return services.reasons_create(reasons=[self.cleaned_data.get("reason") or ""])[0]


class SubStatusForm(ServiceFormMixin, forms.Form):
    status = choice_text_field("Status", [("", "Choose a status…"), *Status.choices])
    name = forms.CharField(label="Sub-status name", required=False)

    def save(self) -> SubStatus:
        errors = ErrorCollector()
        status = inputs.status_of(self.cleaned_data.get("status"), errors)
        name = self.cleaned_data.get("name") or ""
        return check_all(
            errors,
            lambda check_only: services.substatus_create(
                status=status, name=name, check_only=check_only
            ),
        )


class OrgSwitchForm(ServiceFormMixin, forms.Form):
    """One on/off org setting: its field's name is the setting's."""

    def save(self) -> Any:
        ((name, value),) = self.cleaned_data.items()
        return services.org_settings_update(**{name: value})

    @classmethod
    def of(cls, setting: str, label: str, help_text: str) -> type[OrgSwitchForm]:
        """The form switching ``setting`` (an OrgSettings field) on the settings page."""
        field = forms.BooleanField(label=label, required=False, help_text=help_text)
        return type(f"{setting}_form", (cls,), {setting: field})


AutoRegistrationForm = OrgSwitchForm.of(
    "auto_register_customers",
    "Register unknown customers automatically",
    "When a lead names a mobile, email or external id nobody has, register a new non-loyalty "
    "customer. When off, such leads are refused with 92025.",
)
CloseReasonForm = OrgSwitchForm.of(
    "require_close_reason",
    "A reason is required to mark a lead Lost or Deleted",
    "When on, a change to LOST or DELETED without a reason is refused with 90031 (pages, bulk "
    "changes and the API alike).",
)


class RowEditForm(ServiceFormMixin, forms.Form):
    """Rename a reason or a sub-status, or switch it off (it stays on the history)."""

    name = forms.CharField(label="Name", required=False)
    is_active = forms.BooleanField(label="Offered", required=False)

    def save(self, *, update: Callable[..., Any], row_id: int) -> Any:
        """``update`` is the service (reason_update, substatus_update) keyed by ``row_id``."""
        edit = RowEdit(
            text=self.cleaned_data.get("name", ""), is_active=self.cleaned_data["is_active"]
        )
        return update(row_id, edit)


def parse_choices(text: str) -> list[Any]:
    """Comma-separated allowed values; numbers and true/false are kept as such."""
    values: list[Any] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            value = json.loads(part)
        except ValueError:
            value = part
        values.append(value if isinstance(value, str | int | float | bool) else part)
    return values


class ExtendedFieldForm(ServiceFormMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        required=False,
        help_text="The key in extendedFields: letters, digits, - and _.",
    )
    label = forms.CharField(label="Label", required=False, max_length=100)
    data_type = choice_text_field(
        "Data type",
        ExtendedFieldDefinition.DataType.choices,
        initial=ExtendedFieldDefinition.DataType.STRING,
    )
    choices = forms.CharField(
        label="Allowed values",
        required=False,
        help_text="Optional, comma-separated. Empty allows any value of the data type.",
    )

    # On the settings page beside the sub-status form, which has a name too: ids must differ.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_field_%s")
        super().__init__(*args, **kwargs)

    def save(self) -> ExtendedFieldDefinition:
        data = self.cleaned_data
        errors = ErrorCollector()
        data_type = inputs.data_type_of(data.get("data_type"), errors)
        return check_all(
            errors,
            lambda check_only: services.extended_field_create(
                name=data.get("name", ""),
                label=data.get("label", ""),
                data_type=data_type,
                choices=parse_choices(data.get("choices", "")),
                check_only=check_only,
            ),
        )


class CustomerFollowUpForm(FollowUpForm):
    """The customer page's composer: a follow-up or note on one of the customer's leads."""

    lead = choice_text_field("Lead")

    field_order = ["lead"]

    def __init__(self, *args: Any, leads: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leads = list(leads)
        self.fields["lead"].widget.choices = [
            (
                str(lead.pk),
                f"#{lead.pk} · {getattr(lead, 'item_name', '') or lead.lead_for}"
                f" ({lead.get_status_display()})",
            )
            for lead in self.leads
        ]
        if self.leads and not self.is_bound:
            active = [lead for lead in self.leads if not lead.is_closed]
            self.initial.setdefault("lead", str((active or self.leads)[0].pk))

    def clean_lead(self) -> int:
        # Only a lead of this customer: any other id is not found here.
        pk = parse_id(self.cleaned_data.get("lead"))
        if pk is None or pk not in {lead.pk for lead in self.leads}:
            raise coded_error(ErrorCode.LEAD_NOT_FOUND)
        return pk

    def save(self, *, user: Any) -> Any:  # type: ignore[override]
        return super().save(lead_id=self.cleaned_data["lead"], user=user)
