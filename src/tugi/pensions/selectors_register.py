"""Reads of the pension register: pensions, their amounts and the insured persons' yearly figures.

``pensions_table`` is what the mass calculations start from: one query, no model instances, an
Arrow table (320 000 pensions convert in a few seconds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa
from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth

from tugi.core.selectors import get_restricted

from .models import InsuredYear, Pension, PensionAmount, PensionRule, PensionStatus, PensionType

#: The Arrow schema of ``pensions_table`` (decimals at the model's precision).
PENSIONS_TABLE_SCHEMA = pa.schema(
    [
        pa.field("pension_id", pa.int64(), nullable=False),
        pa.field("service_years", pa.decimal128(6, 2), nullable=False),
        pa.field("insurance_shares", pa.decimal128(9, 3), nullable=False),
        pa.field("joint_shares", pa.decimal128(9, 3), nullable=False),
        pa.field("adjustment_factor", pa.decimal128(8, 6), nullable=False),
        pa.field("old_amount", pa.decimal128(14, 2)),
        pa.field("person_code", pa.string(), nullable=False),
        pa.field("date_of_death", pa.date32()),
    ]
)


def pensions_in_payment(on: dt.date) -> QuerySet[Pension]:
    """Pensions in payment on ``on``: status "in payment" and started on or before that date.

    A pension whose person has died stays in the result until it is ended (the run review flags
    it: ``pensions_table`` carries the date of death); suspended and ended pensions are left out.
    """
    return Pension.objects.filter(status=PensionStatus.IN_PAYMENT, start_date__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    )


def _amount_on(on: dt.date) -> Subquery:
    latest = PensionAmount.objects.filter(pension=OuterRef("pk"), valid_from__lte=on)
    latest = latest.order_by("-valid_from", "-id")
    return Subquery(latest.values("amount")[:1], output_field=DecimalField(max_digits=14, decimal_places=2))


def pensions_table(on: dt.date) -> pa.Table:
    """The pensions in payment on ``on`` as an Arrow table (``PENSIONS_TABLE_SCHEMA``), by pension id.

    ``old_amount`` is the amount valid on ``on`` (the latest amount row from that date or before;
    null if there is none); the sums of shares are the pension's current ones.

    One query (the ORM's SQL run on a plain cursor: no model instances, no per-value converters) and
    vectorised conversion to Arrow: 320 000 pensions in a few seconds.
    """
    from django.db import connection

    qs = (
        pensions_in_payment(on)
        .annotate(old_amount=_amount_on(on))
        .order_by("pk")
        .values_list(
            "pk",
            "service_years",
            "insurance_shares",
            "joint_shares",
            "adjustment_factor",
            "old_amount",
            "person__personal_code",
            "person__date_of_death",
        )
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns: list[list[Any]] = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(8)]
    arrays = [
        _arrow_column(col, field.type) for col, field in zip(columns, PENSIONS_TABLE_SCHEMA, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=PENSIONS_TABLE_SCHEMA)


def _arrow_column(values: list[Any], kind: pa.DataType) -> pa.Array:
    """One column of raw database values as Arrow, exactly (decimals from scaled integers)."""
    if pa.types.is_decimal(kind):
        return _decimal_array(values, kind)
    if pa.types.is_date(kind) and any(isinstance(v, str) for v in values):
        return pa.array(values, pa.string()).cast(kind)  # SQLite hands dates back as ISO text
    return pa.array(values, kind)


def _decimal_array(values: list[Any], kind: pa.DataType) -> pa.Array:
    """Decimals (PostgreSQL: ``Decimal``; SQLite: ``float`` / ``int``) as a ``decimal128`` array,
    built from integer units: exact for the model's precisions (at most 14 digits, inside a float's
    53 bits) and far faster than converting each ``Decimal``."""
    import numpy as np
    import pyarrow.compute as pc

    scale = kind.scale
    count = len(values)
    if any(isinstance(v, Decimal) for v in values):
        units = np.fromiter(
            (0 if v is None else int(Decimal(v).scaleb(scale)) for v in values), dtype=np.int64, count=count
        )
    else:
        floats = pa.array(values, pa.float64()).fill_null(0).to_numpy(zero_copy_only=False)
        units = np.round(floats * 10**scale).astype(np.int64)
    words = np.empty(count * 2, dtype=np.int64)
    words[0::2] = units
    words[1::2] = np.where(units < 0, -1, 0)  # the high 64 bits of a two's complement 128-bit integer
    array = pa.Array.from_buffers(kind, count, [None, pa.py_buffer(words.tobytes())])
    if any(v is None for v in values):
        array = pc.if_else(pa.array([v is None for v in values]), pa.scalar(None, kind), array)
    return array


def current_amount(pension: Pension, on: dt.date | None = None) -> PensionAmount | None:
    """The amount row valid on ``on`` (default today): the latest from that date or before."""
    on = on or dt.date.today()
    return pension.amounts.filter(valid_from__lte=on).order_by("-valid_from", "-id").first()


def amount_history(pension: Pension) -> QuerySet[PensionAmount]:
    """Every amount row of a pension, newest first, with the run that produced it."""
    return pension.amounts.select_related("run").order_by("-valid_from", "-id")


def amounts_recorded_after(*, pension: Any, recorded_after: Any, month: Any) -> QuerySet[PensionAmount]:
    """Amount rows of ``pension`` recorded after ``recorded_after`` and in force in ``month`` (valid
    from before its end): a retroactive change of a month already paid. The arguments may be
    ``OuterRef`` expressions, for an ``Exists`` in another area's query."""
    return PensionAmount.objects.annotate(valid_month=TruncMonth("valid_from")).filter(
        pension=pension, created_at__gt=recorded_after, valid_month__lte=month
    )


def pensions_by_id(ids: Any) -> QuerySet[Pension]:
    """The pensions with these ids, each with its person (no access check: for background jobs)."""
    return Pension.objects.filter(pk__in=ids).select_related("person").order_by("pk")


def insured_years(person_code: str) -> QuerySet[InsuredYear]:
    """The register's yearly figures of one insured person, by year."""
    return InsuredYear.objects.filter(person_code=person_code).select_related("run").order_by("year")


def insured_year(person_code: str, year: int) -> InsuredYear | None:
    return InsuredYear.objects.filter(person_code=person_code, year=year).select_related("run").first()


def insured_year_list(*, user: Any) -> QuerySet[InsuredYear]:
    """All insured years the user may see (the list page; empty without the view permission)."""
    qs = InsuredYear.objects.select_related("run").order_by("year", "person_code")
    return qs if can_view(user, "insuredyear") else qs.none()


def can_view(user: Any, model_name: str) -> bool:
    """Whether ``user`` may view the pensions model (for the plain models without ``restrict``)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.has_perm(f"pensions.view_{model_name}"))


def pension_list(*, user: Any, on: dt.date | None = None) -> QuerySet[Pension]:
    """All pensions the user may see, with the amount valid on ``on`` (default today) annotated."""
    on = on or dt.date.today()
    qs: QuerySet[Pension] = Pension.objects.restrict(user)
    return (
        qs.select_related("person", "pension_type")
        .annotate(amount_now=_amount_on(on))
        .order_by("-start_date", "pk")
    )


def pension_get(*, user: Any, pk: Any, action: str = "view") -> Pension:
    """One pension (404 alike for missing and forbidden)."""
    return get_restricted(Pension.objects.select_related("person", "pension_type"), user, action, pk=pk)


def person_pensions(person_id: int) -> QuerySet[Pension]:
    """A person's pensions (any status) with today's amount annotated."""
    return (
        Pension.objects.filter(person_id=person_id)
        .select_related("pension_type")
        .annotate(amount_now=_amount_on(dt.date.today()))
        .order_by("-start_date", "pk")
    )


def pension_types() -> QuerySet[PensionType]:
    return PensionType.objects.order_by("code")


@dataclass(frozen=True)
class AmountParameters:
    """The base amount and year value in force on a date, with the parameter values behind them.

    ``increases`` are extraordinary base increases (PENSIONS.md § 7) that took effect after the
    base amount's own valid-from date and on or before the day: the parameter files store the base
    amount in force *after* an increase when both share a date (2020-04-01, 2021-04-01), so only
    later increases (e.g. +20.00 on 2023-01-01) are added here.
    """

    on: dt.date
    base_amount: Decimal
    year_value: Decimal
    base_entry: Any
    year_value_entry: Any
    increases: tuple[Any, ...] = ()


def amount_parameters(on: dt.date, params: Any = None) -> AmountParameters:
    """The parameters an old-age amount is computed with on ``on`` (files + confirmed values).

    Raises ``tugi.engine.parameters.ParameterMissing`` when a value is missing for that date.
    """
    from .selectors_parameters import parameters

    params = params if params is not None else parameters()
    base = params.entry("base_amount", on)
    year_value = params.entry("year_value", on)
    increases = tuple(
        e for e in params.entries("extra_base_increase") if base.valid_from < e.valid_from <= on
    )
    total = base.value + sum((e.value for e in increases), Decimal(0))
    return AmountParameters(on, total, year_value.value, base, year_value, increases)


def amount_breakdown(
    *,
    rule: str,
    base_amount: Decimal,
    year_value: Decimal,
    service_years: Decimal,
    insurance_shares: Decimal,
    joint_shares: Decimal,
    adjustment_factor: Decimal,
) -> Any:
    """Each component of a pension's amount by its type's rule (``AmountBreakdown`` of the engine)."""
    from tugi.engine.rules import old_age_amount

    if rule != PensionRule.OLD_AGE:
        raise ValueError(f"no amount rule for {rule!r}")
    return old_age_amount(
        base_amount=base_amount,
        year_value=year_value,
        service_years=service_years,
        insurance_shares=insurance_shares,
        joint_shares=joint_shares,
        adjustment_factor=adjustment_factor,
    )


def amount_row_breakdown(row: PensionAmount, rule: str = PensionRule.OLD_AGE) -> Any:
    """The components of a stored amount row, recomputed from the figures it records (parameters
    without the trailing zeros of their database columns)."""
    from .selectors_parameters import plain

    return amount_breakdown(
        rule=rule,
        base_amount=plain(row.base_amount),
        year_value=plain(row.year_value),
        service_years=row.service_years,
        insurance_shares=row.insurance_shares,
        joint_shares=row.joint_shares,
        adjustment_factor=plain(row.adjustment_factor),
    )


def with_person_uid(qs: QuerySet[InsuredYear]) -> QuerySet[InsuredYear]:
    """Insured years with ``person_uid`` (the register's person of that code, for links), one query."""
    from tugi.core.models import Person

    return qs.annotate(
        person_uid=Subquery(Person.objects.filter(personal_code=OuterRef("person_code")).values("uid")[:1])
    )


def pensions_of_deceased() -> QuerySet[Pension]:
    """Pensions not yet ended whose person has a date of death (to be ended)."""
    return Pension.objects.filter(person__date_of_death__isnull=False).exclude(status=PensionStatus.ENDED)
