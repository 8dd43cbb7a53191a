"""The lead search, shared by ``GET /v2/leads``, the CSV export and the staff lead list.

Every parameter is validated: a value that cannot be right is a coded error (92003, 92009,
92014 ...), never silently ignored.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet

from crm.core.parsing import parse_id, parse_moment
from crm.org.selectors import stores_condition
from customers.models import Customer
from customers.selectors import contact_condition, id_search

from .access import visible_leads
from .errors import ErrorCode, coded_error
from .models import CATALOG_MODELS, Lead, LeadType, OrgSource, Status, SubStatus

User = get_user_model()

SORT_FIELDS = {
    "createdOn": "created_on",
    "lastUpdatedOn": "last_updated_on",
    "nextFollowUp": "next_follow_up",
}
SORT_ORDERS = ("ASC", "DESC")

# Parameters that filter by their cleaned value as it is (a list: any of its values).
EXACT_FILTERS = {
    "userId": "customer_id",
    "status": "status__in",
    "substatus": "sub_status__name",
    "type": "type__in",
    "leadFor": "lead_for",
    "orgSourceId": "org_source_id",
    "importJob": "import_job_id",
}
SEARCH_MAX_LENGTH = 200
# The owner filter's two values that name no username ("~" is not allowed in one): the
# person searching, and no owner at all.
OWNER_ME = "~me"
OWNER_NONE = "~none"


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class LeadFilterForm(forms.Form):
    """Validation of the search parameters, each refusal with its registry code."""

    def clean_userId(self) -> int | None:  # noqa: N802 - the API's parameter name
        value = (self.cleaned_data.get("userId") or "").strip()
        if not value:
            return None
        pk = parse_id(value)
        if pk is None or not Customer.objects.filter(pk=pk).exists():
            raise coded_error(ErrorCode.USER_NOT_FOUND, value)
        return pk

    def clean_status(self) -> list[str]:
        values = _split(self.cleaned_data.get("status") or "")
        for value in values:
            if value not in Status.values:
                raise coded_error(ErrorCode.INVALID_LEAD_STATUS, value)
        return values

    def clean_type(self) -> list[str]:
        values = _split(self.cleaned_data.get("type") or "")
        # Capillary's search sample sends type=ALL: every type.
        if [value.upper() for value in values] == ["ALL"]:
            return []
        for value in values:
            if value not in LeadType.values:
                raise coded_error(ErrorCode.INVALID_LEAD_TYPE)
        return values

    def clean_substatus(self) -> str:
        value = (self.cleaned_data.get("substatus") or "").strip()
        if value and not SubStatus.objects.filter(name=value).exists():
            raise coded_error(ErrorCode.INVALID_SUB_STATUS, value)
        return value

    def clean_owner(self) -> Any:
        value = (self.cleaned_data.get("owner") or "").strip()
        if not value:
            return None
        if value == OWNER_NONE:
            return OWNER_NONE
        if value == OWNER_ME:
            user = getattr(self, "user", None)
            if user is None or not user.is_authenticated:
                raise coded_error(ErrorCode.INVALID_OWNER, value)
            return user
        user = User.objects.filter(username=value).first()
        if user is None and parse_id(value) is not None:
            # Capillary clients pass the associate's staff id.
            user = User.objects.filter(pk=parse_id(value)).first()
        if user is None:
            raise coded_error(ErrorCode.INVALID_OWNER, value)
        return user

    def clean_orgSourceId(self) -> int | None:  # noqa: N802
        value = (self.cleaned_data.get("orgSourceId") or "").strip()
        if not value:
            return None
        try:
            pk = int(value)
        except ValueError:
            raise coded_error(ErrorCode.INVALID_ORG_SOURCE) from None
        if not OrgSource.objects.filter(pk=pk).exists():
            raise coded_error(ErrorCode.INVALID_ORG_SOURCE)
        return pk

    def clean_importJob(self) -> int | None:  # noqa: N802
        value = (self.cleaned_data.get("importJob") or "").strip()
        if not value:
            return None
        pk = parse_id(value)
        if pk is None:
            raise coded_error(ErrorCode.INVALID_FILTER, "importJob", "expected an import's id")
        return pk

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # entityType + entityCode (Capillary's), or storeCode: the leads of a unit's stores.
        code = (data.get("entityCode") or "").strip()
        store_code = (data.get("storeCode") or "").strip()
        kind = (data.get("entityType") or "").strip() or None
        data["stores"] = None
        try:
            if code:
                data["stores"] = stores_condition(entity_type=kind, code=code)
            elif store_code:
                data["stores"] = stores_condition(
                    entity_type=None, code=store_code, field="storeCode"
                )
            elif kind:
                data["stores"] = stores_condition(entity_type=kind, code="")
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data

    def _moment(self, name: str, *, end_of_day: bool) -> datetime.datetime | None:
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            return None
        moment = parse_moment(value, end_of_day=end_of_day)
        if moment is None:
            raise coded_error(ErrorCode.INVALID_FILTER, name, "expected an ISO 8601 date or time")
        return moment

    def clean_createdOnFrom(self):  # noqa: N802
        return self._moment("createdOnFrom", end_of_day=False)

    def clean_createdOnTo(self):  # noqa: N802
        return self._moment("createdOnTo", end_of_day=True)

    def clean_nextFollowUpFrom(self):  # noqa: N802
        return self._moment("nextFollowUpFrom", end_of_day=False)

    def clean_nextFollowUpTo(self):  # noqa: N802
        return self._moment("nextFollowUpTo", end_of_day=True)

    def clean_q(self) -> str:
        value = (self.cleaned_data.get("q") or "").strip()
        # A search is a few words; SQLite also refuses LIKE patterns past 50 000 bytes.
        if len(value) > SEARCH_MAX_LENGTH:
            raise coded_error(
                ErrorCode.INVALID_FILTER, "q", f"at most {SEARCH_MAX_LENGTH} characters"
            )
        return value

    def clean_sortBy(self) -> str:  # noqa: N802
        value = (self.cleaned_data.get("sortBy") or "").strip() or "createdOn"
        # Capillary's own sample sends "createdon": the names are matched case-insensitively.
        value = next((name for name in SORT_FIELDS if name.lower() == value.lower()), value)
        if value not in SORT_FIELDS:
            raise coded_error(
                ErrorCode.INVALID_FILTER, "sortBy", "one of " + ", ".join(SORT_FIELDS)
            )
        return value

    def clean_sortOrder(self) -> str:  # noqa: N802
        value = (self.cleaned_data.get("sortOrder") or "").strip().upper() or "DESC"
        if value not in SORT_ORDERS:
            raise coded_error(ErrorCode.INVALID_FILTER, "sortOrder", "ASC or DESC")
        return value


def _text_filter(label: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(method="filter_noop", label=label)


class LeadFilter(django_filters.FilterSet):
    userId = _text_filter("Customer id")  # noqa: N815 - the API's parameter names
    status = _text_filter("Status (comma-separated)")
    substatus = _text_filter("Sub-status")
    owner = _text_filter("Owner (username)")
    type = _text_filter("Type (comma-separated)")
    leadFor = django_filters.CharFilter(field_name="lead_for", label="Lead for")  # noqa: N815
    orgSourceId = _text_filter("Org source id")  # noqa: N815
    importJob = _text_filter("CSV import job id")  # noqa: N815
    entityType = _text_filter("Unit type (ZONE, STORE, TILL)")  # noqa: N815
    entityCode = _text_filter("Unit code")  # noqa: N815
    storeCode = _text_filter("Store code")  # noqa: N815
    createdOnFrom = _text_filter("Created from")  # noqa: N815
    createdOnTo = _text_filter("Created to")  # noqa: N815
    nextFollowUpFrom = _text_filter("Next follow-up from")  # noqa: N815
    nextFollowUpTo = _text_filter("Next follow-up to")  # noqa: N815
    q = _text_filter("Search")
    sortBy = _text_filter("Sort by")  # noqa: N815
    sortOrder = _text_filter("Sort order")  # noqa: N815

    class Meta:
        model = Lead
        fields: list[str] = []
        form = LeadFilterForm

    def filter_noop(self, queryset: QuerySet[Lead], name: str, value: Any) -> QuerySet[Lead]:
        # All parameters are applied together in filter_queryset() from cleaned_data.
        return queryset

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    @property
    def form(self) -> LeadFilterForm:
        form = super().form
        form.user = self.user  # for owner=~me
        return form

    def filter_queryset(self, queryset: QuerySet[Lead]) -> QuerySet[Lead]:
        data = self.form.cleaned_data
        owner = data.get("owner")
        if owner == OWNER_NONE:
            queryset = queryset.filter(owner__isnull=True)
        elif owner is not None:
            queryset = queryset.filter(owner=owner)
        for name, lookup in EXACT_FILTERS.items():
            value = data.get(name)
            # Absent parameters are cleaned to None, "" or []; 0 is a value.
            if value is not None and value != "" and value != []:
                queryset = queryset.filter(**{lookup: value})
        for name, lookup in (
            ("createdOnFrom", "created_on__gte"),
            ("createdOnTo", "created_on__lte"),
            ("nextFollowUpFrom", "next_follow_up__gte"),
            ("nextFollowUpTo", "next_follow_up__lte"),
        ):
            if data.get(name) is not None:
                queryset = queryset.filter(**{lookup: data[name]})
        if data.get("q"):
            queryset = queryset.filter(search_condition(data["q"]))
        if data.get("stores") is not None:
            queryset = queryset.filter(data["stores"])
        return queryset.order_by(*ordering(data.get("sortBy"), data.get("sortOrder")))


def search_condition(text: str) -> Q:
    """Text search over the item (its code, and the catalog name shown beside it), and the
    customer's name (full name too), mobile in any format and email; "#20" is lead 20 and
    nothing else. The one search of the API's ``q``, the lead list and the top bar.

    The customer's part is a subquery over customers (``customer_id IN (...)``), so that on
    PostgreSQL it is answered from the customers' trigram indexes instead of a join that
    reads every lead's customer."""
    text = text.strip()
    lead_id = id_search(text)
    if lead_id is not None:
        return Q(pk=lead_id)
    named = Q()
    for lead_type, model in CATALOG_MODELS.items():
        codes = model.objects.filter(name__icontains=text).values("code")
        named |= Q(type=lead_type, lead_for__in=codes)
    customers = Customer.objects.filter(contact_condition(text)).values("pk")
    return Q(lead_for__icontains=text) | named | Q(customer_id__in=customers)


def ordering(sort_by: str | None, sort_order: str | None) -> list[Any]:
    field = SORT_FIELDS.get(sort_by or "createdOn", "created_on")
    ascending = (sort_order or "DESC") == "ASC"
    if field == "next_follow_up":
        # Leads without a next follow-up come last either way.
        key = F(field).asc(nulls_last=True) if ascending else F(field).desc(nulls_last=True)
        return [key, "id" if ascending else "-id"]
    # NOT NULL columns: plain ordering, so that the (column, id) indexes serve it.
    return [field, "id"] if ascending else [f"-{field}", "-id"]


def filtered_leads(params: Any, queryset: QuerySet[Lead], *, user: Any) -> QuerySet[Lead]:
    """The search applied to the leads of ``queryset`` that ``user`` may see (see
    ``leads.access``), or a ValidationError of coded errors. ``user`` is who searches:
    ``owner=~me`` means them; None is the system itself (a command line), which sees every
    lead."""
    if user is not None:
        queryset = visible_leads(queryset, user)
    if params.keys().isdisjoint(LeadFilter.base_filters):
        # No search parameter at all (the first page of a list): nothing to validate, and
        # the filter set's form would only clean every field to nothing.
        return queryset.order_by(*ordering(None, None))
    filterset = LeadFilter(params, queryset=queryset, user=user)
    if not filterset.is_valid():
        raise ValidationError(filterset.form.errors.as_data())
    return filterset.qs
