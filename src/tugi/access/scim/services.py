"""Every write the SCIM service makes. Accounts change through the people services (joiner, mover,
leaver, rejoiner) and memberships through the assignment services, so each change is checked and
audited the same way as when a person makes it in Tugi; this module adds the SCIM id of an account
and its removal from provisioning, each with an audit event of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tugi.core.audit import audit_record, register_event_types
from tugi.core.permissions import require

from ..models import Account, EmploymentStatus, OrgUnit, Profile
from ..services import assignments as assignment_services
from ..services import people as people_services
from ..sod import blocking, conflicts_if_added_over
from . import selectors
from .errors import invalid_value, uniqueness
from .patching import apply_patch
from .resources import (
    GROUP_SPECS,
    USER_SPECS,
    UserValues,
    group_resource,
    member_ids,
    user_resource,
    user_values,
)
from .schemas import ENTERPRISE

PROVISIONING = "SCIM provisioning"


@register_event_types
class ScimEvent(models.TextChoices):
    ID_ASSIGNED = "access.scim_id_assigned", gettext_lazy("SCIM id given to an account")
    USER_DELETED = "access.scim_user_deleted", gettext_lazy("account deleted through SCIM")


@transaction.atomic
def account_scim_ids_assign(*, accounts: Iterable[Account], actor: Any, reason: str = "") -> None:
    """Give each account that has none a SCIM id (when SCIM first shows it); one event each.

    Whoever may see an account may cause its id to be given: the id is what the account is known
    by in SCIM from then on, and nothing else about it changes."""
    missing = [a for a in accounts if a.scim_id is None]
    if not missing:
        return
    require(actor, "access.view_account")
    for account in missing:
        new = uuid.uuid4()
        if Account.objects.filter(pk=account.pk, scim_id__isnull=True).update(scim_id=new):
            account.scim_id = new
            audit_record(
                event=ScimEvent.ID_ASSIGNED,
                actor=actor,
                obj=account,
                before={"scim_id": None},
                after={"scim_id": str(new)},
                reason=reason or PROVISIONING,
            )
        else:  # given meanwhile by another request
            account.scim_id = Account.objects.values_list("scim_id", flat=True).get(pk=account.pk)


def _references(values: UserValues, actor: Any, account: Account | None) -> tuple[OrgUnit, Account | None]:
    unit = OrgUnit.objects.restrict(actor).filter(code__iexact=values.department).first()
    if unit is None:
        raise invalid_value(
            f"{ENTERPRISE}:department: {values.department!r} is not an organisation unit known to Tugi "
            "(the known codes are the canonical values in /Schemas)"
        )
    manager = None
    if values.manager:
        manager = selectors.users_by_ids(user=actor, ids=[values.manager]).get(values.manager)
        if manager is None:
            raise invalid_value(f"{ENTERPRISE}:manager: there is no User with the id {values.manager}")
        if account is not None and manager.pk == account.pk:
            raise invalid_value(f"{ENTERPRISE}:manager: an account cannot be its own manager")
    clash = Account.objects.filter(username__iexact=values.username)
    if account is not None:
        clash = clash.exclude(pk=account.pk)
    if clash.exists():
        raise uniqueness(f"userName {values.username!r} is already the user name of another account")
    return unit, manager


@transaction.atomic
def scim_user_create(*, body: Any, actor: Any) -> Account:
    """A joiner from the HR system or identity provider (``active`` false: joins and leaves today)."""
    require(actor, "access.add_account")
    values = user_values(body, default_active=True)
    unit, manager = _references(values, actor, None)
    account = people_services.account_create(
        actor=actor,
        reason=PROVISIONING,
        username=values.username,
        first_name=values.first_name,
        last_name=values.last_name,
        email=values.email,
        employee_id=values.employee_id,
        position=values.position,
        org_unit=unit,
        manager=manager,
    )
    account_scim_ids_assign(accounts=[account], actor=actor)
    if not values.active:
        account = people_services.account_leave(
            account=account, left_on=timezone.localdate(), actor=actor, reason=PROVISIONING
        )
    return account


@transaction.atomic
def scim_user_update(*, account: Account, values: UserValues, actor: Any) -> Account:
    """Make the account say what ``values`` say: a rejoiner, changed details (a mover's assignments
    are flagged for review), a leaver (every assignment ends today), in that order."""
    require(actor, "access.change_account")
    unit, manager = _references(values, actor, account)
    if values.active and account.status == EmploymentStatus.LEAVER:
        account = people_services.account_rejoin(account=account, actor=actor, reason=PROVISIONING)
    wanted: dict[str, Any] = {
        "username": values.username,
        "first_name": values.first_name,
        "last_name": values.last_name,
        "email": values.email,
        "employee_id": values.employee_id,
        "position": values.position,
    }
    changes = {name: value for name, value in wanted.items() if getattr(account, name) != value}
    if account.org_unit_id != unit.pk:
        changes["org_unit"] = unit
    if account.manager_id != (manager.pk if manager else None):
        changes["manager"] = manager
    if changes:
        account = people_services.account_update(account=account, actor=actor, reason=PROVISIONING, **changes)
    if not values.active and account.status == EmploymentStatus.ACTIVE:
        account = people_services.account_leave(
            account=account, left_on=timezone.localdate(), actor=actor, reason=PROVISIONING
        )
    return account


def _active(account: Account) -> bool:
    return account.status == EmploymentStatus.ACTIVE


@transaction.atomic
def scim_user_replace(*, account: Account, body: Any, actor: Any) -> Account:
    """PUT: the User as sent replaces what the account says (``active`` left out: unchanged)."""
    require(actor, "access.change_account")
    return scim_user_update(
        account=account, values=user_values(body, default_active=_active(account)), actor=actor
    )


@transaction.atomic
def scim_user_patch(*, account: Account, body: Any, url: Callable[[str, str], str], actor: Any) -> Account:
    """PATCH: the operations applied to the User as it is now, then saved like a PUT."""
    require(actor, "access.change_account")
    if account.manager is not None:  # so that the manager is in the User the operations apply to
        account_scim_ids_assign(accounts=[account.manager], actor=actor)
    spec, extensions = USER_SPECS
    patched = apply_patch(user_resource(account, url), body, spec, extensions)
    return scim_user_update(
        account=account, values=user_values(patched, default_active=_active(account)), actor=actor
    )


@transaction.atomic
def scim_user_delete(*, account: Account, actor: Any) -> None:
    """DELETE: the holder leaves today (if still employed) and the account leaves SCIM: its id is
    cleared, so the id answers 404 from now on. The account and its history stay in Tugi."""
    require(actor, "access.change_account")
    if account.status == EmploymentStatus.ACTIVE:
        account = people_services.account_leave(
            account=account, left_on=timezone.localdate(), actor=actor, reason=PROVISIONING
        )
    before = {"scim_id": str(account.scim_id) if account.scim_id else None}
    Account.objects.filter(pk=account.pk).update(scim_id=None)
    account.scim_id = None
    audit_record(
        event=ScimEvent.USER_DELETED,
        actor=actor,
        obj=account,
        before=before,
        after={"scim_id": None},
        reason=PROVISIONING,
    )


@transaction.atomic
def scim_group_members_set(*, profile: Profile, ids: list[str], actor: Any) -> None:
    """Make the profile's holders today exactly the Users ``ids``: a new member is assigned the
    profile from today (refused if it would break a segregation of duties policy with no valid
    exception); a member taken out has the assignment ended today."""
    today = timezone.localdate()
    current = {a.pk: a for a in selectors.members_of(profiles=[profile]).get(profile.pk, [])}
    found = selectors.users_by_ids(user=actor, ids=ids)
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise invalid_value(f"members: there is no User with the id {', '.join(unknown)}")
    wanted = {a.pk: a for a in found.values()}
    joining = [a for pk, a in wanted.items() if pk not in current]
    leaving = [a for pk, a in current.items() if pk not in wanted]
    if joining:
        require(actor, "access.add_assignment")
    if leaving:
        require(actor, "access.change_assignment")
    for account in joining:
        if account.user_id is not None and account.user_id == actor.pk:
            raise invalid_value(
                f"members: {account.username} is the token holder's own account; request it instead"
            )
        conflicts = blocking(conflicts_if_added_over(account, profile, today, None))
        if conflicts:
            names = ", ".join(c["name"] for c in conflicts)
            raise invalid_value(
                f"members: {account.username} would break the segregation of duties policy {names}; "
                "an exception is needed first"
            )
        try:
            assignment_services.assignment_create(
                account=account,
                profile=profile,
                valid_from=today,
                valid_to=None,
                justification=PROVISIONING,
                requested_by=actor,
                approved_by=actor,
                actor=actor,
                reason=PROVISIONING,
            )
        except ValidationError as exc:
            raise invalid_value(f"members: {account.username}: {' '.join(exc.messages)}") from None
    for account in leaving:
        for assignment in selectors.member_assignments(profile=profile, account=account):
            assignment_services.assignment_end(
                assignment=assignment, on=today, actor=actor, reason=PROVISIONING
            )


@transaction.atomic
def scim_group_replace(*, profile: Profile, body: Any, actor: Any) -> None:
    """PUT: the members sent become the profile's holders (``displayName`` is read-only)."""
    scim_group_members_set(profile=profile, ids=member_ids(body), actor=actor)


@transaction.atomic
def scim_group_patch(*, profile: Profile, body: Any, url: Callable[[str, str], str], actor: Any) -> None:
    """PATCH: member operations applied to the Group as it is now."""
    members = selectors.members_of(profiles=[profile]).get(profile.pk, [])
    account_scim_ids_assign(accounts=members, actor=actor)
    spec, extensions = GROUP_SPECS
    patched = apply_patch(group_resource(profile, url, members), body, spec, extensions)
    scim_group_members_set(profile=profile, ids=member_ids(patched), actor=actor)
