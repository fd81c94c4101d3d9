"""Organisation units and accounts: joiner, mover, leaver."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import save_changes, save_new
from tugi.core.permissions import require

from ..audit_events import AccessEvent
from ..models import Account, Assignment, AssignmentStatus, EmploymentStatus, OrgUnit

ACCOUNT_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "employee_id",
    "org_unit",
    "position",
    "manager",
    "user",
)


def _assign(obj: Any, values: dict[str, Any]) -> None:
    unknown = set(values) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    for name, value in values.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def org_unit_create(*, code: str, name: str, kind: str, actor: Any, reason: str = "") -> OrgUnit:
    require(actor, "access.add_orgunit")
    unit = OrgUnit(code=(code or "").strip(), name=(name or "").strip(), kind=kind)
    return save_new(unit, event=AccessEvent.ORG_UNIT_CREATED, actor=actor, reason=reason)


@transaction.atomic
def account_create(*, actor: Any, reason: str = "", **values: Any) -> Account:
    """A joiner: a new account (assignments come through requests or direct assignment)."""
    require(actor, "access.add_account")
    account = Account()
    _assign(account, values)
    if account.manager_id and account.manager_id == account.pk:
        raise ValidationError({"manager": _("An account cannot be its own manager.")})
    return save_new(account, event=AccessEvent.ACCOUNT_CREATED, actor=actor, reason=reason)


@transaction.atomic
def account_update(*, account: Account, actor: Any, reason: str = "", **values: Any) -> Account:
    """Change an account. A mover (another unit or position) has every active assignment flagged
    for review; the one audit event is then ``account_moved`` and lists the flagged assignments."""
    require(actor, "access.change_account")
    account = Account.objects.select_for_update().get(pk=account.pk)
    before = account.audit_snapshot()
    _assign(account, values)
    if account.manager_id == account.pk:
        raise ValidationError({"manager": _("An account cannot be its own manager.")})
    account.full_clean()
    after = account.audit_snapshot()
    if after == before:
        return account
    account.save()
    moved = (before["org_unit"], before["position"]) != (account.org_unit_id, account.position)
    event = AccessEvent.ACCOUNT_UPDATED
    if moved and account.status == EmploymentStatus.ACTIVE:
        event = AccessEvent.ACCOUNT_MOVED
        flagged = Assignment.objects.filter(
            account=account, status=AssignmentStatus.ACTIVE, needs_review=False
        )
        after["assignments_flagged"] = sorted(flagged.values_list("pk", flat=True))
        flagged.update(needs_review=True)
    audit_record(event=event, actor=actor, obj=account, before=before, after=after, reason=reason)
    return account


@transaction.atomic
def account_leave(*, account: Account, left_on: dt.date, actor: Any, reason: str = "") -> Account:
    """A leaver: employment ends and every assignment ends on the leaving date."""
    from .assignments import assignment_end

    require(actor, "access.change_account")
    account = Account.objects.select_for_update().get(pk=account.pk)
    if account.status == EmploymentStatus.LEAVER and account.left_on == left_on:
        return account
    before = account.audit_snapshot()
    account.status, account.left_on = EmploymentStatus.LEAVER, left_on
    save_changes(account, before, event=AccessEvent.ACCOUNT_LEFT, actor=actor, reason=reason)
    for assignment in Assignment.objects.filter(account=account, status=AssignmentStatus.ACTIVE):
        if assignment.valid_to is None or assignment.valid_to > left_on:
            assignment_end(
                assignment=assignment,
                on=max(left_on, assignment.valid_from),
                actor=actor,
                reason=_("left the organisation"),
            )
    return account
