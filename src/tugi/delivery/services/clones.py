"""Writes of the clone schedule: plan, change, cancel, complete (with the follow-up checklist),
notices to the ``clone-notice`` topic, and the follow-up tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import assign
from tugi.core.permissions import require
from tugi.core.registry import Recipient
from tugi.core.services import notify

from ..audit_events_environments import EnvironmentEvent
from ..models import (
    ClonePlan,
    ClonePlanEnvironment,
    CloneStatus,
    CloneTask,
    CloneTaskKind,
    Environment,
    EnvironmentKind,
)

CLONE_TOPIC = "clone-notice"
PLAN_FIELDS = (
    "date",
    "window_start",
    "window_end",
    "systems",
    "affected_parties",
    "notice_emails",
    "notice_days",
    "notes",
)

#: The follow-up checklist created when a clone is done: kind and days after the clone it is due.
FOLLOW_UP: list[tuple[str, int]] = [
    (CloneTaskKind.PSEUDONYMISE, 1),
    (CloneTaskKind.TEST_ACCOUNTS, 1),
    (CloneTaskKind.FLAGS, 1),
    (CloneTaskKind.READINESS, 2),
]


def _snapshot(clone: ClonePlan) -> dict[str, Any]:
    data = clone.audit_snapshot()
    data["targets"] = sorted(e.name for e in clone.targets.all()) if clone.pk else []
    data["affected_partners"] = sorted(str(p) for p in clone.affected_partners.all()) if clone.pk else []
    return data


def _check_targets(systems: list[str], targets: list[Environment]) -> None:
    if not targets:
        raise ValidationError({"targets": _("Choose at least one pre-production (UAT) environment.")})
    for env in targets:
        if env.kind != EnvironmentKind.UAT:
            raise ValidationError(
                {"targets": _("%(env)s is not a pre-production (UAT) environment.") % {"env": env}}
            )
        if env.system not in systems:
            raise ValidationError(
                {"targets": _("%(env)s is not an environment of the chosen systems.") % {"env": env}}
            )


def _set_targets(clone: ClonePlan, targets: list[Environment]) -> None:
    ClonePlanEnvironment.objects.filter(clone=clone).exclude(target__in=targets).delete()
    for env in targets:
        source = (
            Environment.objects.filter(system=env.system, kind=EnvironmentKind.PROD).order_by("name").first()
        )
        ClonePlanEnvironment.objects.update_or_create(clone=clone, target=env, defaults={"source": source})


def _clean_emails(text: str) -> str:
    from django.core.validators import validate_email

    lines = [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]
    for line in lines:
        try:
            validate_email(line)
        except ValidationError:
            raise ValidationError(
                {"notice_emails": _("Not an e-mail address: %(v)s") % {"v": line}}
            ) from None
    return "\n".join(lines)


@transaction.atomic
def clone_plan_create(
    *,
    date: dt.date,
    window_start: dt.time,
    window_end: dt.time,
    systems: list[str],
    targets: Iterable[Environment],
    actor: Any,
    affected_partners: Iterable[Any] = (),
    affected_parties: str = "",
    notice_emails: str = "",
    notice_days: int | None = None,
    notes: str = "",
    reason: str = "",
) -> ClonePlan:
    """Plan a clone of pre-production from production (the source is each system's production
    environment). Notices go out ``notice_days`` before the date and when it is done."""
    require(actor, "delivery.add_cloneplan")
    targets = list(targets)
    values: dict[str, Any] = {
        "date": date,
        "window_start": window_start,
        "window_end": window_end,
        "systems": sorted(set(systems or [])),
        "affected_parties": affected_parties,
        "notice_emails": _clean_emails(notice_emails),
        "notes": notes,
    }
    if notice_days is not None:
        values["notice_days"] = notice_days
    clone = ClonePlan()
    assign(clone, values, PLAN_FIELDS)
    if date and date < timezone.localdate():
        raise ValidationError({"date": _("A clone cannot be planned in the past.")})
    clone.full_clean()
    _check_targets(clone.systems, targets)
    clone.save()
    _set_targets(clone, targets)
    clone.affected_partners.set(list(affected_partners))
    audit_record(
        event=EnvironmentEvent.CLONE_PLANNED, actor=actor, obj=clone, after=_snapshot(clone), reason=reason
    )
    return clone


@transaction.atomic
def clone_plan_update(
    *,
    clone: ClonePlan,
    actor: Any,
    reason: str = "",
    targets: Iterable[Environment] | None = None,
    affected_partners: Iterable[Any] | None = None,
    **values: Any,
) -> bool:
    """Change a planned clone. A new date after the advance notice went out sends a new notice."""
    require(actor, "delivery.change_cloneplan")
    obj = ClonePlan.objects.select_for_update().get(pk=clone.pk)
    if obj.status != CloneStatus.PLANNED:
        raise ValidationError({"status": _("Only a planned clone can be changed.")})
    before = _snapshot(obj)
    if "notice_emails" in values:
        values["notice_emails"] = _clean_emails(values["notice_emails"])
    if "systems" in values:
        values["systems"] = sorted(set(values["systems"] or []))
    old_date = obj.date
    assign(obj, values, PLAN_FIELDS)
    obj.full_clean()
    new_targets = list(targets) if targets is not None else list(obj.targets.all())
    _check_targets(obj.systems, new_targets)
    if obj.date != old_date:
        obj.notice_sent_at = None
    obj.save()
    _set_targets(obj, new_targets)
    if affected_partners is not None:
        obj.affected_partners.set(list(affected_partners))
    after = _snapshot(obj)
    if after == before:
        transaction.set_rollback(True)
        return False
    audit_record(
        event=EnvironmentEvent.CLONE_UPDATED, actor=actor, obj=obj, before=before, after=after, reason=reason
    )
    clone.refresh_from_db()
    return True


@transaction.atomic
def clone_cancel(*, clone: ClonePlan, actor: Any, reason: str = "") -> ClonePlan:
    """Cancel a planned clone (a reason is required: it goes to those told about it)."""
    require(actor, "delivery.change_cloneplan")
    obj = ClonePlan.objects.select_for_update().get(pk=clone.pk)
    if obj.status != CloneStatus.PLANNED:
        raise ValidationError({"status": _("Only a planned clone can be cancelled.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the clone is cancelled.")})
    before = {"status": obj.status}
    obj.status, obj.cancelled_at = CloneStatus.CANCELLED, timezone.now()
    obj.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit_record(
        event=EnvironmentEvent.CLONE_CANCELLED,
        actor=actor,
        obj=obj,
        before=before,
        after={"status": obj.status},
        reason=reason,
    )
    clone.refresh_from_db()
    return obj


@transaction.atomic
def clone_complete(
    *, clone: ClonePlan, actor: Any, reason: str = "", owner: Any = None, done_at: dt.datetime | None = None
) -> ClonePlan:
    """Record the clone as done: the targets' last clone date becomes the clone's date and the
    follow-up checklist is created (owner: ``owner``, else each target's owner, else the actor)."""
    require(actor, "delivery.change_cloneplan")
    obj = ClonePlan.objects.select_for_update().get(pk=clone.pk)
    if obj.status != CloneStatus.PLANNED:
        raise ValidationError({"status": _("Only a planned clone can be completed.")})
    done_at = done_at or timezone.now()
    if obj.date > timezone.localdate(done_at):
        raise ValidationError({"date": _("The clone is planned for a later day; change its date first.")})
    before = {"status": obj.status}
    obj.status, obj.done_at = CloneStatus.DONE, done_at
    obj.save(update_fields=["status", "done_at", "updated_at"])
    targets = list(obj.targets.all())
    for env in targets:
        if env.last_clone_date is None or env.last_clone_date < obj.date:
            env.last_clone_date = obj.date
            env.save(update_fields=["last_clone_date", "updated_at"])
    task_owner = owner or next((e.owner for e in targets if e.owner_id), None) or actor
    tasks = []
    if not obj.tasks.exists():
        for kind, days in FOLLOW_UP:
            tasks.append(
                CloneTask.objects.create(
                    clone=obj,
                    kind=kind,
                    title=str(CloneTaskKind(kind).label),
                    owner=task_owner,
                    due_date=obj.date + dt.timedelta(days=days),
                )
            )
    audit_record(
        event=EnvironmentEvent.CLONE_DONE,
        actor=actor,
        obj=obj,
        before=before,
        after={
            "status": obj.status,
            "targets_last_clone_date": obj.date,
            "tasks": [t.title for t in tasks],
        },
        reason=reason,
    )
    clone.refresh_from_db()
    return obj


def _recipients(clone: ClonePlan) -> tuple[list[Any], list[Recipient]]:
    from tugi.work import selectors as work

    users = [e.owner for e in clone.targets.all() if e.owner_id]
    emails = [
        Recipient(c.email, c.name)
        for c in work.contacts(user=_system()).filter(partner__in=clone.affected_partners.all(), active=True)
        if c.email
    ]
    emails += [Recipient(line) for line in clone.notice_emails.splitlines() if line.strip()]
    return users, emails


def _system() -> Any:
    from tugi.core.context import system_actor

    return system_actor()


def _text(clone: ClonePlan, kind: str) -> tuple[str, str]:
    targets = ", ".join(e.name for e in clone.targets.all()) or ", ".join(clone.systems)
    window = f"{clone.window_start:%H:%M}–{clone.window_end:%H:%M}"
    if kind == "completion":
        subject = _("Clone of %(targets)s done (%(date)s)") % {
            "targets": targets,
            "date": f"{clone.date:%d.%m.%Y}",
        }
        tasks = "\n".join(
            f"- {t.title}: {t.owner.get_full_name() if t.owner else '-'}, {_('due')} {t.due_date:%d.%m.%Y}"
            for t in clone.tasks.select_related("owner")
        )
        body = _(
            "The pre-production environment %(targets)s was cloned from production on %(date)s.\n"
            "Personal data is pseudonymised again and test accounts and flags are restored by the "
            "follow-up tasks:\n%(tasks)s"
        ) % {"targets": targets, "date": f"{clone.date:%d.%m.%Y}", "tasks": tasks}
    elif kind == "cancelled":
        subject = _("Clone of %(targets)s on %(date)s cancelled") % {
            "targets": targets,
            "date": f"{clone.date:%d.%m.%Y}",
        }
        body = _("The planned clone of %(targets)s on %(date)s %(window)s will not take place.") % {
            "targets": targets,
            "date": f"{clone.date:%d.%m.%Y}",
            "window": window,
        }
    else:
        subject = _("Planned clone of %(targets)s on %(date)s") % {
            "targets": targets,
            "date": f"{clone.date:%d.%m.%Y}",
        }
        body = _(
            "The pre-production environment %(targets)s will be cloned from production on %(date)s "
            "between %(window)s. The environment is not available during the window; data entered "
            "there before the clone is lost. Affected: %(parties)s"
        ) % {
            "targets": targets,
            "date": f"{clone.date:%d.%m.%Y}",
            "window": window,
            "parties": ", ".join(
                [str(p) for p in clone.affected_partners.all()] + [clone.affected_parties]
            ).strip(", ")
            or "-",
        }
    return subject, body


@transaction.atomic
def clone_notice_send(*, clone: ClonePlan, kind: str, actor: Any) -> dict[str, int]:
    """Send the advance (``"advance"``), completion (``"completion"``) or cancellation
    (``"cancelled"``) notice to the ``clone-notice`` topic, the targets' owners, the affected
    partners' contacts and the extra addresses. Each notice goes out once (the topic's dedup key)."""
    require(actor, "delivery.change_cloneplan")
    if kind not in {"advance", "completion", "cancelled"}:
        raise ValidationError({"kind": _("Unknown notice kind.")})
    obj = ClonePlan.objects.select_for_update().get(pk=clone.pk)
    subject, body = _text(obj, kind)
    users, emails = _recipients(obj)
    stamp = obj.date.isoformat() if kind == "advance" else ""
    summary = notify(
        topic=CLONE_TOPIC,
        subject=subject,
        body=body,
        actor=actor,
        dedup_key=f"clone-{obj.pk}-{kind}-{stamp}",
        url=reverse("delivery:clone_detail", args=[obj.pk]),
        users=users,
        emails=emails,
    )
    now = timezone.now()
    if kind == "advance":
        ClonePlan.objects.filter(pk=obj.pk).update(notice_sent_at=now)
    elif kind == "completion":
        ClonePlan.objects.filter(pk=obj.pk).update(completion_notice_sent_at=now)
    clone.refresh_from_db()
    return summary


def clone_notices_due(*, actor: Any, today: dt.date | None = None) -> dict[str, int]:
    """Send every advance notice that is due and every completion notice not yet sent (the job)."""
    from .. import selectors_environments as sel

    advance = completion = 0
    for clone in sel.clones_needing_notice(today):
        clone_notice_send(clone=clone, kind="advance", actor=actor)
        advance += 1
    for clone in sel.clones_needing_completion_notice():
        clone_notice_send(clone=clone, kind="completion", actor=actor)
        completion += 1
    return {"advance": advance, "completion": completion}


@transaction.atomic
def clone_task_done(*, task: CloneTask, actor: Any, note: str = "", reason: str = "") -> CloneTask:
    """Mark a follow-up task done (its owner or a test manager)."""
    require(actor, "delivery.change_clonetask")
    obj = CloneTask.objects.select_for_update().get(pk=task.pk)
    if obj.done_at is not None:
        raise ValidationError({"done_at": _("The task is done already.")})
    obj.done_at, obj.done_by = timezone.now(), actor
    if note:
        obj.note = note.strip()
    obj.save()
    audit_record(
        event=EnvironmentEvent.CLONE_TASK_DONE,
        actor=actor,
        obj=obj,
        before={"done_at": None},
        after={"done_at": obj.done_at, "note": obj.note},
        reason=reason,
    )
    task.refresh_from_db()
    return obj


@transaction.atomic
def clone_task_update(*, task: CloneTask, actor: Any, reason: str = "", **values: Any) -> bool:
    """Change a follow-up task's title, owner, due date or note."""
    require(actor, "delivery.change_clonetask")
    obj = CloneTask.objects.select_for_update().get(pk=task.pk)
    before = obj.audit_snapshot()
    assign(obj, values, ("title", "owner", "due_date", "note"))
    obj.full_clean()
    after = obj.audit_snapshot()
    if after == before:
        return False
    obj.save()
    audit_record(
        event=EnvironmentEvent.CLONE_TASK_UPDATED,
        actor=actor,
        obj=obj,
        before=before,
        after=after,
        reason=reason,
    )
    task.refresh_from_db()
    return True
