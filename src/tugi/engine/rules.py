"""The pension rules as scalar, exact ``Decimal`` functions: THE definition of every figure.

Source of every rule: PENSIONS.md (the domain file of the pensions area), with the law and the
publications it cites. Every rounding is half-up applied to the EXACT value of the expression:
each function turns its inputs into exact integer fractions and rounds with integer arithmetic,
never with a binary float nor a rounded intermediate. The vectorised Ibis code
(``tugi.engine.yearly``, ``tugi.engine.pensions_calc``) must give identical results; property tests
compare both.

Rules marked **(assumption)** or **(derived)** are the agency's to confirm; each is a function of
its own with its source, so that it can be corrected in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from tugi.core.money import to_decimal

Number = Decimal | int | str

#: Of the 33 percentage points of social tax, 20 are the pension insurance part (PENSIONS.md terms;
#: Sotsiaalmaksuseadus § 7).
PENSION_PART_POINTS = 20
SOCIAL_TAX_POINTS = 33
#: Pillar-II members: 4 of the 20 points go to the funded pension, so the share is × 0.8
#: (pensionikeskus.ee "Kogumispension ehk II sammas"; PENSIONS.md § 2).
FUNDED_REDUCTION = Fraction(1, 5)
#: The joint share (ühendosak) replaces the insurance share from this year (RPKS § 11 lg 1²).
JOINT_SHARE_FROM_YEAR = 2021
#: (derived) The base amount grows by 1.1 × the index's increase (PENSIONS.md § 7).
BASE_INDEX_MULTIPLIER = Fraction(11, 10)

# Decimal places of each stored figure (PENSIONS.md § 2–4).
PENSION_PART_PLACES = 2
INSURED_BASE_PLACES = 2  # (assumption: stored to the cent)
SERVICE_FRACTION_PLACES = 4  # (assumption: precision)
FUNDED_FACTOR_PLACES = 4  # (assumption: 4 decimals)
AVERAGE_PLACES = 2  # VV määrus nr 5 § 4: rounded to the cent
SHARE_PLACES = 3  # (assumption: 3 decimals)
PARAMETER_PLACES = 4  # base amount and year value after indexation (published with 4 decimals)
INDEX_PLACES = 3  # (assumption: the index is confirmed with 3 decimals, e.g. 1.079)
AMOUNT_PLACES = 2


class RuleInputError(ValueError):
    """An input a rule cannot take (negative amount, zero average, ...)."""


def _frac(value: Number | Fraction) -> Fraction:
    if isinstance(value, Fraction):
        return value
    return Fraction(to_decimal(value))


def round_fraction(value: Fraction, places: int) -> Decimal:
    """Round an exact fraction half-up (halves away from zero) to ``places`` decimals."""
    scale = 10**places
    num = value.numerator * scale
    den = value.denominator
    sign = -1 if num < 0 else 1
    units = (2 * abs(num) + den) // (2 * den)
    return Decimal(sign * units).scaleb(-places)


def half_up_div(num: int, den: int) -> int:
    """``round_half_up(num / den)`` for integers, num >= 0 and den > 0: ``(2·num + den) // (2·den)``.

    The formula the vectorised Ibis code uses on int64 columns."""
    return (2 * num + den) // (2 * den)


def _non_negative(name: str, value: Fraction) -> Fraction:
    if value < 0:
        raise RuleInputError(f"{name} must not be negative")
    return value


# --- § 2. Yearly figures of an insured person ---------------------------------------------------


def pension_part(social_tax_sum: Number) -> Decimal:
    """Pension part of social tax: ``round2(Σ social_tax × 20 / 33)`` (PENSIONS.md § 2)."""
    tax = _non_negative("social tax", _frac(social_tax_sum))
    return round_fraction(tax * PENSION_PART_POINTS / SOCIAL_TAX_POINTS, PENSION_PART_PLACES)


def insured_base_exact(social_tax_sum: Number) -> Fraction:
    """The exact amount on which social tax was paid: ``Σ social_tax / 0.33`` (PENSIONS.md § 2)."""
    tax = _non_negative("social tax", _frac(social_tax_sum))
    return tax * 100 / SOCIAL_TAX_POINTS


def insured_base(social_tax_sum: Number) -> Decimal:
    """Insured base ``Σ social_tax / 0.33``, rounded half-up to the cent.

    (assumption: stored to the cent) PENSIONS.md § 2 gives the exact expression, not a precision;
    the service fraction uses the exact value, not this rounded one."""
    return round_fraction(insured_base_exact(social_tax_sum), INSURED_BASE_PLACES)


def service_fraction(social_tax_sum: Number, minimum_wage: Number) -> Decimal:
    """Service (staaž) of the year: ``min(1, insured_base / (12 × minimum_wage))``, 4 decimals.

    Source: SKA, "Pension calculation": one year counts if social tax was paid on at least
    12 × the minimum wage, less gives a proportional part. (assumption: precision, 4 decimals.)
    The exact insured base is used."""
    wage = _frac(minimum_wage)
    if wage <= 0:
        raise RuleInputError("minimum wage must be positive")
    fraction = insured_base_exact(social_tax_sum) / (12 * wage)
    return min(Decimal(1).quantize(Decimal("0.0001")), round_fraction(fraction, SERVICE_FRACTION_PLACES))


def funded_factor(tax_funded_months: Number, tax_all_months: Number) -> Decimal:
    """Pillar-II factor: ``1 − 0.2 × (pension part of funded months / pension part of all months)``.

    0.8 for a full-year member, 1 for a non-member. Sources: pensionikeskus.ee "Kogumispension ehk
    II sammas"; Ministry of Finance blog 2021-03 (16 instead of 20 points).
    (assumption: the weighting of part-year membership; PENSIONS.md § 2.) The pension parts are
    taken exactly (social tax × 20/33), so their ratio equals the ratio of the social tax sums given
    here. (assumption: 4 decimals.) No tax at all gives 1."""
    funded = _non_negative("social tax of funded months", _frac(tax_funded_months))
    total = _non_negative("social tax of all months", _frac(tax_all_months))
    if funded > total:
        raise RuleInputError("social tax of funded months exceeds the total")
    if total == 0:
        return Decimal("1.0000")
    return round_fraction(1 - FUNDED_REDUCTION * funded / total, FUNDED_FACTOR_PLACES)


# --- § 3. The year's average --------------------------------------------------------------------


def year_average(sum_pension_parts: Number, sum_service_fractions: Number) -> Decimal:
    """Average social tax: ``round2(Σ pension_part / Σ service_fraction)``.

    VV määrus 10.01.2002 nr 5 § 4, over the insured persons with a pension part > 0."""
    parts = _non_negative("sum of pension parts", _frac(sum_pension_parts))
    service = _frac(sum_service_fractions)
    if service <= 0:
        raise RuleInputError("the sum of service fractions must be positive")
    return round_fraction(parts / service, AVERAGE_PLACES)


# --- § 4. Shares --------------------------------------------------------------------------------


def _average(average: Number) -> Fraction:
    value = _frac(average)
    if value <= 0:
        raise RuleInputError("the average social tax must be positive")
    return value


def insurance_share(pension_part: Number, average: Number, funded_factor: Number) -> Decimal:
    """Insurance share (kindlustusosak): ``round3(pension_part / average × funded_factor)``.

    PENSIONS.md § 4. (assumption: 3 decimals.) No cap was found in any source."""
    part = _non_negative("pension part", _frac(pension_part))
    factor = _non_negative("funded factor", _frac(funded_factor))
    return round_fraction(part / _average(average) * factor, SHARE_PLACES)


def joint_share(
    pension_part: Number, average: Number, service_fraction: Number, funded_factor: Number
) -> Decimal:
    """Joint share (ühendosak) from 2021: ``round3((pension_part / average + service_fraction) / 2 × ff)``.

    RPKS § 11 lg 1²; Ministry of Finance (arileht 92352319): own share 0.5 and solidarity share 1
    give 0.75; × 0.8 for a pillar-II member. The solidarity share equals the service fraction.
    (assumption: 3 decimals.)"""
    part = _non_negative("pension part", _frac(pension_part))
    service = _non_negative("service fraction", _frac(service_fraction))
    factor = _non_negative("funded factor", _frac(funded_factor))
    return round_fraction((part / _average(average) + service) / 2 * factor, SHARE_PLACES)


def joint_share_applies(year: int) -> bool:
    """Whether year ``year`` earns a joint share (from 2021, RPKS § 11 lg 1²)."""
    return year >= JOINT_SHARE_FROM_YEAR


# --- § 5. Old-age pension amount ----------------------------------------------------------------


@dataclass(frozen=True)
class AmountBreakdown:
    """The components of an old-age pension; parameters at full precision, only ``amount`` rounded."""

    base_amount: Decimal
    year_value: Decimal
    service_years: Decimal
    insurance_shares: Decimal
    joint_shares: Decimal
    service_part: Decimal
    insurance_part: Decimal
    joint_part: Decimal
    before_adjustment: Decimal
    adjustment_factor: Decimal
    amount: Decimal


def old_age_amount(
    *,
    base_amount: Number,
    year_value: Number,
    service_years: Number,
    insurance_shares: Number = Decimal(0),
    joint_shares: Number = Decimal(0),
    adjustment_factor: Number = Decimal(1),
) -> AmountBreakdown:
    """Old-age pension (RPKS § 7, PENSIONS.md § 5):

    ``amount = round2((base + (service_years + Σ insurance_shares + Σ joint_shares) × year_value)
    × adjustment_factor)``. The adjustment factor is 1 unless the pension was taken early or
    deferred (RPKS § 11¹). Components are exact products of the inputs (no rounding)."""
    base = to_decimal(base_amount)
    value = to_decimal(year_value)
    years = to_decimal(service_years)
    ins = to_decimal(insurance_shares)
    joint = to_decimal(joint_shares)
    factor = to_decimal(adjustment_factor)
    for label, item in (
        ("base amount", base),
        ("year value", value),
        ("service years", years),
        ("insurance shares", ins),
        ("joint shares", joint),
        ("adjustment factor", factor),
    ):
        _non_negative(label, Fraction(item))
    service_part = _exact(Fraction(years) * Fraction(value))
    insurance_part = _exact(Fraction(ins) * Fraction(value))
    joint_part = _exact(Fraction(joint) * Fraction(value))
    before = Fraction(base) + (Fraction(years) + Fraction(ins) + Fraction(joint)) * Fraction(value)
    amount = round_fraction(before * Fraction(factor), AMOUNT_PLACES)
    return AmountBreakdown(
        base_amount=base,
        year_value=value,
        service_years=years,
        insurance_shares=ins,
        joint_shares=joint,
        service_part=service_part,
        insurance_part=insurance_part,
        joint_part=joint_part,
        before_adjustment=_exact(before),
        adjustment_factor=factor,
        amount=amount,
    )


def _exact(value: Fraction) -> Decimal:
    """A terminating fraction as an exact Decimal (sums and products of decimals always terminate)."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        raise RuleInputError("not a terminating decimal")
    places = max(twos, fives)
    return Decimal(value.numerator * 10**places // value.denominator).scaleb(-places)


# --- § 7. Indexation ----------------------------------------------------------------------------


def pension_index(cpi_growth: Number, receipts_growth: Number) -> Decimal:
    """Pension index: ``0.2 × CPI growth + 0.8 × growth of the pension part of social tax receipts``.

    RPKS § 26 lg 1, 1¹ (each growth = previous year / the year before). (assumption: rounded
    half-up to 3 decimals, as the government publishes it, e.g. 1.079 in RT I 22.03.2022, 16.)"""
    value = Fraction(1, 5) * _frac(cpi_growth) + Fraction(4, 5) * _frac(receipts_growth)
    return round_fraction(value, INDEX_PLACES)


def index_not_reducing(index: Number) -> Decimal:
    """The index to apply: RPKS § 26 — if the index is not above 1, pensions are not reduced.

    Returns the index when it is above 1, else exactly 1 (parameters stay as they are)."""
    value = to_decimal(index)
    return value if value > 1 else Decimal(1)


def indexed_base(base: Number, index: Number) -> Decimal:
    """New base amount: ``round4(base × (1 + 1.1 × (index − 1)))``.

    **(derived)** PENSIONS.md § 7: reproduces the published pairs 175.439 → 191.6496 (1.084),
    191.6496 → 208.5148 (1.080), 215.5148 → 219.3079 (1.016)."""
    b = _non_negative("base amount", _frac(base))
    i = _frac(index)
    return round_fraction(b * (1 + BASE_INDEX_MULTIPLIER * (i - 1)), PARAMETER_PLACES)


def indexed_year_value(year_value: Number, index: Number, total_base: Number, total_years: Number) -> Decimal:
    """New year value: ``round4(year_value × index − 0.1 × (index − 1) × TB / TS)``.

    **(derived)** PENSIONS.md § 7: the year value grows by less than the index so that the total of
    pensions grows by the index, given the base amount's growth of 1.1 × (index − 1). TB = Σ base
    amounts of the pensions in payment, TS = Σ (service years + shares) of those pensions. The
    published pairs 6.161 → 6.627 (1.084), 6.627 → 7.104 (1.080), 7.104 → 7.206 (1.016) fit with
    TB / (TS × year_value) between 0.99 and 1.03. (assumption: 4 decimals, like the base amount.)"""
    yv = _non_negative("year value", _frac(year_value))
    i = _frac(index)
    tb = _non_negative("total base", _frac(total_base))
    ts = _frac(total_years)
    if ts <= 0:
        raise RuleInputError("the total of service years and shares must be positive")
    multiplier = BASE_INDEX_MULTIPLIER - 1
    return round_fraction(yv * i - multiplier * (i - 1) * tb / ts, PARAMETER_PLACES)
