"""Payments: bank accounts people give, finance parameters, debtor accounts and the payment run.

A run goes draft → computing → computed → approved → released, or discarded / failed:

- ``run_create``: a draft run of one benefit for one month (its payment date from the benefit's
  rules); a second live run of the same month is refused.
- ``run_compute``: starts the background job (``finance-run-compute``); ``run_compute_now`` computes
  here and now (CLI, demo, tests). Both end in ``payments_compute.run_compute_execute``.
- ``run_approve``: a second person (neither the creator nor the one who computed) approves.
- ``run_release``: writes the pain.001 files, posts the accrual and the payment, records the
  offsets against overpayments and marks the paid lines sent — all in one transaction.
- ``run_discard``: set aside with a reason, any time before release.

Each stage notifies the ``payments`` topic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tugi.core.audit import audit_record
from tugi.core.crud import assign, save_changes
from tugi.core.imports import parse_csv_rows
from tugi.core.models import Person
from tugi.core.permissions import require
from tugi.core.services.runs import run_job_start, run_mark_computing, run_refuse_same_person

from ..audit_events_payments import PaymentEvent
from ..benefits import payment_date
from ..models import (
    BankAccount,
    BankStatus,
    Benefit,
    DebtorAccount,
    FinanceParameter,
    FinanceParameterName,
    LineStatus,
    PaymentLine,
    PaymentRun,
    RunStatus,
)
from ..months import month_first as month_first
from ..selectors_payments import live_run

COMPUTE_JOB = "finance-run-compute"
TOPIC = "payments"

#: Statuses a run may be discarded from (a released run is history; a computing one waits).
DISCARDABLE = {RunStatus.DRAFT, RunStatus.COMPUTED, RunStatus.APPROVED, RunStatus.FAILED}

SKA_NAME = "Sotsiaalkindlustusamet"
SKA_IBAN = "EE801000102200347966"
SKA_BIC = "EEUHEE2X"


# --- bank accounts -------------------------------------------------------------------------------


def iban_clean(iban: str, field: str = "iban") -> tuple[str, str]:
    """The IBAN in compact upper case and its bank's BIC (blank if unknown), or a ValidationError
    naming ``field``."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    text = (iban or "").strip()
    if not text:
        raise ValidationError({field: _("Enter the IBAN.")})
    try:
        value = IBAN(text)
    except SchwiftyException as exc:
        raise ValidationError({field: _("The IBAN is not valid: %(why)s") % {"why": exc}}) from None
    try:
        bic = str(value.bic) if value.bic is not None else ""
    except SchwiftyException:
        bic = ""
    return value.compact, bic


def _bic_clean(bic: str) -> str:
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    try:
        return str(BIC(bic.strip()).compact)
    except SchwiftyException as exc:
        raise ValidationError({"bic": _("The BIC is not valid: %(why)s") % {"why": exc}}) from None


def _country_clean(country: str) -> str:
    value = (country or "").strip().upper()
    if value and (len(value) != 2 or not value.isalpha()):
        raise ValidationError({"country": _("Give the country as a two-letter code, e.g. EE.")})
    return value


def _account_values(
    *, iban: str, bic: str, town: str, country: str, given_on: dt.date | None
) -> dict[str, Any]:
    compact, found_bic = iban_clean(iban)
    if given_on is None:
        raise ValidationError({"given_on": _("Enter the day the account was given.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The day the account was given cannot be in the future.")})
    town = (town or "").strip()
    if len(town) > 35:
        raise ValidationError({"town": _("The town has at most 35 characters.")})
    return {
        "iban": compact,
        "bic": _bic_clean(bic) if (bic or "").strip() else found_bic,
        "town": town,
        "country": _country_clean(country) or compact[:2],
        "given_on": given_on,
    }


def _account_save(
    person: Person, values: dict[str, Any], holder_name: str, source: str, actor: Any
) -> BankAccount:
    account = BankAccount.objects.create(
        person=person,
        holder_name=(holder_name or str(person))[:140],
        source=(source or "")[:100],
        created_by=actor,
        **values,
    )
    audit_record(
        event=PaymentEvent.ACCOUNT_GIVEN,
        actor=actor,
        obj=account,
        after={
            "person": person.masked_code,
            "iban": account.iban,
            "bic": account.bic,
            "given_on": account.given_on,
            "source": account.source,
        },
    )
    return account


def account_give(
    *,
    person: Person,
    iban: str,
    given_on: dt.date | None,
    actor: Any,
    bic: str = "",
    holder_name: str = "",
    town: str = "",
    country: str = "",
    source: str = "",
) -> BankAccount:
    """Record the account ``person`` gave on ``given_on``; the last given account is the one paid to."""
    require(actor, "finance.add_bankaccount")
    values = _account_values(iban=iban, bic=bic, town=town, country=country, given_on=given_on)
    with transaction.atomic():
        return _account_save(person, values, holder_name, source, actor)


@dataclass(frozen=True)
class AccountRow:
    line: int
    person: Person
    values: dict[str, Any]


def _parse_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError({field: _("Give the date as YYYY-MM-DD.")}) from None


def accounts_import(*, content: bytes, actor: Any, source: str = "import") -> dict[str, int]:
    """Import accounts from ``person_code;iban;given_on;town;country``: every line valid or nothing
    stored (an ImportError_ lists each bad line and field).

    A line that would change nothing is skipped without an audit event: the person's current (last
    given) account already has its IBAN and day, or the person already has that very account among
    older ones given before the current one. Importing the same file twice thus adds nothing the
    second time. The summary counts the ``accounts`` added and the ``persons`` they belong to, and
    ``unchanged`` lines skipped when there were any."""
    require(actor, "finance.add_bankaccount")
    codes: dict[str, Person] = {}

    def parse(line: int, record: dict[str, str]) -> AccountRow:
        code = record["person_code"].strip()
        if not code:
            raise ValidationError({"person_code": _("Enter the personal code.")})
        if code not in codes:
            person = Person.objects.filter(personal_code=code).first()
            if person is None:
                raise ValidationError({"person_code": _("No person with this personal code.")})
            codes[code] = person
        values = _account_values(
            iban=record["iban"],
            bic="",
            town=record.get("town", ""),
            country=record.get("country", ""),
            given_on=_parse_date(record["given_on"], "given_on") if record["given_on"].strip() else None,
        )
        return AccountRow(line, codes[code], values)

    rows = parse_csv_rows(
        content, parse, required=["person_code", "iban", "given_on"], optional=["town", "country"]
    )
    added: list[AccountRow] = []
    with transaction.atomic():
        known, current = _accounts_known({r.person.pk for r in rows})
        for row in rows:
            pid, key = row.person.pk, (row.values["iban"], row.values["given_on"])
            now = current.get(pid)
            if now is not None and (key == now or (key in known[pid] and key[1] < now[1])):
                continue
            _account_save(row.person, row.values, "", source, actor)
            known[pid].add(key)
            if now is None or key[1] >= now[1]:  # the newest row wins a tie on the day
                current[pid] = key
            added.append(row)
    return {
        "accounts": len(added),
        "persons": len({r.person.pk for r in added}),
        "unchanged": len(rows) - len(added),
    }


def _accounts_known(
    person_ids: set[int],
) -> tuple[dict[int, set[tuple[str, dt.date]]], dict[int, tuple[str, dt.date]]]:
    """Every (IBAN, given on) of these persons and each one's current (last given) account."""
    known: dict[int, set[tuple[str, dt.date]]] = {pid: set() for pid in person_ids}
    current: dict[int, tuple[str, dt.date]] = {}
    rows = (
        BankAccount.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "given_on", "id")
        .values_list("person_id", "iban", "given_on")
    )
    for pid, iban, given_on in rows.iterator():
        known[pid].add((iban, given_on))
        current[pid] = (iban, given_on)
    return known, current


# --- parameters and debtor accounts ---------------------------------------------------------------

DEFAULT_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": FinanceParameterName.DEDUCTION_CAP,
        "benefit": Benefit.PENSION,
        "valid_from": dt.date(2000, 1, 1),
        "value": Decimal("0.5"),
        "unit": "share",
        "legal_title": "RPKS § 47; Riigikohus 3-2-1-68-07",
        "legal_url": "https://www.riigiteataja.ee/akt/RPKS",
        "note": "Keep at least half; confirm the exact cap",
        "verified": False,
    },
    {
        "name": FinanceParameterName.LIMITATION_YEARS,
        "benefit": "",
        "valid_from": dt.date(2000, 1, 1),
        "value": Decimal("3"),
        "unit": "years",
        "note": "Not verified — confirm the limitation period",
        "verified": False,
    },
    {
        "name": FinanceParameterName.LIMITATION_WARNING_DAYS,
        "benefit": "",
        "valid_from": dt.date(2000, 1, 1),
        "value": Decimal("60"),
        "unit": "days",
        "note": "",
        "verified": False,
    },
]


def _parameter_snapshot(p: FinanceParameter) -> dict[str, Any]:
    return {
        "name": p.name,
        "benefit": p.benefit,
        "valid_from": p.valid_from,
        "value": p.value,
        "unit": p.unit,
        "legal_title": p.legal_title,
        "verified": p.verified,
        "note": p.note,
    }


def parameter_add(
    *,
    name: str,
    valid_from: dt.date | None,
    value: Any,
    actor: Any,
    benefit: str = "",
    unit: str = "",
    legal_title: str = "",
    legal_url: str = "",
    note: str = "",
    verified: bool = False,
) -> FinanceParameter:
    """A new dated value of a finance parameter (earlier values stay as history)."""
    require(actor, "finance.add_financeparameter")
    if name not in FinanceParameterName.values:
        raise ValidationError({"name": _("Choose a parameter from the list.")})
    if benefit and benefit not in Benefit.values:
        raise ValidationError({"benefit": _("Choose a benefit from the list.")})
    if valid_from is None:
        raise ValidationError({"valid_from": _("Enter the day the value is valid from.")})
    if value is None or value == "" or isinstance(value, float):
        raise ValidationError({"value": _("Enter the value as a decimal number.")})
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError({"value": _("Enter the value as a decimal number.")}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError({"value": _("The value cannot be negative.")})
    if name == FinanceParameterName.DEDUCTION_CAP and number > 1:
        raise ValidationError({"value": _("The share that may be offset is between 0 and 1.")})
    if FinanceParameter.objects.filter(name=name, benefit=benefit, valid_from=valid_from).exists():
        raise ValidationError({"valid_from": _("This parameter already has a value from this day.")})
    param = FinanceParameter(
        name=name,
        benefit=benefit,
        valid_from=valid_from,
        value=number,
        unit=unit,
        legal_title=legal_title,
        legal_url=legal_url,
        note=note,
        verified=verified,
    )
    param.full_clean()
    with transaction.atomic():
        param.save()
        audit_record(
            event=PaymentEvent.PARAMETER_SAVED, actor=actor, obj=param, after=_parameter_snapshot(param)
        )
    return param


def parameters_ensure_defaults(*, actor: Any) -> int:
    """Seed the default parameters that are missing; returns how many were added."""
    added = 0
    for values in DEFAULT_PARAMETERS:
        exists = FinanceParameter.objects.filter(
            name=values["name"], benefit=values["benefit"], valid_from=values["valid_from"]
        ).exists()
        if not exists:
            parameter_add(actor=actor, **values)
            added += 1
    return added


def debtor_ensure_defaults(*, actor: Any) -> list[DebtorAccount]:
    """One active debtor account of the agency per benefit kind (created when missing)."""
    require(actor, "finance.add_debtoraccount")
    result = []
    with transaction.atomic():
        for benefit in Benefit.values:
            debtor = DebtorAccount.objects.filter(benefit=benefit, is_active=True).order_by("code").first()
            if debtor is None:
                debtor = DebtorAccount.objects.create(
                    code=f"ska-{benefit}", name=SKA_NAME, iban=SKA_IBAN, bic=SKA_BIC, benefit=benefit
                )
                audit_record(
                    event=PaymentEvent.DEBTOR_SAVED,
                    actor=actor,
                    obj=debtor,
                    after={"code": debtor.code, "iban": debtor.iban, "bic": debtor.bic, "benefit": benefit},
                )
            result.append(debtor)
    return result


#: Fields of a debtor account that are written into bank files: they stay as they are once the
#: account has paid (deactivate it and add a new one instead).
DEBTOR_FILE_FIELDS = ("iban", "bic", "benefit")


def debtor_account_save(
    *,
    actor: Any,
    code: str,
    name: str,
    iban: str,
    benefit: str,
    bic: str = "",
    is_active: bool = True,
    debtor: DebtorAccount | None = None,
    reason: str = "",
) -> DebtorAccount:
    """Add a debtor account of the agency (``debtor`` None) or change one. The IBAN is checked
    (schwifty), the BIC is checked or found from the IBAN. Runs pay from the active account of
    their benefit, so a second active account for the same benefit is refused."""
    require(actor, "finance.add_debtoraccount" if debtor is None else "finance.change_debtoraccount")
    code = (code or "").strip().lower()
    name = " ".join((name or "").split())
    if not code:
        raise ValidationError({"code": _("Enter the code.")})
    if not name:
        raise ValidationError({"name": _("Enter the debtor name.")})
    if benefit not in Benefit.values:
        raise ValidationError({"benefit": _("Choose a benefit from the list.")})
    compact, found_bic = iban_clean(iban)
    bic = _bic_clean(bic) if (bic or "").strip() else found_bic
    if not bic:
        raise ValidationError({"bic": _("Enter the BIC; it could not be found from the IBAN.")})
    values = {"code": code, "name": name, "iban": compact, "bic": bic, "benefit": benefit}
    with transaction.atomic():
        if debtor is not None:
            debtor = DebtorAccount.objects.select_for_update().get(pk=debtor.pk)
        others = DebtorAccount.objects.select_for_update().filter(benefit=benefit, is_active=True)
        if debtor is not None:
            others = others.exclude(pk=debtor.pk)
        other = others.order_by("code").first()
        if is_active and other is not None:
            raise ValidationError(
                {
                    "benefit": _(
                        "There is already an active debtor account for %(benefit)s (%(code)s); "
                        "deactivate it first."
                    )
                    % {"benefit": Benefit(benefit).label, "code": other.code}
                }
            )
        same_code = DebtorAccount.objects.filter(code=code)
        if debtor is not None:
            same_code = same_code.exclude(pk=debtor.pk)
        if same_code.exists():
            raise ValidationError({"code": _("Another debtor account has this code.")})
        if debtor is None:
            debtor = DebtorAccount(is_active=is_active, **values)
            debtor.full_clean()
            debtor.save()
            audit_record(
                event=PaymentEvent.DEBTOR_SAVED,
                actor=actor,
                obj=debtor,
                after=debtor.audit_snapshot(),
                reason=reason,
            )
            return debtor
        changes = [f for f in DEBTOR_FILE_FIELDS if getattr(debtor, f) != values[f]]
        if changes and debtor.files.exists():
            raise ValidationError(
                {
                    changes[0]: _(
                        "Bank files were already written from this account, so its IBAN, BIC and "
                        "benefit stay; deactivate it and add a new account instead."
                    )
                }
            )
        before = debtor.audit_snapshot()
        assign(debtor, {**values, "is_active": is_active}, [*values, "is_active"])
        save_changes(debtor, before, event=PaymentEvent.DEBTOR_SAVED, actor=actor, reason=reason)
    return debtor


# --- payment runs ---------------------------------------------------------------------------------


def _snapshot(run: PaymentRun) -> dict[str, Any]:
    return {
        "benefit": run.benefit,
        "month": run.month,
        "payment_date": run.payment_date,
        "status": run.status,
        "counts": run.counts,
        "totals": run.totals,
    }


def announce(run: PaymentRun, stage: str, actor: Any) -> None:
    """Tell the ``payments`` topic of ``stage`` (computed, approved, released, failed)."""
    from tugi.core.context import system_actor
    from tugi.core.services import notify, topic_ensure

    topic_ensure(
        code=TOPIC,
        name=str(_("Payments")),
        actor=system_actor(),
        description=str(_("Payment runs computed, approved and released.")),
    )
    subjects = {
        "computed": _("Payment run computed, waiting for approval: %(run)s"),
        "failed": _("Payment run failed: %(run)s"),
        "approved": _("Payment run approved: %(run)s"),
        "released": _("Payment run released, bank files written: %(run)s"),
    }
    subject = subjects[stage] % {"run": run}
    totals = run.totals or {}
    figures = "\n".join(f"{k}: {v}" for k, v in totals.items() if not isinstance(v, dict))
    notify(
        topic=TOPIC,
        subject=subject,
        body=f"{subject}\n\n{figures}" if figures else subject,
        actor=actor,
        dedup_key=f"finance-run:{run.pk}:{stage}",
        url=reverse("finance:run_detail", args=[run.pk]),
    )


def run_create(*, benefit: str, month: Any, actor: Any, note: str = "") -> PaymentRun:
    """A draft run of ``benefit`` for ``month`` (normalised to its first day)."""
    require(actor, "finance.add_paymentrun")
    if benefit not in Benefit.values:
        raise ValidationError({"benefit": _("Choose a benefit from the list.")})
    if month is None or month == "":
        raise ValidationError({"month": _("Enter the month.")})
    first = month_first(month)
    today = timezone.localdate()
    if not dt.date(2000, 1, 1) <= first <= dt.date(today.year + 1, 12, 1):
        raise ValidationError({"month": _("The month is outside the years Tugi pays.")})
    message = _("There is already a live run of %(benefit)s for %(month)s (run #%(pk)s); discard it first.")
    existing = live_run(benefit, first)
    if existing is not None:
        raise ValidationError(
            {
                "month": message
                % {"benefit": existing.get_benefit_display(), "month": f"{first:%Y-%m}", "pk": existing.pk}
            }
        )
    run = PaymentRun(
        benefit=benefit,
        month=first,
        payment_date=payment_date(benefit, first),
        note=note or "",
        created_by=actor,
        status=RunStatus.DRAFT,
    )
    try:
        with transaction.atomic():
            run.save()
            audit_record(event=PaymentEvent.RUN_CREATED, actor=actor, obj=run, after=_snapshot(run))
    except IntegrityError:
        raise ValidationError(
            {
                "month": _("There is already a live run of this benefit for %(month)s.")
                % {"month": f"{first:%Y-%m}"}
            }
        ) from None
    return run


def _locked(run: PaymentRun) -> PaymentRun:
    return PaymentRun.objects.select_for_update().get(pk=run.pk)


def _status_error(run: PaymentRun, text: str) -> ValidationError:
    return ValidationError({"status": text % {"status": run.get_status_display()}})


def _mark_computing(run: PaymentRun, actor: Any) -> PaymentRun:
    require(actor, "finance.add_paymentrun")
    return run_mark_computing(_locked(run), actor)


def run_compute(*, run: PaymentRun, actor: Any) -> Any:
    """Start computing ``run`` in the background; returns the job (the run page shows its progress)."""
    with transaction.atomic():
        run = _mark_computing(run, actor)
        title = pgettext("payment run", "Compute %(run)s") % {"run": run}
        return run_job_start(run, kind=COMPUTE_JOB, title=title, actor=actor)


def run_compute_now(*, run: PaymentRun, actor: Any, progress: Any | None = None) -> PaymentRun:
    """Compute ``run`` here and now (CLI, demo, benchmark, tests); a failure is raised again."""
    from .payments_compute import run_compute_execute

    with transaction.atomic():
        run = _mark_computing(run, actor)
    run_compute_execute(run_id=run.pk, progress=progress)
    run.refresh_from_db()
    return run


def run_approve(*, run: PaymentRun, actor: Any, reason: str = "") -> PaymentRun:
    """A second person approves a computed run."""
    require(actor, "finance.change_paymentrun")
    with transaction.atomic():
        run = _locked(run)
        if run.status != RunStatus.COMPUTED:
            raise _status_error(run, _("Only a computed run can be approved; this one is %(status)s."))
        run_refuse_same_person(run, actor, _("approving"))
        run.status, run.approved_by, run.approved_at = RunStatus.APPROVED, actor, timezone.now()
        run.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        audit_record(
            event=PaymentEvent.RUN_APPROVED,
            actor=actor,
            obj=run,
            before={"status": RunStatus.COMPUTED},
            after={"status": RunStatus.APPROVED, "totals": run.totals},
            reason=reason,
        )
        announce(run, "approved", actor)
    return run


def run_release(*, run: PaymentRun, actor: Any) -> PaymentRun:
    """Release an approved run: the bank files, the accrual and payment entries, the offsets
    against overpayments and the paid lines marked sent — in one transaction, all or nothing."""
    require(actor, "finance.change_paymentrun")
    from . import postings
    from .bankfiles import write_run_files

    with transaction.atomic():
        run = _locked(run)
        if run.status != RunStatus.APPROVED:
            raise _status_error(run, _("Only an approved run can be released; this one is %(status)s."))
        files = write_run_files(run=run, actor=actor)
        accrual = postings.post_run_accrual(run=run, actor=actor)
        payment = postings.post_run_payment(run=run, actor=actor)
        _record_offsets(run, actor)
        # the file writer marks the lines it wrote; any other line to pay is marked here
        sent = (
            PaymentLine.objects.filter(run=run, status=LineStatus.PAY)
            .exclude(bank_status=BankStatus.SENT)
            .update(bank_status=BankStatus.SENT)
        )
        sent += sum(f.nb_of_txs for f in files)
        run.status, run.released_by, run.released_at = RunStatus.RELEASED, actor, timezone.now()
        run.save(update_fields=["status", "released_by", "released_at", "updated_at"])
        audit_record(
            event=PaymentEvent.RUN_RELEASED,
            actor=actor,
            obj=run,
            before={"status": RunStatus.APPROVED},
            after={
                "status": RunStatus.RELEASED,
                "files": [f.message_id for f in files],
                "lines_sent": sent,
                "accrual_entry": accrual.pk if accrual else None,
                "payment_entry": payment.pk if payment else None,
                "totals": run.totals,
            },
        )
        announce(run, "released", actor)
    return run


def _record_offsets(run: PaymentRun, actor: Any) -> None:
    from .overpayments import record_offsets

    record_offsets(run=run, actor=actor)


def run_discard(*, run: PaymentRun, actor: Any, reason: str) -> PaymentRun:
    """Set a run aside (before release) with a reason; its month can then be run again."""
    require(actor, "finance.change_paymentrun")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the run is discarded.")})
    with transaction.atomic():
        run = _locked(run)
        if run.status not in DISCARDABLE:
            raise _status_error(run, _("A run that is %(status)s cannot be discarded."))
        before = run.status
        run.status = RunStatus.DISCARDED
        run.save(update_fields=["status", "updated_at"])
        audit_record(
            event=PaymentEvent.RUN_DISCARDED,
            actor=actor,
            obj=run,
            before={"status": before},
            after={"status": RunStatus.DISCARDED},
            reason=reason,
        )
    return run
