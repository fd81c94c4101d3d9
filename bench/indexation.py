"""An indexation run over 320 000 pensions in PostgreSQL, against a floor measured in the same run.

The issue asks: an indexation run over 320 000 pensions, including storing the new amounts in
PostgreSQL, under 15 s. The run

1. (re)creates the PostgreSQL database ``tugi_bench_idx`` (``--url``; default on 127.0.0.1) and
   migrates it;
2. loads 320 000 persons, pensions in payment and their current amounts with COPY (setup, not timed);
3. measures the FLOOR: one hand-written ``INSERT … SELECT`` that computes every pension's new amount
   with the same new parameters and stores it as an amount row (rolled back afterwards);
4. times Tugi's own path: ``run_create`` + ``run_compute_execute`` (the register read into Arrow,
   the engine's exact amounts, review, the staged rows stored with COPY) and ``run_apply`` (the
   amount rows written with ``INSERT … SELECT``), with approval by a second user in between
   (approval re-reads the inputs, so it is timed too);

and prints the times and the ratio to the floor. Run:
``.venv/bin/python bench/indexation.py [--pensions N] [--url postgres://postgres@127.0.0.1:5432/tugi_bench_idx]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

BUDGET_SECONDS = 15.0
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tugi_bench_idx"
DATE = dt.date(2023, 4, 1)
INDEX = Decimal("1.0500")
OLD_BASE, OLD_VALUE = Decimal("255.7562"), Decimal("7.718")  # the files' values from 2022-04-01


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["TUGI_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tugi.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    translation.activate("en")  # the stages print in English whatever the default language
    call_command("migrate", verbosity=0)


def load(n: int) -> None:
    """``n`` persons with one old-age pension in payment each and its current amount (COPY)."""
    import pyarrow as pa
    from django.db import connection
    from django.utils import timezone

    from tugi.core.identity import make_code
    from tugi.core.models import Person
    from tugi.pensions.bulk import insert_arrow
    from tugi.pensions.models import Pension, PensionAmount, PensionRule, PensionType

    now = timezone.now()
    kind = PensionType.objects.create(code="old-age", name="Old-age pension", rule=PensionRule.OLD_AGE)
    codes, births, sexes = [], [], []
    day = dt.date(1940, 1, 1)
    serial = 0
    for i in range(n):
        if serial == 1000:
            serial, day = 0, day + dt.timedelta(days=1)
        sex = "MF"[i % 2]
        births.append(day)
        sexes.append(sex)
        codes.append(make_code(day, sex, serial))
        serial += 1
    ids = list(range(1, n + 1))
    insert_arrow(
        Person,
        pa.table(
            {
                "id": ids,
                "uid": [str(uuid.UUID(int=i)) for i in ids],
                "personal_code": codes,
                "first_name": ["Bench"] * n,
                "last_name": [f"Person {i}" for i in ids],
                "birth_date": pa.array(births, pa.date32()),
                "sex": sexes,
                "created_at": pa.array([now] * n, pa.timestamp("us", tz="UTC")),
                "updated_at": pa.array([now] * n, pa.timestamp("us", tz="UTC")),
            }
        ),
    )
    years = [Decimal(15 + i % 30) for i in ids]
    ins = [Decimal(i % 22) + Decimal("0.125") for i in ids]
    joint = [Decimal(i % 3) + Decimal("0.5") for i in ids]
    adjust = [Decimal("1.000000") if i % 10 else Decimal("0.952000") for i in ids]
    insert_arrow(
        Pension,
        pa.table(
            {
                "id": ids,
                "person_id": ids,
                "pension_type_id": [kind.pk] * n,
                "start_date": pa.array([dt.date(2022, 5, 1)] * n, pa.date32()),
                "service_years": pa.array(years, pa.decimal128(6, 2)),
                "adjustment_factor": pa.array(adjust, pa.decimal128(8, 6)),
                "insurance_shares": pa.array(ins, pa.decimal128(9, 3)),
                "joint_shares": pa.array(joint, pa.decimal128(9, 3)),
                "status": ["in_payment"] * n,
                "created_at": pa.array([now] * n, pa.timestamp("us", tz="UTC")),
                "updated_at": pa.array([now] * n, pa.timestamp("us", tz="UTC")),
            }
        ),
    )
    amounts = [
        ((OLD_BASE + (y + s + j) * OLD_VALUE) * a).quantize(Decimal("0.01"))
        for y, s, j, a in zip(years, ins, joint, adjust, strict=True)
    ]
    insert_arrow(
        PensionAmount,
        pa.table(
            {
                "pension_id": ids,
                "valid_from": pa.array([dt.date(2022, 5, 1)] * n, pa.date32()),
                "amount": pa.array(amounts, pa.decimal128(14, 2)),
                "base_amount": pa.array([OLD_BASE] * n, pa.decimal128(18, 6)),
                "year_value": pa.array([OLD_VALUE] * n, pa.decimal128(18, 6)),
                "service_years": pa.array(years, pa.decimal128(6, 2)),
                "insurance_shares": pa.array(ins, pa.decimal128(9, 3)),
                "joint_shares": pa.array(joint, pa.decimal128(9, 3)),
                "adjustment_factor": pa.array(adjust, pa.decimal128(8, 6)),
                "reason": ["new"] * n,
                "note": [""] * n,
                "created_at": pa.array([now] * n, pa.timestamp("us", tz="UTC")),
            }
        ),
    )
    with connection.cursor() as cursor:
        for table in ("core_person", "pensions_pension"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {n})")
        cursor.execute("ANALYZE")


class StepClock:
    """A progress receiver that prints how long each step of the computation took."""

    def __init__(self) -> None:
        self.step, self.started = "start", time.perf_counter()

    def update(
        self, *, percent: int | None = None, step: str | None = None, message: str | None = None
    ) -> None:
        if step is None:
            return
        now = time.perf_counter()
        print(f"  {self.step}: {now - self.started:.2f} s")
        self.step, self.started = str(step), now

    def finish(self) -> None:
        self.update(step="done")


def floor(base: Decimal, value: Decimal) -> float:
    """One INSERT … SELECT: every pension in payment gets its new amount row, foreign keys checked
    (then rolled back)."""
    from django.db import connection, transaction

    sql = """
        INSERT INTO pensions_pensionamount (pension_id, valid_from, amount, base_amount, year_value,
            service_years, insurance_shares, joint_shares, adjustment_factor, reason, note, created_at)
        SELECT p.id, %s, round((%s + (p.service_years + p.insurance_shares + p.joint_shares) * %s)
                 * p.adjustment_factor, 2),
               %s, %s, p.service_years, p.insurance_shares, p.joint_shares, p.adjustment_factor,
               'indexation', '', now()
        FROM pensions_pension p
        JOIN core_person pe ON pe.id = p.person_id
        WHERE p.status = 'in_payment' AND p.start_date <= %s
    """
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The foreign keys are checked at commit; this one is rolled back, so check them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql, [DATE, base, value, base, value, DATE])
            written = cursor.rowcount
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    print(f"floor: one INSERT … SELECT of {written} new amounts: {elapsed:.2f} s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pensions", type=int, default=320_000)
    parser.add_argument("--url", default=DEFAULT_URL)
    args = parser.parse_args()
    print(f"setting up {args.pensions} pensions in {args.url.rsplit('/', 1)[1]} …")
    recreate_database(args.url)
    setup_django(args.url)
    started = time.perf_counter()
    load(args.pensions)
    print(f"setup: {time.perf_counter() - started:.1f} s")

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from tugi.pensions.models import PensionAmount, RunStatus
    from tugi.pensions.services import runs as services

    users = get_user_model().objects
    group = Group.objects.get(name="domain_support")
    first = users.create(username="bench-computes", first_name="Bench", last_name="One")
    second = users.create(username="bench-approves", first_name="Bench", last_name="Two")
    for user in (first, second):
        user.groups.add(group)

    # A worker process has its modules loaded: import the engine and the URL map before timing.
    import ibis
    from django.urls import reverse

    import tugi.engine.pensions_calc  # noqa: F401

    reverse("pensions:run_list")
    ibis.duckdb.connect().disconnect()

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    run = services.run_create(kind="indexation", effective_date=DATE, index=INDEX, actor=first)
    steps = StepClock()
    run = services.run_compute_now(run=run, actor=first, progress=steps)
    timings["compute (read register, engine, review, COPY staged rows)"] = time.perf_counter() - t0
    steps.finish()
    if run.status != RunStatus.COMPUTED:
        raise SystemExit(f"the run failed: {run.error}")
    t1 = time.perf_counter()
    services.run_approve(run=run, actor=second)
    timings["approve (inputs checked again)"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    services.run_apply(run=run, actor=second)
    timings["apply (INSERT … SELECT amount rows)"] = time.perf_counter() - t2
    total = time.perf_counter() - t0
    written = PensionAmount.objects.filter(run=run).count()

    floor_s = floor(Decimal(run.totals["base_amount"]), Decimal(run.totals["year_value"]))
    for name, seconds in timings.items():
        print(f"{name}: {seconds:.2f} s")
    compute_store = total - timings["approve (inputs checked again)"]
    print(f"pensions: {run.counts['pensions']}, amount rows written: {written}")
    print(f"total check: {run.review['total_check']['ok']} (growth {run.review['total_check']['growth']})")
    print(f"Tugi indexation, compute + store: {compute_store:.2f} s (with approval {total:.2f} s)")
    print(f"ratio to the floor: {compute_store / floor_s:.1f} ×")
    verdict = "within" if compute_store < BUDGET_SECONDS else "OVER"
    print(f"budget {BUDGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
