"""The payments API: payment runs (list, one run with its review, create, compute, approve, release),
the agency's debtor accounts, a person's bank accounts and payment holds (placed by hand, released).

A person is addressed by ``uid``, never by personal code; reading a person's accounts or holds
writes the personal-data view log (channel "api").

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tugi.core.models import Person
from tugi.core.permissions import require
from tugi.core.selectors import person_get
from tugi.core.services import person_view_record

from .. import selectors_payments as selectors
from ..models import BankAccount, DebtorAccount, PaymentHold, PaymentRun
from ..services import holds as hold_services
from ..services import payments as services

router = Router(tags=["finance"])


class RunOut(Schema):
    id: int
    benefit: str
    month: dt.date
    payment_date: dt.date
    status: str
    counts: dict[str, Any]
    totals: dict[str, Any]
    created_by: str
    computed_by: str | None
    approved_by: str | None
    released_by: str | None
    error: str

    @staticmethod
    def resolve_created_by(obj: PaymentRun) -> str:
        return str(obj.created_by.get_username())

    @staticmethod
    def resolve_computed_by(obj: PaymentRun) -> str | None:
        return obj.computed_by.get_username() if obj.computed_by else None

    @staticmethod
    def resolve_approved_by(obj: PaymentRun) -> str | None:
        return obj.approved_by.get_username() if obj.approved_by else None

    @staticmethod
    def resolve_released_by(obj: PaymentRun) -> str | None:
        return obj.released_by.get_username() if obj.released_by else None


class FileOut(Schema):
    id: int
    sequence: int
    message_id: str
    nb_of_txs: int
    ctrl_sum: str
    validated_at: dt.datetime | None


class RunDetailOut(RunOut):
    review: dict[str, Any]
    files: list[FileOut]

    @staticmethod
    def resolve_files(obj: PaymentRun) -> list[dict[str, Any]]:
        return [
            {
                "id": f.pk,
                "sequence": f.sequence,
                "message_id": f.message_id,
                "nb_of_txs": f.nb_of_txs,
                "ctrl_sum": f"{f.ctrl_sum:.2f}",
                "validated_at": f.validated_at,
            }
            for f in selectors.run_files(obj)
        ]


class RunIn(Schema):
    benefit: str = "pension"
    month: str
    note: str = ""
    compute: bool = False


class ApproveIn(Schema):
    reason: str = ""


class DiscardIn(Schema):
    reason: str


@router.get("/runs", response=list[RunOut], summary="Payment runs, newest month first")
@paginate(LimitOffsetPagination)
def runs_list(request: HttpRequest, status: str = "", benefit: str = "", month: str = "") -> Any:
    qs = selectors.runs(user=request.user)
    if status:
        qs = qs.filter(status=status)
    if benefit:
        qs = qs.filter(benefit=benefit)
    if month:
        qs = qs.filter(month=services.month_first(month))
    return qs


@router.get("/runs/{run_id}", response=RunDetailOut, summary="One payment run with its review and files")
def run_get(request: HttpRequest, run_id: int) -> Any:
    return selectors.run_get(user=request.user, pk=run_id)


@router.post(
    "/runs", response={201: RunDetailOut}, summary="Create a payment run (optionally start computing)"
)
def run_create(request: HttpRequest, payload: RunIn) -> Any:
    run = services.run_create(
        benefit=payload.benefit, month=payload.month, actor=request.user, note=payload.note
    )
    if payload.compute:
        services.run_compute(run=run, actor=request.user)
    return Status(201, selectors.run_get(user=request.user, pk=run.pk))


@router.post(
    "/runs/{run_id}/compute", response={202: RunDetailOut}, summary="Start computing a run in the background"
)
def run_compute(request: HttpRequest, run_id: int) -> Any:
    run = selectors.run_get(user=request.user, pk=run_id)
    services.run_compute(run=run, actor=request.user)
    return Status(202, selectors.run_get(user=request.user, pk=run_id))


@router.post("/runs/{run_id}/approve", response=RunDetailOut, summary="Approve a computed run (four eyes)")
def run_approve(request: HttpRequest, run_id: int, payload: ApproveIn | None = None) -> Any:
    run = selectors.run_get(user=request.user, pk=run_id)
    services.run_approve(run=run, actor=request.user, reason=payload.reason if payload else "")
    return selectors.run_get(user=request.user, pk=run_id)


@router.post("/runs/{run_id}/release", response=RunDetailOut, summary="Release an approved run to the bank")
def run_release(request: HttpRequest, run_id: int) -> Any:
    run = selectors.run_get(user=request.user, pk=run_id)
    services.run_release(run=run, actor=request.user)
    return selectors.run_get(user=request.user, pk=run_id)


@router.post("/runs/{run_id}/discard", response=RunDetailOut, summary="Discard a run before release")
def run_discard(request: HttpRequest, run_id: int, payload: DiscardIn) -> Any:
    require(request.user, "finance.change_paymentrun")
    run = selectors.run_get(user=request.user, pk=run_id)
    services.run_discard(run=run, actor=request.user, reason=payload.reason)
    return selectors.run_get(user=request.user, pk=run_id)


# --- debtor accounts -------------------------------------------------------------------------------

#: The fields of a debtor account the API reads and writes.
DEBTOR_FIELDS = ("code", "name", "iban", "bic", "benefit", "is_active")


class DebtorOut(Schema):
    id: int
    code: str
    name: str
    iban: str
    bic: str
    benefit: str
    is_active: bool


class DebtorIn(Schema):
    """Left out (or null): blank on a new account (the service names what is missing), unchanged on
    a change. ``bic`` blank: found from the IBAN; a changed IBAN without a BIC finds it again."""

    code: str | None = None
    name: str | None = None
    iban: str | None = None
    bic: str | None = None
    benefit: str | None = None
    is_active: bool | None = None
    reason: str = ""


def _debtor_values(payload: DebtorIn, debtor: DebtorAccount | None = None) -> dict[str, Any]:
    given = {k: v for k, v in payload.dict(exclude={"reason"}).items() if v is not None}
    if debtor is None:
        values: dict[str, Any] = {f: "" for f in DEBTOR_FIELDS} | {"is_active": True}
    else:
        values = {f: getattr(debtor, f) for f in DEBTOR_FIELDS}
        if "iban" in given and "bic" not in given:
            values["bic"] = ""
    return values | given


@router.get("/debtors", response=list[DebtorOut], summary="The agency's debtor accounts runs pay from")
def debtors_list(request: HttpRequest) -> Any:
    require(request.user, "finance.view_debtoraccount")
    return list(DebtorAccount.objects.order_by("benefit", "-is_active", "code"))


@router.post("/debtors", response={201: DebtorOut}, summary="Add a debtor account (one active per benefit)")
def debtor_create(request: HttpRequest, payload: DebtorIn) -> Any:
    debtor = services.debtor_account_save(
        actor=request.user, reason=payload.reason, **_debtor_values(payload)
    )
    return Status(201, debtor)


@router.put(
    "/debtors/{debtor_id}",
    response=DebtorOut,
    summary="Change a debtor account (fields left out stay; IBAN, BIC and benefit stay once it has paid)",
)
def debtor_change(request: HttpRequest, debtor_id: int, payload: DebtorIn) -> Any:
    debtor = get_object_or_404(DebtorAccount, pk=debtor_id)
    return services.debtor_account_save(
        actor=request.user, debtor=debtor, reason=payload.reason, **_debtor_values(payload, debtor)
    )


# --- a person's bank accounts ------------------------------------------------------------------------


class AccountOut(Schema):
    id: int
    iban: str
    bic: str
    holder_name: str
    town: str
    country: str
    given_on: dt.date
    source: str
    paid_to: bool


class AccountIn(Schema):
    iban: str = ""
    given_on: dt.date | None = None
    bic: str = ""
    holder_name: str = ""
    town: str = ""
    country: str = ""
    source: str = ""


def _accounts(person: Person) -> list[dict[str, Any]]:
    """The person's accounts, newest first; the first is the one paid to."""
    rows = list(selectors.person_accounts(person.pk))
    return [_account(a, paid_to=i == 0) for i, a in enumerate(rows)]


def _account(a: BankAccount, *, paid_to: bool) -> dict[str, Any]:
    fields = ("id", "iban", "bic", "holder_name", "town", "country", "given_on", "source")
    return {**{f: getattr(a, f) for f in fields}, "paid_to": paid_to}


@router.get(
    "/persons/{uuid:uid}/accounts",
    response=list[AccountOut],
    summary="A person's bank accounts, newest first, and which one is paid to (view-logged)",
)
def accounts_list(request: HttpRequest, uid: uuid.UUID, purpose: str = "bank accounts (API)") -> Any:
    require(request.user, "finance.view_bankaccount")
    person = person_get(user=request.user, uid=uid)
    person_view_record(viewer=request.user, person=person, purpose=purpose, channel="api")
    return _accounts(person)


@router.post(
    "/persons/{uuid:uid}/accounts",
    response={201: AccountOut},
    summary="Record the bank account a person gave (the last given is paid to)",
)
def account_give(request: HttpRequest, uid: uuid.UUID, payload: AccountIn) -> Any:
    require(request.user, "finance.add_bankaccount")
    person = person_get(user=request.user, uid=uid)
    account = services.account_give(person=person, actor=request.user, **payload.dict())
    current = selectors.person_accounts(person.pk).values_list("pk", flat=True).first()
    return Status(201, _account(account, paid_to=current == account.pk))


# --- payment holds ---------------------------------------------------------------------------------


class HoldOut(Schema):
    id: int
    person_uid: str
    reason: str
    reason_label: str
    note: str
    active: bool
    placed_by: str
    placed_at: dt.datetime
    released_at: dt.datetime | None
    released_by: str | None
    release_note: str

    @staticmethod
    def resolve_person_uid(obj: PaymentHold) -> str:
        return str(obj.person.uid)

    @staticmethod
    def resolve_reason_label(obj: PaymentHold) -> str:
        return str(obj.get_reason_display())

    @staticmethod
    def resolve_active(obj: PaymentHold) -> bool:
        return obj.released_at is None

    @staticmethod
    def resolve_placed_by(obj: PaymentHold) -> str:
        return str(obj.placed_by.get_username())

    @staticmethod
    def resolve_placed_at(obj: PaymentHold) -> dt.datetime:
        return obj.created_at

    @staticmethod
    def resolve_released_by(obj: PaymentHold) -> str | None:
        return obj.released_by.get_username() if obj.released_by else None


class HoldIn(Schema):
    reason: str = ""
    note: str = ""


class HoldReleaseIn(Schema):
    note: str = ""


#: The service names the model's field; the API's input calls it ``note``.
RELEASE_ERROR_FIELDS = {"release_note": "note"}


@router.get(
    "/persons/{uuid:uid}/holds", response=list[HoldOut], summary="A person's payment holds (view-logged)"
)
def holds_list(request: HttpRequest, uid: uuid.UUID, purpose: str = "payment holds (API)") -> Any:
    require(request.user, "finance.view_paymenthold")
    person = person_get(user=request.user, uid=uid)
    person_view_record(viewer=request.user, person=person, purpose=purpose, channel="api")
    return list(selectors.person_holds(person.pk).select_related("person"))


@router.post(
    "/persons/{uuid:uid}/holds",
    response={201: HoldOut},
    summary="Hold a person's payments by hand (reason code and note; one active hold at a time)",
)
def hold_place(request: HttpRequest, uid: uuid.UUID, payload: HoldIn) -> Any:
    require(request.user, "finance.add_paymenthold")
    person = person_get(user=request.user, uid=uid)
    hold = hold_services.hold_place(person=person, actor=request.user, by_hand=True, **payload.dict())
    return Status(201, hold)


@router.post("/holds/{hold_id}/release", response=HoldOut, summary="Release a payment hold (note required)")
def hold_release(request: HttpRequest, hold_id: int, payload: HoldReleaseIn) -> Any:
    hold = get_object_or_404(PaymentHold.objects.select_related("person"), pk=hold_id)
    try:
        hold = hold_services.hold_release(hold=hold, actor=request.user, note=payload.note)
    except ValidationError as exc:
        errors = {RELEASE_ERROR_FIELDS.get(k, k): v for k, v in exc.message_dict.items()}
        raise ValidationError(errors) from None
    return hold
