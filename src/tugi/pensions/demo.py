"""Demo data of the pensions area (issue 3 § 10): a synthetic population with its computed shares,
its pensions and an indexation run computed and waiting for approval.

Steps, each skipped when its result is already there (a second run changes nothing):

1. generate (the engine's generator) ``persons`` insured persons for ``years`` into
   ``DATA_DIR/demo/pensions`` (kept, so a second run reads the same files);
2. import the persons the register knows by name: every pensioner (``persons.csv``, with dates of
   death) and every insured person of the tax files (invented names), through the core persons
   import (one audit event);
3. import each year's social tax file;
4. for each year a year-shares run: created and computed by the demo user ``domain_support``,
   approved and applied by a second person (``admin``): four eyes;
5. import the pensioner register and end the pensions of persons who have died;
6. an indexation run on ``INDEXATION_DATE`` with ``INDEXATION_INDEX``, computed and LEFT waiting
   for approval.

Sizes: ``TUGI_DEMO_PENSION_PERSONS`` (default 20 000; the setting ``DEMO_PENSION_PERSONS`` sets
the default, 0 skips this demo: the test settings do so) and ``TUGI_DEMO_PENSION_YEARS`` (default
2019-2025) override the defaults.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

DEFAULT_PERSONS = 20_000
DEFAULT_YEARS = range(2019, 2026)
SEED = 2026
INDEXATION_DATE = dt.date(2026, 4, 1)
INDEXATION_INDEX = Decimal("1.054")
REASON = "demo data"


def demo_dir() -> Path:
    return Path(settings.DATA_DIR) / "demo" / "pensions"


def _years_from_env() -> range:
    text = os.environ.get("TUGI_DEMO_PENSION_YEARS", "")
    if not text:
        return DEFAULT_YEARS
    first, _sep, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def _user(username: str, fallback: Any) -> Any:
    return get_user_model().objects.filter(username=username, is_active=True).first() or fallback


def _write(stdout: Any, text: str) -> None:
    stdout.write(f"  pensions: {text}\n")


def load_demo(
    actor: Any,
    stdout: Any,
    *,
    persons: int | None = None,
    years: range | None = None,
    seed: int = SEED,
    out: Path | None = None,
) -> dict[str, Any]:
    """Load the pensions demo (see the module docstring); returns what was done and the seconds."""
    from tugi.core.context import system_actor
    from tugi.engine.generate import generate

    from .services.register import pension_type_ensure_defaults, pensioners_import, pensions_end_deceased

    started = time.monotonic()
    if persons is None:
        default = getattr(settings, "DEMO_PENSION_PERSONS", DEFAULT_PERSONS)
        persons = int(os.environ.get("TUGI_DEMO_PENSION_PERSONS", default))
    if persons <= 0:
        _write(stdout, "skipped (no persons asked for)")
        return {}
    years = years or _years_from_env()
    out = out or demo_dir()
    # Two different people: the one who computes and the one who approves (four eyes).
    computer = _user("domain_support", actor)
    approver = _user("admin", system_actor())
    done: dict[str, Any] = {}
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.monotonic()
        timings[name] = round(now - since, 2)
        return now

    t = time.monotonic()
    marker = out / "generated.txt"
    wanted = f"persons={persons} years={years.start}-{years.stop - 1} seed={seed}\n"
    if not marker.exists() or marker.read_text() != wanted:
        generate(persons, years, out, seed=seed)
        marker.write_text(wanted)
        _write(stdout, f"generated {persons} insured persons for {years.start}–{years.stop - 1}")
    t = lap("generate", t)

    pension_type_ensure_defaults(actor=actor)
    done["persons"] = _import_persons(out, years, actor)
    t = lap("persons", t)
    done["tax_files"] = _import_tax_files(out, years, computer)
    t = lap("tax_files", t)
    done["year_runs"] = _year_share_runs(years, computer, approver, stdout)
    t = lap("year_runs", t)
    done["pensioners"] = pensioners_import(path=out / "pensioners.csv", actor=computer, reason=REASON)
    done["ended"] = pensions_end_deceased(actor=actor, reason="date of death")
    t = lap("pensioners", t)
    done["indexation"] = _indexation_run(computer)
    lap("indexation", t)
    done["seconds"] = round(time.monotonic() - started, 1)
    done["timings"] = timings
    _write(
        stdout,
        f"{done['pensioners']['pensions_created']} pensions, {len(done['year_runs'])} year runs, "
        f"indexation run #{done['indexation']} waiting for approval ({done['seconds']} s: "
        + ", ".join(f"{k} {v} s" for k, v in timings.items())
        + ")",
    )
    return done


# --- steps ---------------------------------------------------------------------------------------


def _names(code: str) -> tuple[str, str]:
    """Invented, deterministic names for an insured person known only by code in the tax files."""
    from tugi.engine.generate import FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES

    digest = int(hashlib.sha256(code.encode()).hexdigest()[:8], 16)
    firsts = FIRST_NAMES_M if code[0] in "135" else FIRST_NAMES_F
    return firsts[digest % len(firsts)], LAST_NAMES[(digest // 97) % len(LAST_NAMES)]


def _import_persons(out: Path, years: range, actor: Any) -> dict[str, int]:
    """Pensioners (with their dates of death) and every insured person of the tax files."""
    import duckdb

    from tugi.core.models import Person
    from tugi.core.services import persons_import

    lines = (out / "persons.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    known = {line.split(";", 1)[0] for line in rows}
    files = [str(out / f"tax-{y}.csv") for y in years]
    con = duckdb.connect()
    try:
        codes = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT person_code FROM read_csv(?, delim=';', header=true, all_varchar=true) "
                "ORDER BY 1",
                [files],
            ).fetchall()
        ]
    finally:
        con.close()
    for code in codes:
        if code not in known:
            first, last = _names(code)
            rows.append(f"{code};{first};{last};")
            known.add(code)
    # Quick check first: when every person is there already, skip the validation of the whole file.
    if Person.objects.filter(personal_code__in=list(known)).count() == len(known):
        return {"rows": len(known), "created": 0, "updated": 0, "unchanged": len(known)}
    content = ("\n".join([header, *rows]) + "\n").encode("utf-8")
    return persons_import(content=content, actor=actor, reason=REASON)


def _import_tax_files(out: Path, years: range, actor: Any) -> int:
    from .services.taxfiles import taxfile_import

    created = 0
    for year in years:
        path = out / f"tax-{year}.csv"
        _tax_file, new = taxfile_import(
            path=path, original_name=path.name, actor=actor, year=year, reason=REASON
        )
        created += int(new)
    return created


def _compute_now(run: Any, actor: Any) -> Any:
    """Compute a run here and now (the demo does not wait for the worker)."""
    from tugi.core.services import job_run

    from .models import CalculationRun, RunStatus
    from .services.runs import run_compute

    job = run_compute(run=run, actor=actor)
    job_run(str(job.uid))
    run = CalculationRun.objects.get(pk=run.pk)
    if run.status != RunStatus.COMPUTED:
        raise RuntimeError(f"the demo run {run} did not compute: {run.error or run.status}")
    return run


def _year_share_runs(years: range, computer: Any, approver: Any, stdout: Any) -> list[int]:
    from .models import CalculationRun, RunKind, RunStatus
    from .services.runs import run_apply, run_approve, run_create

    applied = []
    for year in years:
        runs = CalculationRun.objects.filter(kind=RunKind.YEAR_SHARES, year=year)
        run = runs.filter(status=RunStatus.APPLIED).first()
        if run is None:
            run = runs.exclude(status__in=[RunStatus.DISCARDED, RunStatus.FAILED]).order_by("-pk").first()
            if run is None or run.status == RunStatus.DRAFT:
                run = run or run_create(kind=RunKind.YEAR_SHARES, year=year, actor=computer, note=REASON)
                run = _compute_now(run, computer)
            if run.status == RunStatus.COMPUTING:
                raise RuntimeError(f"the demo run {run} is still computing; run the demo again later")
            if run.status == RunStatus.COMPUTED:
                run = run_approve(run=run, actor=approver, reason=REASON)
            run = run_apply(run=run, actor=approver, reason=REASON)
            _write(stdout, f"year {year}: run #{run.pk} applied ({run.counts.get('persons', '?')} persons)")
        applied.append(run.pk)
    return applied


def _indexation_run(computer: Any) -> int:
    from .models import CalculationRun, RunKind, RunStatus
    from .services.runs import run_create

    run = (
        CalculationRun.objects.filter(kind=RunKind.INDEXATION, effective_date=INDEXATION_DATE)
        .exclude(status__in=[RunStatus.DISCARDED, RunStatus.FAILED])
        .order_by("-pk")
        .first()
    )
    if run is None:
        run = run_create(
            kind=RunKind.INDEXATION,
            effective_date=INDEXATION_DATE,
            index=INDEXATION_INDEX,
            actor=computer,
            note=REASON,
        )
    if run.status == RunStatus.DRAFT:
        run = _compute_now(run, computer)
    return int(run.pk)


def load_demo_quiet(actor: Any) -> dict[str, Any]:
    """``load_demo`` without output (for tests and scripts)."""
    return load_demo(actor, io.StringIO())
