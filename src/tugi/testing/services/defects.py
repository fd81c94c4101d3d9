"""Defects: raise (from a failed execution, prefilled with its steps, environment and version),
edit, move through the workflow, and send to the developers' tracker by webhook.

The webhook address is the setting ``TESTING_DEFECT_WEBHOOK_URL`` (empty: no webhook). Every
create and change queues one delivery of the defect's JSON; ``webhook_deliver`` (a periodic job)
POSTs due deliveries and retries a failure later (1, 2, 4 … minutes, at most
``WEBHOOK_MAX_ATTEMPTS`` attempts).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.crud import assign, save_changes, save_fields
from tugi.core.permissions import require
from tugi.core.services.notifications import retry_delay

from ..audit_events_defects import DefectEvent
from ..models import Defect, DefectStatus, Execution, ExecutionStatus, WebhookDelivery, WebhookStatus
from ..selectors_defects import defect_json

logger = logging.getLogger(__name__)

WEBHOOK_MAX_ATTEMPTS = 6
WEBHOOK_TIMEOUT_SECONDS = 5

EDITABLE = (
    "title",
    "description",
    "severity",
    "priority",
    "owner",
    "steps",
    "expected_result",
    "actual_result",
    "logs",
    "attachment_url",
    "environment",
    "found_in_version",
    "fixed_in_version",
)

#: Where a defect may go from each status.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    DefectStatus.NEW: (DefectStatus.TRIAGED, DefectStatus.REJECTED, DefectStatus.DUPLICATE),
    DefectStatus.TRIAGED: (
        DefectStatus.IN_PROGRESS,
        DefectStatus.FIXED,
        DefectStatus.REJECTED,
        DefectStatus.DUPLICATE,
    ),
    DefectStatus.IN_PROGRESS: (DefectStatus.FIXED, DefectStatus.TRIAGED, DefectStatus.REJECTED),
    DefectStatus.FIXED: (DefectStatus.VERIFIED, DefectStatus.IN_PROGRESS),
    DefectStatus.VERIFIED: (DefectStatus.CLOSED, DefectStatus.IN_PROGRESS),
    DefectStatus.CLOSED: (DefectStatus.IN_PROGRESS,),
    DefectStatus.REJECTED: (DefectStatus.NEW,),
    DefectStatus.DUPLICATE: (DefectStatus.NEW,),
}

FINAL = (DefectStatus.CLOSED, DefectStatus.REJECTED, DefectStatus.DUPLICATE)


def steps_text(steps: Iterable[dict[str, Any]]) -> tuple[str, str]:
    """A case version's steps as numbered reproduction steps and the expected results."""
    actions, expected = [], []
    for i, step in enumerate(steps, start=1):
        actions.append(f"{i}. {step.get('action', '')}".rstrip())
        if step.get("expected"):
            expected.append(f"{i}. {step['expected']}")
    return "\n".join(actions), "\n".join(expected)


def prefill_from_execution(execution: Execution) -> dict[str, Any]:
    """What a defect raised from ``execution`` starts with: its case version's steps, expected
    results, the run's environment and version, and the execution's comment as actual result."""
    version = execution.case_version
    steps, expected = steps_text(version.steps or [])
    if version.preconditions:
        steps = _("Preconditions: %(text)s") % {"text": version.preconditions} + "\n" + steps
    run = execution.run
    return {
        "title": f"{execution.case.key}: {execution.case.title}"[:200],
        "steps": steps,
        "expected_result": expected,
        "actual_result": execution.comment,
        "environment": run.environment_label,
        "found_in_version": run.version,
    }


def _queue_webhook(defect: Defect, event: str) -> None:
    url = getattr(settings, "TESTING_DEFECT_WEBHOOK_URL", "")
    if not url:
        return
    WebhookDelivery.objects.create(
        defect=defect, event=event, url=url, payload={"event": event, "defect": defect_json(defect)}
    )


@transaction.atomic
def defect_create(
    *,
    actor: Any,
    title: str = "",
    severity: str = "medium",
    priority: str = "medium",
    execution: Execution | None = None,
    tickets: Iterable[Any] | None = None,
    reason: str = "",
    **values: Any,
) -> Defect:
    """Raise a defect. From an execution (which must have failed) the title, steps, expected and
    actual result, environment, version and the case's tickets are filled in where the caller
    gives no value of its own (a page shows the prefill in its form and passes every field)."""
    require(actor, "testing.add_defect")
    data: dict[str, Any] = {}
    ticket_list = list(tickets) if tickets is not None else None
    if execution is not None:
        if execution.status != ExecutionStatus.FAILED:
            raise ValidationError({"execution": _("A defect is raised from a failed execution.")})
        data = prefill_from_execution(execution)
        if ticket_list is None:
            ticket_list = list(execution.case.tickets.all())
    data.update(values)  # what the caller gives (even empty) wins over the prefill
    if title:
        data["title"] = title
    data["severity"], data["priority"] = severity, priority
    defect = Defect(reported_by=actor, execution=execution)
    assign(
        defect,
        data,
        EDITABLE,
        keep_spaces=("steps", "logs", "description", "expected_result", "actual_result"),
    )
    defect.full_clean()
    defect.save()
    if ticket_list:
        defect.tickets.set(ticket_list)
    save_new_event(defect, actor=actor, reason=reason)
    _queue_webhook(defect, "created")
    return defect


def save_new_event(defect: Defect, *, actor: Any, reason: str) -> None:
    from tugi.core.audit import audit_record

    audit_record(
        event=DefectEvent.DEFECT_CREATED,
        actor=actor,
        obj=defect,
        after=defect.audit_snapshot(),
        reason=reason,
    )


@transaction.atomic
def defect_update(
    *, defect: Defect, actor: Any, tickets: Iterable[Any] | None = None, reason: str = "", **values: Any
) -> Defect:
    """Change a defect's details (not its status: see ``defect_set_status``)."""
    require(actor, "testing.change_defect")
    defect = Defect.objects.select_for_update().get(pk=defect.pk)
    before = defect.audit_snapshot()
    assign(
        defect,
        values,
        EDITABLE,
        keep_spaces=("steps", "logs", "description", "expected_result", "actual_result"),
    )
    defect.full_clean()
    if tickets is not None:
        defect.tickets.set(list(tickets))
    if save_changes(defect, before, event=DefectEvent.DEFECT_UPDATED, actor=actor, reason=reason):
        _queue_webhook(defect, "updated")
    return defect


@transaction.atomic
def defect_set_status(
    *, defect: Defect, status: str, actor: Any, reason: str = "", fixed_in_version: str | None = None
) -> Defect:
    """Move a defect along its workflow; a rejection or duplicate needs a reason, a fix its version."""
    require(actor, "testing.change_defect")
    defect = Defect.objects.select_for_update().get(pk=defect.pk)
    if status not in DefectStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == defect.status:
        return defect
    if status not in TRANSITIONS[defect.status]:
        raise ValidationError(
            {
                "status": _("A defect cannot go from %(old)s to %(new)s.")
                % {"old": defect.get_status_display(), "new": DefectStatus(status).label}
            }
        )
    if status in (DefectStatus.REJECTED, DefectStatus.DUPLICATE) and not reason.strip():
        raise ValidationError({"reason": _("Say why the defect is rejected or a duplicate.")})
    changes: dict[str, Any] = {"status": status}
    now = timezone.now()
    if defect.triaged_at is None and status != DefectStatus.NEW:
        changes["triaged_at"] = now
    if fixed_in_version is not None and fixed_in_version.strip():
        changes["fixed_in_version"] = fixed_in_version.strip()
    if status == DefectStatus.FIXED and not (changes.get("fixed_in_version") or defect.fixed_in_version):
        raise ValidationError({"fixed_in_version": _("Give the version that fixes the defect.")})
    changes["closed_at"] = now if status in FINAL else None
    save_fields(defect, event=DefectEvent.DEFECT_STATUS, actor=actor, reason=reason, **changes)
    _queue_webhook(defect, "updated")
    return defect


def _post(url: str, payload: dict[str, Any]) -> None:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) address: {url[:40]}")
    body = json.dumps(payload, ensure_ascii=False).encode()
    req = urllib.request.Request(  # noqa: S310 (http and https only, checked above)
        url, data=body, method="POST", headers={"Content-Type": "application/json", "User-Agent": "Tugi"}
    )
    with urllib.request.urlopen(req, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
        if response.status >= 300:
            raise urllib.error.HTTPError(url, response.status, "not accepted", response.headers, None)


def webhook_deliver(*, now: dt.datetime | None = None, limit: int = 100) -> dict[str, int]:
    """POST the due webhook deliveries; a failure is retried later, then given up."""
    now = now or timezone.now()
    sent = failed = 0
    due = WebhookDelivery.objects.filter(status=WebhookStatus.PENDING, next_attempt_at__lte=now).order_by(
        "pk"
    )
    for delivery in list(due[:limit]):
        claimed = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=WebhookStatus.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + dt.timedelta(minutes=10))
        if not claimed:
            continue
        delivery.attempts += 1
        try:
            _post(delivery.url, delivery.payload)
        except (OSError, ValueError) as exc:
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if delivery.attempts >= WEBHOOK_MAX_ATTEMPTS:
                delivery.status = WebhookStatus.FAILED
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            failed += 1
            logger.warning("defect webhook %s not delivered (attempt %s)", delivery.pk, delivery.attempts)
        else:
            delivery.status, delivery.sent_at, delivery.last_error = WebhookStatus.SENT, now, ""
            sent += 1
        delivery.save(
            update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at", "updated_at"]
        )
    return {"sent": sent, "failed": failed}
