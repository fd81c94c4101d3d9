"""Legal parameters recorded in Tugi (issue 3 § 4): propose, confirm by a second person, withdraw.

A confirmed value overrides the engine's file value of the same name and date (see
``selectors_parameters.parameters``). Confirming needs a second person: whoever proposed a value
cannot confirm it (four eyes). A newly confirmed value withdraws any earlier confirmed value of
the same name and date, so there is always at most one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import save_new
from tugi.core.money import MoneyError, to_decimal
from tugi.core.permissions import require

from ..audit_events import PensionEvent
from ..models import ParameterName, ParameterStatus, ParameterValue
from ..selectors_parameters import plain

#: Units used when the user gives none (as in the engine's parameter files).
DEFAULT_UNITS: dict[str, str] = {
    ParameterName.BASE_AMOUNT: "EUR",
    ParameterName.YEAR_VALUE: "EUR",
    ParameterName.PENSION_INDEX: "factor",
    ParameterName.AVERAGE_SOCIAL_TAX: "EUR/year",
    ParameterName.MINIMUM_WAGE: "EUR/month",
    ParameterName.EXTRA_BASE_INCREASE: "EUR",
}


def check_value(name: str, value: Any) -> Decimal:
    """The value as an exact Decimal, or a ValidationError on ``value`` saying what is wrong.

    Every parameter must be above zero (an index of 1 or less is recorded as given; the indexation
    rule then leaves pensions unreduced).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({"value": _("Enter a value.")})
    try:
        number = to_decimal(value.replace(",", ".") if isinstance(value, str) else value)
    except MoneyError:
        raise ValidationError({"value": _("Enter a number, e.g. 255.7562.")}) from None
    if number <= 0:
        labels = dict(ParameterName.choices)
        raise ValidationError(
            {"value": _("The %(name)s must be above zero.") % {"name": labels.get(name, name)}}
        )
    if -number.as_tuple().exponent > 6:  # type: ignore[operator]
        raise ValidationError({"value": _("Give at most 6 decimal places.")})
    return number


@transaction.atomic
def parameter_propose(
    *,
    name: str,
    valid_from: dt.date | None,
    value: Any,
    actor: Any,
    unit: str = "",
    legal_title: str = "",
    legal_url: str = "",
    checked_on: dt.date | None = None,
    note: str = "",
    reason: str = "",
) -> ParameterValue:
    """Record a proposed value; it takes effect only once a second person confirms it."""
    require(actor, "pensions.add_parametervalue")
    errors: dict[str, Any] = {}
    if name not in ParameterName.values:
        errors["name"] = _("Unknown parameter %(name)s.") % {"name": name}
    if valid_from is None:
        errors["valid_from"] = _("Enter the date the value applies from.")
    number: Decimal | None = None
    try:
        number = check_value(name, value)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors or valid_from is None or number is None:
        raise ValidationError(errors)
    yearly = name in (ParameterName.AVERAGE_SOCIAL_TAX, ParameterName.MINIMUM_WAGE)
    if yearly and (valid_from.month, valid_from.day) != (1, 1):
        raise ValidationError({"valid_from": _("The value of a year applies from 1 January of that year.")})
    obj = ParameterValue(
        name=name,
        valid_from=valid_from,
        value=number,
        unit=(unit or DEFAULT_UNITS.get(name, "")).strip(),
        legal_title=legal_title.strip(),
        legal_url=legal_url.strip(),
        checked_on=checked_on,
        note=note.strip(),
        status=ParameterStatus.PROPOSED,
        proposed_by=actor,
    )
    return save_new(obj, event=PensionEvent.PARAMETER_PROPOSED, actor=actor, reason=reason)


@transaction.atomic
def parameter_confirm(*, value: ParameterValue, actor: Any, reason: str = "") -> ParameterValue:
    """Confirm a proposal (a second person); an earlier confirmed value of the same name and date
    is withdrawn in the same step. One audit event names both."""
    require(actor, "pensions.change_parametervalue")
    obj = ParameterValue.objects.select_for_update().get(pk=value.pk)
    if obj.status != ParameterStatus.PROPOSED:
        raise ValidationError(
            _("Only a proposed value can be confirmed; this one is %(status)s.")
            % {"status": obj.get_status_display()}
        )
    if obj.proposed_by_id == actor.pk:
        raise PermissionDenied(_("You proposed this value, so someone else must confirm it (four eyes)."))
    replaced = list(
        ParameterValue.objects.select_for_update().filter(
            name=obj.name, valid_from=obj.valid_from, status=ParameterStatus.CONFIRMED
        )
    )
    for old in replaced:
        old.status = ParameterStatus.WITHDRAWN
        old.save(update_fields=["status", "updated_at"])
    before = {"status": obj.status}
    obj.status = ParameterStatus.CONFIRMED
    obj.confirmed_by = actor
    obj.confirmed_at = timezone.now()
    obj.full_clean()
    obj.save()
    after: dict[str, Any] = {
        "status": obj.status,
        "name": obj.name,
        "valid_from": obj.valid_from,
        "value": str(plain(obj.value)),
        "confirmed_by": actor.get_username(),
    }
    if replaced:
        after["replaces"] = [{"id": old.pk, "value": str(plain(old.value))} for old in replaced]
    audit_record(
        event=PensionEvent.PARAMETER_CONFIRMED,
        actor=actor,
        obj=obj,
        before=before,
        after=after,
        reason=reason,
    )
    value.refresh_from_db()
    return obj


@transaction.atomic
def parameter_withdraw(*, value: ParameterValue, actor: Any, reason: str = "") -> ParameterValue:
    """Withdraw a proposal or a confirmed value (the file value, if any, is in force again).

    The proposer may withdraw their own proposal; withdrawing someone else's proposal or a
    confirmed value needs the right to change parameter values, and a confirmed value a reason.
    """
    obj = ParameterValue.objects.select_for_update().get(pk=value.pk)
    if obj.status == ParameterStatus.WITHDRAWN:
        raise ValidationError(_("This value is already withdrawn."))
    own_proposal = obj.status == ParameterStatus.PROPOSED and obj.proposed_by_id == getattr(actor, "pk", None)
    require(actor, "pensions.add_parametervalue" if own_proposal else "pensions.change_parametervalue")
    if obj.status == ParameterStatus.CONFIRMED and not reason.strip():
        raise ValidationError({"reason": _("Say why a confirmed value is withdrawn.")})
    before = {"status": obj.status}
    obj.status = ParameterStatus.WITHDRAWN
    obj.save(update_fields=["status", "updated_at"])
    audit_record(
        event=PensionEvent.PARAMETER_WITHDRAWN,
        actor=actor,
        obj=obj,
        before=before,
        after={"status": obj.status},
        reason=reason,
    )
    value.refresh_from_db()
    return obj
