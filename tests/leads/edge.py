"""The lead services as a client reaches them: what it sends (text, ids as text, usernames)
typed by the edge's ``leads.inputs`` first, then the service, with every problem of the call
raised at once (``check_all``), as the API and the pages do. Tests that send a value a service
no longer takes (a status that is no status, an owner by username) call these."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from leads import inputs, services
from leads.errors import ErrorCode, ErrorCollector, Refusals, check_all, coded_error, error_items

# lead_create() arguments that are no client values: passed on as they are.
_GIVEN = ("created_by", "customer", "recorded_by", "import_job", "check_only")


def lead_create(**values: Any) -> Any:
    """lead_create() with the lead's values typed as the API's are (``inputs.new_lead``):
    what cannot be typed is refused, and reported by the service in its order."""
    given = {name: values.pop(name) for name in _GIVEN if name in values}
    refused = Refusals()
    return services.lead_create(**given, refused=refused, **inputs.new_lead(values, refused))


def lead_create_many(*, created_by: Any, items: list[dict[str, Any]]) -> Any:
    typed = []
    for item in items:
        refused = Refusals()
        typed.append({**inputs.new_lead(item, refused), "refused": refused})
    return services.lead_create_many(created_by=created_by, items=typed)


def _on_lead(lead_id: Any, errors: ErrorCollector, call: Any) -> Any:
    pk = inputs.lead_id_of(lead_id, errors)
    return check_all(errors, lambda check_only: None if pk is None else call(pk, check_only))


def lead_change_status(*, lead_id: Any, changed_by: Any, **values: Any) -> Any:
    errors = ErrorCollector()
    change = inputs.status_change(values, errors)
    return _on_lead(
        lead_id,
        errors,
        lambda pk, check_only: services.lead_change_status(
            lead_id=pk, changed_by=changed_by, check_only=check_only, **change.as_kwargs()
        ),
    )


def lead_add_followup(*, lead_id: Any, created_by: Any, **values: Any) -> Any:
    errors = ErrorCollector()
    followup = inputs.followup_input(values, errors)
    return _on_lead(
        lead_id,
        errors,
        lambda pk, check_only: services.lead_add_followup(
            lead_id=pk, created_by=created_by, check_only=check_only, contact=followup
        ),
    )


def lead_update(*, lead_id: Any, updated_by: Any, **values: Any) -> Any:
    errors = ErrorCollector()
    changes = inputs.lead_changes(values, errors)
    return _on_lead(
        lead_id,
        errors,
        lambda pk, check_only: services.lead_update(
            lead_id=pk, updated_by=updated_by, check_only=check_only, **changes.as_kwargs()
        ),
    )


def lead_assign_owner(*, lead_id: Any, owner: Any, changed_by: Any) -> Any:
    errors = ErrorCollector()
    user = inputs.staff_user_of(owner, errors)
    pk = inputs.lead_id_of(lead_id, errors)
    errors.raise_if_any()
    return services.lead_assign_owner(lead_id=pk, owner=user, changed_by=changed_by)


def lead_bulk_assign_owner(*, lead_ids: list[Any], owner: Any, changed_by: Any) -> list[Any]:
    errors = ErrorCollector()
    user = inputs.staff_user_of(owner, errors)
    if errors:
        return _bulk(
            [{"lead_id": lead_id} for lead_id in lead_ids],
            lambda item: lead_assign_owner(
                lead_id=item["lead_id"], owner=owner, changed_by=changed_by
            ),
        )
    return services.lead_bulk_assign_owner(lead_ids=lead_ids, owner=user, changed_by=changed_by)


def lead_bulk_change_status(*, items: list[Any], changed_by: Any) -> list[Any]:
    def change(item: Any) -> Any:
        if not isinstance(item, dict):
            raise coded_error(ErrorCode.INVALID_FIELD, "item", "expected an object")
        errors = ErrorCollector()
        inputs.lead_id_of(item.get("lead_id"), errors, missing=ErrorCode.LEAD_ID_NULL)
        errors.raise_if_any()
        return lead_change_status(changed_by=changed_by, **item)

    return _bulk(items, change)


def _bulk(items: list[Any], apply: Any) -> list[Any]:
    """Each item on its own, as the bulk services apply them."""
    results = []
    for index, item in enumerate(items):
        lead_id = item.get("lead_id") if isinstance(item, dict) else None
        result = services.BulkItemResult(index=index, lead_id=lead_id)
        try:
            with transaction.atomic():
                result.lead = apply(item)
        except ValidationError as exc:
            result.errors = error_items(exc)
        results.append(result)
    return results


def substatus_create(*, status: Any, name: Any) -> Any:
    errors = ErrorCollector()
    typed_status = inputs.status_of(status, errors)
    text = inputs.text_of(name, errors, "name", "subStatus")
    return check_all(
        errors,
        lambda check_only: services.substatus_create(
            status=typed_status, name=text, check_only=check_only
        ),
    )


def reasons_create(*, reasons: list[Any]) -> Any:
    errors = ErrorCollector()
    texts = inputs.reason_texts(reasons, errors)
    return check_all(
        errors,
        lambda check_only: services.reasons_create(reasons=texts, check_only=check_only),
    )
