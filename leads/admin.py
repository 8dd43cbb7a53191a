from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from crm.core.admin import ReadOnlyAdminMixin
from crm.core.models import active_staff

from . import services
from .access import LeadAction, check, check_create, may, visible_leads
from .errors import ErrorCollector, Refusals
from .inputs import new_lead, status_of
from .models import (
    ExtendedFieldDefinition,
    FollowUp,
    FollowUpReminder,
    ImportJob,
    Lead,
    LeadStatus,
    OrgSettings,
    OrgSource,
    OutboxEvent,
    OwnerChange,
    Reason,
    StoreChange,
    SubStatus,
)

# What the lead's form edits and its changelist shows.
LEAD_COLUMNS = (
    "customer",
    "type",
    "lead_for",
    "status",
    "sub_status",
    "owner",
    "store",
    "org_source",
)


class VisibleLeadsMixin:
    """Leads, and rows of a lead's history, only as far as the signed-in user may see the
    leads (``leads.access``): the admin is one more surface of the same rules. ``lead_field``
    is the path from the row to its lead ("" for a lead itself)."""

    lead_field = "lead"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if not self.lead_field:
            return visible_leads(queryset, request.user)
        visible = visible_leads(Lead.objects.all(), request.user).values("pk")
        return queryset.filter(**{f"{self.lead_field}__in": visible})


class LeadStatusInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LeadStatus
    fields = ("status", "sub_status", "reason", "notes", "created_by", "created_on")
    readonly_fields = fields
    extra = 0
    ordering = ("created_on", "id")


class OwnerChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OwnerChange
    fields = ("from_owner", "to_owner", "changed_by", "changed_on")
    readonly_fields = fields
    extra = 0


class StoreChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StoreChange
    fields = ("from_store", "to_store", "changed_by", "changed_on")
    readonly_fields = fields
    extra = 0


class FollowUpInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FollowUp
    fields = ("followed_up_on", "followed_up_by", "scheduled_follow_up", "next_follow_up", "notes")
    readonly_fields = fields
    extra = 0


class LeadAdminForm(forms.ModelForm):
    reason = forms.ModelChoiceField(
        queryset=Reason.objects.all(), required=False, help_text="Why the status changes."
    )
    status_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            # Only active staff can own leads (92019); offer no one else.
            self.fields["owner"].queryset = active_staff()

    class Meta:
        model = Lead
        fields = (*LEAD_COLUMNS, "next_follow_up", "extended_fields")

    # The signed-in user (LeadAdmin.get_form sets it): what their role refuses is shown on the
    # field with its code, before the services would refuse it.
    user: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.user is None:
            return data
        lead, store = self.instance, data.get("store")
        checks = []
        if lead.pk is None:
            checks.append(("store", lambda: check_create(self.user, store)))
        else:
            if "owner" in self.changed_data:
                owner = data.get("owner")
                checks.append(
                    ("owner", lambda: check(self.user, LeadAction.ASSIGN, lead, to=owner))
                )
            if "store" in self.changed_data and store is not None:
                checks.append(("store", lambda: check(self.user, LeadAction.MOVE, lead, to=store)))
        for field, run in checks:
            try:
                run()
            except ValidationError as exc:
                self.add_error(field, exc)
        return data


@admin.register(Lead)
class LeadAdmin(VisibleLeadsMixin, admin.ModelAdmin):
    """Every change made here goes through the lead services, so the admin keeps the same rules
    and writes the same history (a status change appends its log row)."""

    form = LeadAdminForm
    list_display = ("id", *LEAD_COLUMNS, "next_follow_up", "created_on")
    list_filter = ("status", "type", "org_source", "owner", "created_on")
    search_fields = (
        "lead_for",
        "customer__first_name",
        "customer__last_name",
        "customer__mobile",
        "customer__email",
    )
    list_select_related = ("customer", "sub_status", "owner", "org_source", "store")
    raw_id_fields = ("customer",)
    date_hierarchy = "created_on"
    inlines = (LeadStatusInline, FollowUpInline, OwnerChangeInline, StoreChangeInline)
    lead_field = ""
    fieldsets = (
        (None, {"fields": ("customer", "type", "lead_for", "org_source", "store")}),
        ("Status", {"fields": ("status", "sub_status", "reason", "status_notes")}),
        ("Follow-up", {"fields": ("owner", "next_follow_up", "last_follow_up")}),
        ("Extended fields", {"fields": ("extended_fields",)}),
        (
            "Audit",
            {"fields": ("created_on", "created_by", "last_updated_on", "last_updated_by")},
        ),
    )
    readonly_fields = (
        "last_follow_up",
        "created_on",
        "created_by",
        "last_updated_on",
        "last_updated_by",
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # The customer and the item are what the lead is; they are not edited afterwards.
            fields += ["customer", "type", "lead_for", "org_source"]
        return fields

    def has_delete_permission(self, request, obj=None) -> bool:
        # Leads are never hard-deleted: the DELETED status is the soft delete.
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def has_change_permission(self, request, obj=None) -> bool:
        # A lead the user sees but may not change (their role) is shown read-only.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may(request.user, LeadAction.CHANGE, obj))

    def save_model(self, request, obj: Lead, form: LeadAdminForm, change: bool) -> None:
        data: dict[str, Any] = form.cleaned_data
        if not change:
            reason, refused = data.get("reason"), Refusals()
            values = {
                "type": data["type"],
                "lead_for": data["lead_for"],
                "status": data["status"],
                "sub_status": data.get("sub_status"),
                "reason_id": reason.pk if reason else None,
                "notes": data.get("status_notes") or "",
                "owner": data.get("owner"),
                "org_source_id": data["org_source"].pk,
                "next_follow_up": data.get("next_follow_up"),
                "extended_fields": data.get("extended_fields") or {},
                "store_code": data["store"].code if data.get("store") else None,
            }
            result = services.lead_create(
                created_by=request.user,
                customer=data["customer"],
                refused=refused,
                **new_lead(values, refused),
            )
            obj.pk = result.lead.pk
            obj._state.adding = False
            return
        changed = set(form.changed_data)
        if changed & {"status", "sub_status"}:
            reason = data.get("reason")
            errors = ErrorCollector()
            status = status_of(data["status"], errors)
            errors.raise_if_any()
            services.lead_change_status(
                lead_id=obj.pk,
                status=status,
                sub_status=data.get("sub_status"),
                reason_id=reason.pk if reason else None,
                notes=data.get("status_notes") or "",
                changed_by=request.user,
            )
        if "owner" in changed:
            services.lead_assign_owner(
                lead_id=obj.pk, owner=data.get("owner"), changed_by=request.user
            )
        if "store" in changed and data.get("store") is not None:
            services.lead_move_store(
                lead_id=obj.pk, store_code=data["store"].code, changed_by=request.user
            )
        updates = {}
        if "extended_fields" in changed:
            updates["extended_fields"] = data.get("extended_fields") or {}
        if "next_follow_up" in changed:
            updates["next_follow_up"] = data.get("next_follow_up")
        if updates:
            if "extended_fields" in updates:
                # The admin edits the whole object: keys removed there are removed here.
                current = Lead.objects.get(pk=obj.pk).extended_fields
                removed = {key: None for key in current if key not in updates["extended_fields"]}
                updates["extended_fields"] = {**removed, **updates["extended_fields"]}
            services.lead_update(lead_id=obj.pk, updated_by=request.user, **updates)


@admin.register(LeadStatus)
class LeadStatusAdmin(VisibleLeadsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "lead", "status", "sub_status", "reason", "created_by", "created_on")
    list_filter = ("status", "created_on")
    search_fields = ("lead__id", "lead__lead_for", "notes")
    list_select_related = ("lead", "sub_status", "reason", "created_by")


class HandoverAdmin(VisibleLeadsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """A kind of handover (``leads.models.Handover``): its two sides, who passed the lead,
    when. ``holder_key`` is what a holder is searched by."""

    list_filter = ("changed_on",)
    holder_key: str

    def __init__(self, model, admin_site):
        holders = (f"from_{model.side}", f"to_{model.side}")
        self.list_display = ("id", "lead", *holders, "changed_by", "changed_on")
        self.search_fields = ("lead__id", *(f"{h}__{self.holder_key}" for h in reversed(holders)))
        self.list_select_related = ("lead", *holders, "changed_by")
        super().__init__(model, admin_site)


@admin.register(OwnerChange)
class OwnerChangeAdmin(HandoverAdmin):
    holder_key = "username"


@admin.register(OutboxEvent)
class OutboxEventAdmin(VisibleLeadsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "type", "lead", "actor", "occurred_on", "dispatched_on")
    list_filter = ("type", "occurred_on")
    search_fields = ("lead__id", "type")
    list_select_related = ("lead", "actor")


@admin.register(FollowUpReminder)
class FollowUpReminderAdmin(VisibleLeadsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("lead", "due", "recipient", "sent_on")
    search_fields = ("lead__id", "recipient__username")
    list_select_related = ("lead", "recipient")


@admin.register(StoreChange)
class StoreChangeAdmin(HandoverAdmin):
    holder_key = "code"


@admin.register(FollowUp)
class FollowUpAdmin(VisibleLeadsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "lead", "followed_up_on", "followed_up_by", "next_follow_up")
    list_filter = ("followed_up_on",)
    search_fields = ("lead__id", "notes")
    list_select_related = ("lead", "followed_up_by")


@admin.register(SubStatus)
class SubStatusAdmin(admin.ModelAdmin):
    list_display = ("status", "name", "is_active", "created_on")
    list_filter = ("status", "is_active")
    search_fields = ("name",)


@admin.register(Reason)
class ReasonAdmin(admin.ModelAdmin):
    list_display = ("id", "reason", "is_active", "created_on")
    list_filter = ("is_active",)
    search_fields = ("reason",)


@admin.register(OrgSource)
class OrgSourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "name")


@admin.register(ExtendedFieldDefinition)
class ExtendedFieldDefinitionAdmin(admin.ModelAdmin):
    list_display = ("name", "label", "data_type", "choices", "is_active")
    list_filter = ("data_type", "is_active")
    search_fields = ("name", "label")

    def get_readonly_fields(self, request, obj=None):
        # Stored values were checked against the name and data type: once the field exists,
        # they stay (as extended_field_update() keeps them).
        return ("name", "data_type") if obj is not None else ()


@admin.register(OrgSettings)
class OrgSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "auto_register_customers", "require_close_reason", "updated_on")

    def has_add_permission(self, request) -> bool:
        return not OrgSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "file_name", "state", "dry_run", "ok_rows", "failed_rows", "created_on")
    list_filter = ("state", "dry_run")
