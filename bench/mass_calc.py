"""The yearly mass calculation at full size, against a floor measured in the same run.

The issue asks: 700 000 insured persons for one year (at least 8 million monthly rows with several
payers), the year computation end to end at most 3 × the floor — one hand-written DuckDB SQL
statement computing the same per-person figures over the same Parquet file and writing them out —
and under 20 s on a two-core machine including storing the 700 000 yearly figures in PostgreSQL,
peak memory under 4 GiB. And an indexation over 320 000 pensions, including storing the new amounts
in PostgreSQL, under 15 s.

Preparation (not timed) runs in a child process so that its memory does not count: the synthetic
population of ``tugi.engine.generate`` for one year, validated by ``read_tax_csv`` and stored with
``write_parquet`` as an import would. PostgreSQL: database ``tugi_bench`` on 127.0.0.1 (or
``TUGI_BENCH_PG``); the bench creates its tables and drops them; without PostgreSQL it says so and
measures without storing. Not a test: run ``.venv/bin/python bench/mass_calc.py [--persons N]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

YEAR = 2025
MINIMUM_WAGE = Decimal("886")
FLOOR_RATIO_TARGET = 3.0
TOTAL_TARGET_S = 20.0
RSS_TARGET_GIB = 4.0
INDEXATION_TARGET_S = 15.0
PG_URL = os.environ.get("TUGI_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/tugi_bench")

FLOOR_SQL = """
COPY (
  WITH latest AS (
    SELECT * FROM read_parquet('{parquet}') WHERE year = {year}
    QUALIFY row_number() OVER (PARTITION BY person_code, payer_code, year, month
                               ORDER BY submitted_at DESC, social_tax_cents DESC, funded DESC) = 1
  ), sums AS (
    SELECT person_code, sum(social_tax_cents)::BIGINT AS tax,
           coalesce(sum(social_tax_cents) FILTER (WHERE funded), 0)::BIGINT AS funded
    FROM latest GROUP BY person_code
  ), figures AS (
    SELECT person_code,
      (80 * tax + 66) // 132 AS pp,
      (400 * tax + 66) // 132 AS ib,
      least((2 * least(tax, 396 * {wage}) * 1000000 + 396 * {wage}) // (792 * {wage}), 10000) AS sf,
      CASE WHEN tax = 0 THEN 10000
           ELSE (2 * (5 * tax - funded) * 10000 + 5 * tax) // (10 * tax) END AS ff
    FROM sums
  ), average AS (
    SELECT (2 * sum(pp) * 10000 + sum(sf)) // (2 * sum(sf)) AS avg FROM figures WHERE pp > 0
  )
  SELECT person_code, {year} AS year,
    pp AS pension_part_u, ib AS insured_base_u, sf AS service_fraction_u, ff AS funded_factor_u,
    (2 * pp * ff + avg * 10) // (avg * 20) AS insurance_share_u,
    (2 * (pp * 10000 + sf * avg) * ff + avg * 200000) // (avg * 400000) AS joint_share_u
  FROM figures, average ORDER BY person_code
) TO '{out}' (FORMAT parquet)
"""

INDEX_FLOOR_SQL = """
COPY (
  SELECT pension_id,
    (2 * (years_u * {value_k}::BIGINT + {base_k}::BIGINT * 1000) * adjustment_u + {den}::BIGINT)
      // (2 * {den}::BIGINT) AS amount_c
  FROM read_parquet('{parquet}') ORDER BY pension_id
) TO '{out}' (FORMAT parquet)
"""


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def prepare(directory: Path, persons: int) -> None:
    """Child process: generate one year, validate it as an import does, store it as Parquet."""
    from tugi.engine.generate import generate
    from tugi.engine.taxfile import read_tax_csv, write_parquet

    started = time.perf_counter()
    report = generate(persons, range(YEAR, YEAR + 1), directory, seed=7)
    generated = time.perf_counter()
    table = read_tax_csv(report.tax_files[0], year=YEAR)
    validated = time.perf_counter()
    write_parquet(table, directory / f"tax-{YEAR}.parquet")
    report.tax_files[0].unlink()
    print(
        f"prepared: {table.num_rows} rows, {persons} persons, "
        f"{len(set(table.column('payer_code').to_pylist()))} payers; "
        f"generated in {generated - started:.1f} s, "
        f"validated (read_tax_csv) in {validated - generated:.1f} s",
        flush=True,
    )


def pg_connect() -> Any:
    import psycopg

    admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        name = PG_URL.rsplit("/", 1)[1]
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return psycopg.connect(PG_URL, connect_timeout=3)


def store_year(conn: Any, csv_bytes: bytes) -> int:
    with conn.cursor() as cur:
        cur.execute(
            "CREATE TABLE bench_insured_year (person_code varchar(11) PRIMARY KEY, year smallint,"
            " pension_part numeric(14,2), insured_base numeric(14,2), service_fraction numeric(7,4),"
            " funded_factor numeric(7,4), insurance_share numeric(9,3), joint_share numeric(9,3))"
        )
        with cur.copy("COPY bench_insured_year FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)") as copy:
            copy.write(csv_bytes)
        cur.execute("SELECT count(*) FROM bench_insured_year")
        count = int(cur.fetchone()[0])
    conn.commit()
    return count


def store_amounts(conn: Any, table: Any) -> int:
    import io

    import pyarrow.csv as pacsv

    sink = io.BytesIO()
    pacsv.write_csv(table, sink, write_options=pacsv.WriteOptions(include_header=False, quoting_style="none"))
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE bench_pension_amount (pension_id bigint PRIMARY KEY, amount numeric(14,2))")
        with cur.copy("COPY bench_pension_amount FROM STDIN (FORMAT csv)") as copy:
            copy.write(sink.getvalue())
        cur.execute("SELECT count(*) FROM bench_pension_amount")
        count = int(cur.fetchone()[0])
    conn.commit()
    return count


def drop(conn: Any) -> None:
    with conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_insured_year")
        cur.execute("DROP TABLE IF EXISTS bench_pension_amount")
    conn.commit()


def warm_up(con: Any) -> None:
    """Compile once on a one-row table outside the timing: the first Ibis compilation in a fresh
    process pays several seconds of lazy imports, once per worker process."""
    import datetime as dt

    import pyarrow as pa

    from tugi.engine import taxfile, yearly

    row = pa.table(
        {
            "person_code": ["x"],
            "payer_code": ["p"],
            "year": [YEAR],
            "month": [1],
            "social_tax_cents": [100],
            "funded": [False],
            "submitted_at": [dt.datetime(YEAR, 2, 1, tzinfo=dt.UTC)],
        }
    ).cast(taxfile.SCHEMA)
    yearly.compute_year(con, row, year=YEAR, minimum_wage=MINIMUM_WAGE)


def year_part(directory: Path, conn: Any) -> None:
    import duckdb
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from tugi.engine import yearly

    parquet = directory / f"tax-{YEAR}.parquet"
    floor_out = directory / "floor.parquet"
    wage_cents = int(MINIMUM_WAGE * 100)

    started = time.perf_counter()
    floor_con = duckdb.connect()
    floor_con.execute(FLOOR_SQL.format(parquet=parquet, year=YEAR, wage=wage_cents, out=floor_out))
    floor_s = time.perf_counter() - started
    floor_con.close()

    con = yearly.connect("duckdb")
    warm_up(con)
    started = time.perf_counter()
    result = yearly.compute_year(con, [parquet], year=YEAR, minimum_wage=MINIMUM_WAGE)
    csv_bytes = yearly.results_csv_bytes(result.table)
    compute_s = time.perf_counter() - started
    store_s = 0.0
    if conn is not None:
        started = time.perf_counter()
        stored = store_year(conn, csv_bytes)
        store_s = time.perf_counter() - started
        assert stored == result.persons, (stored, result.persons)
    total_s = compute_s + store_s

    floor = pq.read_table(floor_out)
    ours = result.table
    same = (
        floor.num_rows == ours.num_rows
        and pc.all(pc.equal(floor.column("person_code"), ours.column("person_code"))).as_py()
    )
    for a, b, scale in (
        ("pension_part_u", "pension_part", 2),
        ("insured_base_u", "insured_base", 2),
        ("service_fraction_u", "service_fraction", 4),
        ("funded_factor_u", "funded_factor", 4),
        ("insurance_share_u", "insurance_share", 3),
        ("joint_share_u", "joint_share", 3),
    ):
        expected = yearly.units_to_decimal_array(floor.column(a).combine_chunks(), scale, 18)
        same = same and pc.all(pc.equal(expected.cast("string"), ours.column(b).cast("string"))).as_py()

    print(f"\nYear {YEAR}: {result.persons} persons, average proposal {result.average_proposed}")
    print(f"  floor (one DuckDB SQL statement, COPY to Parquet) {floor_s:6.2f} s")
    print(f"  tugi compute_year + canonical CSV                {compute_s:6.2f} s")
    print(
        f"  ratio tugi / floor                               {compute_s / floor_s:6.2f}"
        f"  (target <= {FLOOR_RATIO_TARGET})"
    )
    if conn is not None:
        print(f"  store {result.persons} rows in PostgreSQL (COPY)     {store_s:6.2f} s")
    else:
        print("  PostgreSQL unreachable: measured without storing")
    print(f"  total                                            {total_s:6.2f} s  (target < {TOTAL_TARGET_S})")
    print(f"  identical figures to the floor: {'yes' if same else 'NO'}")


def indexation_part(directory: Path, conn: Any, pensions: int) -> None:
    import duckdb
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from tugi.engine import pensions_calc, yearly

    rng = np.random.default_rng(11)
    years_c = rng.integers(1000, 4401, pensions)  # 10.00–44.00 years
    insurance_u = rng.integers(0, 25001, pensions)
    joint_u = rng.integers(0, 5001, pensions)
    adjust = np.where(rng.random(pensions) < 0.94, 1_000_000, rng.integers(880_000, 1_200_001, pensions))
    table = pa.table(
        {
            "pension_id": pa.array(np.arange(1, pensions + 1), pa.int64()),
            "service_years": yearly.units_to_decimal_array(years_c, 2, 6),
            "insurance_shares": yearly.units_to_decimal_array(insurance_u, 3, 9),
            "joint_shares": yearly.units_to_decimal_array(joint_u, 3, 9),
            "adjustment_factor": yearly.units_to_decimal_array(adjust, 6, 8),
        }
    )
    parquet = directory / "pensions.parquet"
    pq.write_table(
        pa.table(
            {
                "pension_id": table.column("pension_id"),
                "years_u": pa.array(years_c * 10 + insurance_u + joint_u, pa.int64()),
                "adjustment_u": pa.array(adjust, pa.int64()),
            }
        ),
        parquet,
    )
    base, value = Decimal("255.7562"), Decimal("7.7180")
    out = directory / "amounts-floor.parquet"
    started = time.perf_counter()
    floor_con = duckdb.connect()
    floor_con.execute(
        INDEX_FLOOR_SQL.format(parquet=parquet, value_k=77180, base_k=2557562, den=10**11, out=out)
    )
    floor_s = time.perf_counter() - started
    floor_con.close()

    con = yearly.connect("duckdb")
    pensions_calc.recompute_amounts(table.slice(0, 1), base_amount=base, year_value=value, con=con)  # warm-up
    started = time.perf_counter()
    amounts = pensions_calc.recompute_amounts(table, base_amount=base, year_value=value, con=con)
    compute_s = time.perf_counter() - started
    store_s = 0.0
    if conn is not None:
        started = time.perf_counter()
        store_amounts(conn, amounts)
        store_s = time.perf_counter() - started
    floor = pq.read_table(out)
    same = pc.all(
        pc.equal(
            yearly.units_to_decimal_array(floor.column("amount_c").combine_chunks(), 2, 14).cast("string"),
            amounts.column("new_amount").cast("string"),
        )
    ).as_py()
    print(f"\nIndexation: {pensions} pensions")
    print(f"  floor (one DuckDB SQL statement)                 {floor_s:6.2f} s")
    print(f"  tugi recompute_amounts                           {compute_s:6.2f} s")
    print(f"  ratio tugi / floor                               {compute_s / floor_s:6.2f}")
    if conn is not None:
        print(f"  store new amounts in PostgreSQL (COPY)           {store_s:6.2f} s")
    print(
        f"  total                                            {compute_s + store_s:6.2f} s"
        f"  (target < {INDEXATION_TARGET_S})"
    )
    print(f"  identical amounts to the floor: {'yes' if same else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=700_000)
    parser.add_argument("--pensions", type=int, default=320_000)
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.persons)
        return
    with tempfile.TemporaryDirectory(prefix="tugi-bench-") as temp:
        directory = Path(temp)
        subprocess.run(  # noqa: S603 - this very script
            [sys.executable, __file__, "--prepare", str(directory), "--persons", str(args.persons)],
            check=True,
        )
        try:
            conn = pg_connect()
        except Exception as exc:
            print(f"PostgreSQL unreachable ({type(exc).__name__}): measuring without storing")
            conn = None
        try:
            if conn is not None:
                drop(conn)
            year_part(directory, conn)
            indexation_part(directory, conn, args.pensions)
        finally:
            if conn is not None:
                drop(conn)
                conn.close()
    print(f"\npeak RSS {peak_rss_gib():.2f} GiB (target < {RSS_TARGET_GIB})")


if __name__ == "__main__":
    main()
