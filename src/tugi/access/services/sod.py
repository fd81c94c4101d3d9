"""Segregation of duties: violations found and resolved (policies and exceptions are added here too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from tugi.core.audit import audit_record

from ..audit_events import AccessEvent
from ..models import Account, SodViolation
from ..sod import conflicts_of


@transaction.atomic
def violations_record(
    *, account_ids: Iterable[int], actor: Any, day: dt.date | None = None
) -> list[SodViolation]:
    """Check the accounts against every active policy: open a violation for each policy newly broken
    (without a valid exception) and resolve open ones no longer broken. Returns the open violations."""
    day = day or timezone.localdate()
    now = timezone.now()
    still_open: list[SodViolation] = []
    for account in Account.objects.filter(pk__in=list(account_ids)):
        broken = {c["policy"]: c for c in conflicts_of(account, day) if not c["exception"]}
        open_now = {
            v.policy.code: v
            for v in SodViolation.objects.filter(account=account, resolved_at__isnull=True).select_related(
                "policy"
            )
        }
        for code, violation in open_now.items():
            if code not in broken:
                violation.resolved_at = now
                violation.save(update_fields=["resolved_at", "updated_at"])
                audit_record(
                    event=AccessEvent.SOD_VIOLATION_RESOLVED,
                    actor=actor,
                    obj=violation,
                    before={"resolved_at": None},
                    after={"resolved_at": now},
                )
            else:
                still_open.append(violation)
        for code, conflict in broken.items():
            if code in open_now:
                continue
            from ..models import SodPolicy

            violation = SodViolation.objects.create(
                policy=SodPolicy.objects.get(code=code), account=account, detected_at=now, details=conflict
            )
            audit_record(event=AccessEvent.SOD_VIOLATION_FOUND, actor=actor, obj=violation, after=conflict)
            still_open.append(violation)
    return still_open
