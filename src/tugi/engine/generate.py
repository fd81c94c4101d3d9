"""A synthetic population for tests, demos and benchmarks (no real person is in it).

``generate(persons, years, out, seed)`` writes, in ``out``:

- ``tax-YYYY.csv`` per year, in the import format of PENSIONS.md § 1 (header, ``;``): log-normal
  wages around the Estonian average (social tax 33 % of gross), 1–3 payers per person with some
  switching employer mid-year, gaps, part-year workers below the minimum-wage threshold,
  corrections (a few % of rows submitted again later with another amount), pillar-II membership by
  birth cohort (born 1983 and later mostly members, older mostly not);
- ``pensioners.csv`` (person_code;first_name;last_name;pension_type;start_date;service_years;
  adjustment_factor;insurance_shares;joint_shares): working pensioners (insured persons born 1960
  or earlier) and pensioners who no longer work, with service before 1999;
- ``persons.csv`` in the format of ``tugi import_persons`` (personal_code;first_name;last_name;
  date_of_death) for every pensioner: the people the register knows by name.

Deterministic for a seed; vectorised with NumPy and ``pyarrow.csv`` (millions of rows in seconds).
Personal codes are valid (century digit, birth date, check digit) and unique.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tugi.engine.arrowutil import units_to_decimal_array
from tugi.engine.taxfile import COLUMNS as TAX_COLUMNS

FIRST_NAMES_M = ("Andres", "Mart", "Jaan", "Toomas", "Rein", "Peeter", "Tiit", "Aivar", "Margus", "Urmas",
                 "Priit", "Kalev", "Indrek", "Raivo", "Marko", "Siim", "Kristjan", "Rasmus")  # fmt: skip
FIRST_NAMES_F = ("Tiina", "Anne", "Malle", "Kadri", "Mari", "Ene", "Katrin", "Piret", "Reet", "Eve",
                 "Maie", "Liina", "Kristi", "Triin", "Helen", "Laura", "Maria", "Kati")  # fmt: skip
LAST_NAMES = ("Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn", "Koppel",
              "Lepik", "Kuusk", "Karu", "Kallas", "Lepp", "Oja", "Mets", "Vaher", "Põder", "Raud",
              "Luik", "Kivi", "Org", "Lill", "Kuusik")  # fmt: skip

PENSION_TYPE = "old-age"
PENSIONER_COLUMNS = (
    "person_code",
    "first_name",
    "last_name",
    "pension_type",
    "start_date",
    "service_years",
    "adjustment_factor",
    "insurance_shares",
    "joint_shares",
)
PERSON_COLUMNS = ("personal_code", "first_name", "last_name", "date_of_death")

#: Median gross monthly wage of 2019 (the mean is about 10 % higher) and its yearly growth.
MEDIAN_WAGE_2019 = 1200.0
WAGE_GROWTH = 0.06
PAYERS_PER_PERSON = 1 / 15  # payers in the pool per insured person

_W1 = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 1], dtype=np.int64)
_W2 = np.array([3, 4, 5, 6, 7, 8, 9, 1, 2, 3], dtype=np.int64)


@dataclass
class GenerateReport:
    persons: int
    years: list[int]
    tax_files: list[Path] = field(default_factory=list)
    rows: dict[int, int] = field(default_factory=dict)
    pensioners: int = 0
    pensioners_file: Path | None = None
    persons_file: Path | None = None


def check_digits(first10: np.ndarray) -> np.ndarray:
    """The personal code's check digit for an array of 10-digit prefixes (int64), vectorised
    (the algorithm of ``stdnum.ee.ik.calc_check_digit``)."""
    digits = np.stack([(first10 // 10 ** (9 - i)) % 10 for i in range(10)], axis=1)
    check = (digits @ _W1) % 11
    check2 = (digits @ _W2) % 11
    return np.where(check == 10, check2, check) % 10


def make_codes(birth: np.ndarray, male: np.ndarray, serial: np.ndarray) -> np.ndarray:
    """Personal codes (int64) for birth dates (datetime64[D]), sexes and serials (0–999)."""
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    century = np.where(years >= 2000, 5, np.where(years >= 1900, 3, 1))
    first = century + (~male).astype(np.int64)
    prefix = first * 10**9 + (years % 100) * 10**7 + months * 10**5 + days * 10**3 + serial
    return prefix * 10 + check_digits(prefix)


def _unique_persons(rng: np.random.Generator, count: int, start: str, end: str) -> tuple[np.ndarray, ...]:
    """``count`` distinct (code, birth, male) drawn with birth dates between start and end."""
    lo = np.datetime64(start, "D").astype(np.int64)
    hi = np.datetime64(end, "D").astype(np.int64)
    codes = np.empty(0, dtype=np.int64)
    births = np.empty(0, dtype="datetime64[D]")
    males = np.empty(0, dtype=bool)
    while len(codes) < count:
        need = int((count - len(codes)) * 1.05) + 16
        birth = rng.integers(lo, hi + 1, need).astype("datetime64[D]")
        male = rng.random(need) < 0.5
        serial = rng.integers(0, 1000, need)
        new = make_codes(birth, male, serial)
        codes = np.concatenate([codes, new])
        births = np.concatenate([births, birth])
        males = np.concatenate([males, male])
        _, first_index = np.unique(codes, return_index=True)
        keep = np.sort(first_index)
        codes, births, males = codes[keep], births[keep], males[keep]
    return codes[:count], births[:count], males[:count]


def _strings(values: np.ndarray) -> pa.Array:
    return pa.array(values).cast(pa.string())


def _payer_strings(payer: np.ndarray, pool: np.ndarray) -> pa.Array:
    """Payer codes as strings: the pool converted once, then taken by position (fast)."""
    return _strings(pool).take(pa.array(np.searchsorted(pool, payer)))


def _write_csv(table: pa.Table, path: Path) -> None:
    """``;``-separated with a plain header line (pyarrow would quote the header's names)."""
    options = pacsv.WriteOptions(include_header=False, delimiter=";", quoting_style="none")
    with path.open("wb") as handle:
        handle.write((";".join(table.column_names) + "\n").encode("utf-8"))
        pacsv.write_csv(table, handle, write_options=options)


def _fixed(values: np.ndarray, places: int) -> pa.Array:
    """Integer units as decimal strings with ``places`` decimals ("12.50")."""
    return units_to_decimal_array(values.astype(np.int64), places, 18).cast(pa.string())


def _year_rows(
    rng: np.random.Generator,
    *,
    year: int,
    codes: np.ndarray,
    births: np.ndarray,
    wages: np.ndarray,
    payer_pool: np.ndarray,
) -> pa.Table:
    n = len(codes)
    months = np.arange(1, 13)
    birth_year = births.astype("datetime64[Y]").astype(np.int64) + 1970
    growth = (1 + WAGE_GROWTH) ** (year - 2019)

    # Main job: most work all year; some part-year (start/end inside the year, low pay); some gaps.
    kind = rng.random(n)
    part_year = kind < 0.10
    gappy = (kind >= 0.10) & (kind < 0.16)
    start = np.where(part_year, rng.integers(1, 12, n), 1)
    end = np.where(part_year, np.minimum(12, start + rng.integers(0, 6, n)), 12)
    active = (months[None, :] >= start[:, None]) & (months[None, :] <= end[:, None])
    active &= ~(gappy[:, None] & (rng.random((n, 12)) < 0.25))
    main_payer = payer_pool[rng.integers(0, len(payer_pool), n)]
    switch = rng.random(n) < 0.12
    switch_month = rng.integers(2, 13, n)
    new_payer = payer_pool[rng.integers(0, len(payer_pool), n)]
    main_wage = wages * growth * np.where(part_year, 0.35, 1.0)

    person_idx, month_idx = np.nonzero(active)
    month_no = month_idx + 1
    payer = np.where(
        switch[person_idx] & (month_no >= switch_month[person_idx]),
        new_payer[person_idx],
        main_payer[person_idx],
    )
    gross = main_wage[person_idx] * rng.normal(1.0, 0.05, len(person_idx)).clip(0.5, 1.5)

    # Second and third jobs: a continuous stretch of months at a smaller wage.
    extra_idx: list[np.ndarray] = []
    extra_month: list[np.ndarray] = []
    extra_payer: list[np.ndarray] = []
    extra_gross: list[np.ndarray] = []
    for share, wage_factor in ((0.22, 0.30), (0.05, 0.15)):
        has = np.flatnonzero(rng.random(n) < share)
        s = rng.integers(1, 13, len(has))
        length = rng.integers(3, 13, len(has))
        e = np.minimum(12, s + length - 1)
        mask = (months[None, :] >= s[:, None]) & (months[None, :] <= e[:, None])
        rows, cols = np.nonzero(mask)
        who = has[rows]
        extra_idx.append(who)
        extra_month.append(cols + 1)
        extra_payer.append(payer_pool[rng.integers(0, len(payer_pool), len(has))][rows])
        extra_gross.append(wages[who] * growth * wage_factor * rng.normal(1.0, 0.1, len(who)).clip(0.3, 2))

    person_idx = np.concatenate([person_idx, *extra_idx])
    month_no = np.concatenate([month_no, *extra_month])
    payer = np.concatenate([payer, *extra_payer])
    gross = np.concatenate([gross, *extra_gross])
    tax_cents = np.round(gross * 33).astype(np.int64)  # 33 % of gross, in cents

    # Pillar II by cohort: born 1983 and later mostly members, older mostly not; some leave mid-year.
    member = np.where(birth_year >= 1983, rng.random(n) < 0.85, rng.random(n) < 0.15)
    leaves = member & (rng.random(n) < 0.03)
    leave_month = rng.integers(2, 13, n)
    funded = member[person_idx] & ~(leaves[person_idx] & (month_no >= leave_month[person_idx]))

    # Submitted on the 10th of the following month; corrections 30–90 days later with another amount.
    first_of_next = (np.datetime64(f"{year}-01", "M") + month_no.astype("timedelta64[M]")).astype(
        "datetime64[D]"
    ) + np.timedelta64(9, "D")
    submitted = first_of_next  # a date; every submission is at 08:00 +02:00
    corrected = np.flatnonzero(rng.random(len(person_idx)) < 0.03)
    corr_tax = np.round(tax_cents[corrected] * rng.uniform(0.8, 1.2, len(corrected))).astype(np.int64)
    corr_submitted = submitted[corrected] + rng.integers(30, 91, len(corrected)).astype("timedelta64[D]")

    person_idx = np.concatenate([person_idx, person_idx[corrected]])
    month_no = np.concatenate([month_no, month_no[corrected]])
    payer = np.concatenate([payer, payer[corrected]])
    tax_cents = np.concatenate([tax_cents, corr_tax])
    funded = np.concatenate([funded, funded[corrected]])
    submitted = np.concatenate([submitted, corr_submitted])

    # File order: the monthly rows of main jobs (person by person), other jobs, then corrections.
    stamp = pc.binary_join_element_wise(pa.array(submitted).cast(pa.string()), "T08:00:00+02:00", "")
    return pa.table(
        {
            "person_code": _strings(codes).take(pa.array(person_idx)),
            "payer_code": _payer_strings(payer, payer_pool),
            "year": pa.array([str(year)]).take(pa.array(np.zeros(len(person_idx), dtype=np.int64))),
            "month": _strings(np.arange(13)).take(pa.array(month_no.astype(np.int64))),
            "social_tax": _fixed(tax_cents, 2),
            "funded_pension": pa.array(["0", "1"]).take(pa.array(funded.astype(np.int64))),
            "submitted_at": stamp,
        }
    ).select(list(TAX_COLUMNS))


def generate(
    persons: int,
    years: range,
    out: Path,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> GenerateReport:
    """Write a synthetic population of ``persons`` insured persons for ``years`` into ``out``."""
    if persons < 1:
        raise ValueError("persons must be at least 1")
    year_list = list(years)
    if not year_list:
        raise ValueError("give at least one year")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    report = GenerateReport(persons=persons, years=year_list)

    # Insured persons: born 1955–2004 (about 12 % born 1960 or earlier: working pensioners).
    codes, births, males = _unique_persons(rng, persons, "1955-01-01", "2004-12-31")
    wages = rng.lognormal(mean=np.log(MEDIAN_WAGE_2019), sigma=0.45, size=persons)
    payer_count = max(3, int(persons * PAYERS_PER_PERSON))
    payer_pool = 10_000_000 + np.sort(rng.choice(89_999_999, size=payer_count, replace=False))

    for year in year_list:
        year_rng = np.random.default_rng([seed, year])
        table = _year_rows(
            year_rng, year=year, codes=codes, births=births, wages=wages, payer_pool=payer_pool
        )
        path = out / f"tax-{year}.csv"
        _write_csv(table, path)
        report.tax_files.append(path)
        report.rows[year] = table.num_rows
        if progress:
            progress(f"tax-{year}.csv: {table.num_rows} rows")

    # Pensioners: the insured born 1960 or earlier (working pensioners) + retired persons not insured.
    last_year = year_list[-1]
    working = np.flatnonzero(births <= np.datetime64("1960-12-31"))
    retired_count = max(1, persons // 4)
    r_codes, r_births, r_males = _unique_persons(
        rng, retired_count + len(working), "1930-01-01", "1960-12-31"
    )
    taken = set(codes[working].tolist())
    fresh = np.array([c not in taken for c in r_codes.tolist()], dtype=bool)
    r_codes, r_births, r_males = (
        r_codes[fresh][:retired_count],
        r_births[fresh][:retired_count],
        r_males[fresh][:retired_count],
    )
    p_codes = np.concatenate([codes[working], r_codes])
    p_births = np.concatenate([births[working], r_births])
    p_males = np.concatenate([males[working], r_males])
    count = len(p_codes)
    birth_year = p_births.astype("datetime64[Y]").astype(np.int64) + 1970
    # Retirement at 63–65, on the first day of the following month; not later than the last year.
    age = rng.integers(63, 66, count)
    start = (p_births.astype("datetime64[M]") + (age * 12 + 1).astype("timedelta64[M]")).astype(
        "datetime64[D]"
    )
    latest = np.datetime64(f"{last_year}-12-01", "D")
    start = np.minimum(start, latest)
    start_year = start.astype("datetime64[Y]").astype(np.int64) + 1970
    # Service before 1999: from age 18 to 1998, 10–44 years, quarters of a year.
    possible = np.clip(1999 - (birth_year + 18), 10, 44)
    service_q = rng.integers(10 * 4, possible * 4 + 1)
    service_u = service_q * 25  # 10⁻² years
    worked_1999_2020 = np.clip(np.minimum(start_year, 2021) - 1999, 0, 22)
    insurance_u = np.round(worked_1999_2020 * rng.uniform(0.5, 1.3, count) * 1000).astype(np.int64)
    worked_2021 = np.clip(start_year - 2021, 0, None)
    joint_u = np.round(worked_2021 * rng.uniform(0.6, 1.1, count) * 1000).astype(np.int64)
    adjust = np.full(count, 1_000_000, dtype=np.int64)
    flexible = rng.random(count) < 0.06
    adjust[flexible] = rng.integers(880_000, 1_200_001, int(flexible.sum()))
    first = np.where(
        p_males, rng.integers(0, len(FIRST_NAMES_M), count), rng.integers(0, len(FIRST_NAMES_F), count)
    )
    first_names = np.where(p_males, np.array(FIRST_NAMES_M, dtype=object)[first % len(FIRST_NAMES_M)],
                           np.array(FIRST_NAMES_F, dtype=object)[first % len(FIRST_NAMES_F)])  # fmt: skip
    last_names = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), count)]
    pensioners = pa.table(
        {
            "person_code": _strings(p_codes),
            "first_name": pa.array(first_names, pa.string()),
            "last_name": pa.array(last_names, pa.string()),
            "pension_type": pa.array([PENSION_TYPE] * count, pa.string()),
            "start_date": pa.array(start).cast(pa.string()),
            "service_years": _fixed(service_u, 2),
            "adjustment_factor": _fixed(adjust, 6),
            "insurance_shares": _fixed(insurance_u, 3),
            "joint_shares": _fixed(joint_u, 3),
        }
    )
    report.pensioners_file = out / "pensioners.csv"
    _write_csv(pensioners, report.pensioners_file)
    report.pensioners = count

    # About 1 % of the retired (not working) pensioners have died during the last year.
    died = np.zeros(count, dtype=bool)
    died[len(working) :] = rng.random(count - len(working)) < 0.01
    death_day = np.datetime64(f"{last_year}-01-01", "D") + rng.integers(0, 300, count).astype(
        "timedelta64[D]"
    )
    death = pa.array(np.where(died, death_day.astype(str), ""), pa.string())
    persons_table = pa.table(
        {
            "personal_code": _strings(p_codes),
            "first_name": pa.array(first_names, pa.string()),
            "last_name": pa.array(last_names, pa.string()),
            "date_of_death": death,
        }
    )
    report.persons_file = out / "persons.csv"
    _write_csv(persons_table, report.persons_file)
    if progress:
        progress(f"pensioners.csv: {count} pensioners")
    return report
