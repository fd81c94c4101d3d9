"""How fast `explain` answers for one account in a large rights model, against a floor.

The issue asks: explain for one account, with 10 000 accounts, 500 profiles nested five deep and
2 000 rights, p95 under 50 ms, printed against the time of a plain primary-key lookup in the same run.

The run builds a throwaway SQLite database (``TUGI_VAR_DIR`` of a temporary directory, ``migrate``,
then bulk inserts), calls ``tugi.access.explain.explain`` for random accounts and rights, and
times ``Account.objects.get(pk=…)`` the same number of times. ``--profile`` adds a cProfile of the
explain calls (where the time goes); ``--export`` also times the explain topic's export of every
account's rights. Run: ``.venv/bin/python bench/access_explain.py [--calls N] [--profile] [--export]``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BUDGET_MS = 50.0
ACCOUNTS, RIGHTS, LEVELS, PER_LEVEL = 10_000, 2_000, 5, 100  # 5 levels x 100 = 500 profiles
FAMILY = 10  # profiles of one level in one family (a module): a profile includes two of the next level
UNITS, POLICIES = 30, 10
EXPLAIN_BUDGET_SECONDS = 100.0  # stop calling explain after this, to keep the whole run under 3 minutes


def setup_django(var: Path) -> None:
    os.environ["TUGI_VAR_DIR"] = str(var)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tugi.settings"
    os.environ.pop("TUGI_DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(rng: random.Random) -> dict[str, int]:
    """The rights model: rights, profiles five deep with versions, units, accounts, assignments,
    segregation of duties policies. Bulk inserts; returns the counts."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from tugi.access.models import (
        Account,
        Assignment,
        ManagedSystem,
        OrgUnit,
        OrgUnitKind,
        Profile,
        ProfileStatus,
        ProfileVersion,
        Right,
        SodPolicy,
        VersionStatus,
    )

    now = timezone.now()
    today = dt.date.today()
    with transaction.atomic():
        owner = get_user_model().objects.create(
            username="bench-owner", first_name="Bench", last_name="Owner", is_superuser=True
        )
        system = ManagedSystem.objects.create(code="SKAIS", name="SKAIS")
        rights = Right.objects.bulk_create(
            Right(system=system, code=f"R{i:04d}", name_et=f"Õigus {i}", module=f"m{i % 12}")
            for i in range(RIGHTS)
        )
        profiles = Profile.objects.bulk_create(
            Profile(
                system=system,
                code=f"P{level}_{i:03d}",
                name=f"Profiil {level}.{i}",
                owner=owner,
                status=ProfileStatus.ACTIVE,
            )
            for level in range(LEVELS)
            for i in range(PER_LEVEL)
        )
        levels = [profiles[k * PER_LEVEL : (k + 1) * PER_LEVEL] for k in range(LEVELS)]
        # Every profile has a version in force since a year ago; one in five had an older version.
        versions: list[ProfileVersion] = []
        older: list[ProfileVersion] = []
        for profile in profiles:
            if rng.random() < 0.2:
                older.append(
                    ProfileVersion(
                        profile=profile,
                        number=1,
                        status=VersionStatus.APPROVED,
                        proposed_by=owner,
                        in_force_from=now - dt.timedelta(days=730),
                        in_force_to=now - dt.timedelta(days=365),
                    )
                )
            versions.append(
                ProfileVersion(
                    profile=profile,
                    number=2 if older and older[-1].profile is profile else 1,
                    status=VersionStatus.APPROVED,
                    proposed_by=owner,
                    in_force_from=now - dt.timedelta(days=365),
                )
            )
        ProfileVersion.objects.bulk_create(older)
        versions = ProfileVersion.objects.bulk_create(versions)
        through_rights, through_includes = ProfileVersion.rights.through, ProfileVersion.includes.through
        right_links, include_links = [], []
        for version in [*versions, *older]:
            level = int(version.profile.code[1])
            count = 12 if level == LEVELS - 1 else 4  # leaves are where most rights live
            for right in rng.sample(rights, count):
                right_links.append(through_rights(profileversion_id=version.pk, right_id=right.pk))
            if level < LEVELS - 1:  # two profiles of the next level, of the same family
                index = int(version.profile.code.split("_")[1])
                family = [
                    p for p in levels[level + 1] if int(p.code.split("_")[1]) // FAMILY == index // FAMILY
                ]
                for child in rng.sample(family, 2):
                    include_links.append(through_includes(profileversion_id=version.pk, profile_id=child.pk))
        through_rights.objects.bulk_create(right_links, batch_size=5000)
        through_includes.objects.bulk_create(include_links, batch_size=5000)
        units = OrgUnit.objects.bulk_create(
            OrgUnit(code=f"unit-{i}", name=f"Üksus {i}", kind=OrgUnitKind.DEPARTMENT) for i in range(UNITS)
        )
        accounts = Account.objects.bulk_create(
            (
                Account(
                    username=f"user{i:05d}",
                    first_name="Eesnimi",
                    last_name=f"Perenimi{i}",
                    org_unit=units[i % UNITS],
                    position="spetsialist",
                )
                for i in range(ACCOUNTS)
            ),
            batch_size=2000,
        )
        assignments = []
        for account in accounts:
            for profile in rng.sample(profiles[: 3 * PER_LEVEL], rng.randint(1, 4)):  # upper three levels
                start = today - dt.timedelta(days=rng.randint(0, 900))
                end = start + dt.timedelta(days=rng.randint(30, 700)) if rng.random() < 0.3 else None
                assignments.append(
                    Assignment(
                        account=account,
                        profile=profile,
                        valid_from=start,
                        valid_to=end,
                        justification="bench",
                        requested_by=owner,
                    )
                )
        Assignment.objects.bulk_create(assignments, batch_size=5000)
        for i in range(POLICIES):
            policy = SodPolicy.objects.create(code=f"sod-{i}", name=f"Policy {i}")
            policy.rights_a.set(rng.sample(rights, 3))
            policy.rights_b.set(rng.sample(rights, 3))
    return {
        "accounts": len(accounts),
        "rights": len(rights),
        "profiles": len(profiles),
        "profile versions": len(versions) + len(older),
        "assignments": len(assignments),
        "policies": POLICIES,
    }


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def export_all() -> tuple[int, float]:
    """The system export of the explain topic over every account (rows, seconds)."""
    from django.contrib.auth import get_user_model

    from tugi.access.models import ManagedSystem
    from tugi.access.selectors_explain import system_rights_rows

    reader = get_user_model().objects.get(username="bench-owner")
    system = ManagedSystem.objects.get(code="SKAIS")
    start = time.perf_counter()
    rows = sum(1 for _row in system_rights_rows(user=reader, system=system))
    return rows, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the explain calls")
    parser.add_argument(
        "--export",
        action="store_true",
        help="also time the CSV rows of every account's rights (about a minute)",
    )
    parser.add_argument(
        "--budget", type=float, default=EXPLAIN_BUDGET_SECONDS, help="seconds at most for the explain calls"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)  # noqa: S311 - sample data, not secrets
    var = Path(tempfile.mkdtemp(prefix="tugi-bench-explain-"))
    try:
        started = time.perf_counter()
        setup_django(var)
        counts = build(rng)
        built = time.perf_counter() - started

        from django.db import connection

        from tugi.access.explain import explain
        from tugi.access.models import Account, Right

        account_ids = list(Account.objects.values_list("pk", flat=True))
        rights = list(Right.objects.select_related("system"))
        cases = [
            (Account.objects.get(pk=rng.choice(account_ids)), rng.choice(rights)) for _ in range(args.calls)
        ]
        for account, right in cases[:3]:  # warm up the connection and Python's caches
            explain(account, right)
        granted: list[float] = []
        missing: list[float] = []
        queries: list[int] = []
        counter = [0]

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            counter[0] += 1
            return execute(sql, params, many, context)

        profiler = cProfile.Profile() if args.profile else None
        deadline = time.perf_counter() + args.budget
        with connection.execute_wrapper(count):
            for account, right in cases:
                if time.perf_counter() > deadline:
                    break
                counter[0] = 0
                if profiler:
                    profiler.enable()
                start = time.perf_counter()
                result = explain(account, right)
                elapsed = (time.perf_counter() - start) * 1000
                if profiler:
                    profiler.disable()
                queries.append(counter[0])
                (granted if result["granted"] else missing).append(elapsed)
        lookups = [timed(lambda: Account.objects.get(pk=rng.choice(account_ids))) for _ in range(args.calls)]

        every = granted + missing
        p50, p95 = percentile(every, 50), percentile(every, 95)
        floor50, floor95 = percentile(lookups, 50), percentile(lookups, 95)
        print(f"data    {', '.join(f'{v} {k}' for k, v in counts.items())} (built in {built:.1f} s)")
        if len(every) < args.calls:
            print(
                f"note    only {len(every)} of {args.calls} explain calls fitted "
                f"in the {args.budget:.0f} s budget"
            )
        print(
            f"explain {len(every)} calls: p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   "
            f"({len(granted)} granted, {len(missing)} not; queries per call: median "
            f"{statistics.median(queries):.0f}, max {max(queries)})"
        )
        if granted:
            print(
                f"        granted:     p50 {percentile(granted, 50):7.2f} ms   "
                f"p95 {percentile(granted, 95):7.2f} ms"
            )
        if missing:
            print(
                f"        not granted: p50 {percentile(missing, 50):7.2f} ms   "
                f"p95 {percentile(missing, 95):7.2f} ms"
            )
        print(f"floor   Account.objects.get(pk=…): p50 {floor50:7.3f} ms   p95 {floor95:7.3f} ms")
        print(f"ratio   explain p95 / lookup p95: {p95 / floor95:8.1f}")
        if args.export:
            exported, seconds = export_all()
            print(f"export  effective rights of every employed account: {exported} rows in {seconds:.1f} s")
        verdict = "yes" if p95 < BUDGET_MS else "NO"
        print(f"budget  p95 < {BUDGET_MS:.0f} ms: {verdict}")
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            print(out.getvalue())
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
