"""How fast the classifier API's ``validate`` answers for a classifier of 50 000 items, against a floor.

The issue asks: validate for a classifier of 50 000 items, p95 under 10 ms server-side, printed
against a plain primary-key lookup in the same run.

The run builds a throwaway SQLite database (``TUGI_VAR_DIR`` of a temporary directory, ``migrate``),
bulk inserts a draft version with 50 000 items (a hierarchy of 50 groups), publishes it through
``version_publish`` (timed too), creates a consuming system's read token and then calls
``GET /api/v1/classifiers/{code}/validate?code=…`` in-process through Django's test ``Client`` with
that token, for random codes (two thirds valid, one third unknown or retired). It times
``Item.objects.get(pk=…)`` the same number of times. Not a test: run
``.venv/bin/python bench/classifiers_validate.py [--calls N] [--items N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BUDGET_MS = 10.0


def setup_django(var: Path) -> None:
    os.environ["TUGI_VAR_DIR"] = str(var)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tugi.settings"
    os.environ.pop("TUGI_DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test Client's host and an in-memory mail backend
    call_command("migrate", verbosity=0)


def build(items: int) -> tuple[Any, float]:
    """A published classifier of ``items`` items; returns it and the publishing time in seconds."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from tugi.classifiers.models import Classifier, ClassifierVersion, Item, ItemStatus
    from tugi.classifiers.services.versions import version_publish

    owner = get_user_model().objects.create(
        username="bench-owner", first_name="Bench", last_name="Owner", is_superuser=True
    )
    with transaction.atomic():
        classifier = Classifier.objects.create(
            code="bench-codes", name_et="Koormustesti koodid", name_en="Benchmark codes", owner=owner
        )
        version = ClassifierVersion.objects.create(classifier=classifier, number=1)
        groups = [Item(version=version, code=f"G{g:02d}", name_et=f"Rühm {g}", order=g) for g in range(50)]
        rows = [
            Item(
                version=version,
                code=f"C{i:06d}",
                name_et=f"Kood {i}",
                name_en=f"Code {i}",
                parent_code=f"G{i % 50:02d}",
                level=2,
                order=100 + i,
                status=ItemStatus.RETIRED if i % 10 == 0 else ItemStatus.ACTIVE,
                valid_to=dt.date(2024, 6, 30) if i % 10 == 0 else None,
            )
            for i in range(items - len(groups))
        ]
        Item.objects.bulk_create(groups + rows, batch_size=5000)
    started = time.perf_counter()
    version_publish(version=version, valid_from=dt.date(2024, 1, 1), actor=owner, notify_consumers=False)
    return classifier, time.perf_counter() - started


def token_for_consumer() -> str:
    from tugi.classifiers.models import ConsumingSystem
    from tugi.classifiers.services.interop import consumer_token_issue
    from tugi.core.context import system_actor

    consumer = ConsumingSystem.objects.create(code="bench", name="Bench consumer")
    _token, text = consumer_token_issue(consumer=consumer, name="bench", actor=system_actor())
    return text


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


def timed(calls: int, fn: Callable[[int], Any]) -> list[float]:
    samples = []
    for i in range(calls):
        started = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--items", type=int, default=50_000)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="tugi-bench-"))
    try:
        setup_django(var)
        from django.test import Client

        from tugi.classifiers.models import Item

        rng = random.Random(2025)  # noqa: S311 - sample data, not secrets
        classifier, publish_seconds = build(args.items)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for_consumer()}")
        count = args.items - 50
        codes = []
        for _ in range(args.calls):
            pick = rng.random()
            if pick < 0.67:
                codes.append(f"C{rng.randrange(count):06d}")  # valid (or retired when divisible by 10)
            else:
                codes.append(f"X{rng.randrange(10**6):06d}")  # unknown
        url = f"/api/v1/classifiers/{classifier.code}/validate"
        valid = 0

        def validate(i: int) -> None:
            nonlocal valid
            response = client.get(url, {"code": codes[i], "at": "2025-01-01"})
            assert response.status_code == 200, response.content
            valid += response.json()["valid"]

        pks = list(Item.objects.values_list("pk", flat=True))
        picks = [rng.choice(pks) for _ in range(args.calls)]

        def lookup(i: int) -> None:
            Item.objects.get(pk=picks[i])

        gc.collect()
        gc.freeze()  # the objects of the build are not garbage of the requests (as a pre-forked server)
        for i in range(min(20, args.calls)):  # warm up both
            validate(i)
            lookup(i)
        valid = 0
        validate_ms = timed(args.calls, validate)
        floor_ms = timed(args.calls, lookup)
        v95, f95 = p95(validate_ms), p95(floor_ms)
        print(f"classifier of {args.items} items; publishing it took {publish_seconds:.2f} s")
        print(
            f"validate: {args.calls} calls ({valid} valid), p50 {statistics.median(validate_ms):.2f} ms, "
            f"p95 {v95:.2f} ms"
        )
        print(f"floor (Item.objects.get(pk=…)): p50 {statistics.median(floor_ms):.3f} ms, p95 {f95:.3f} ms")
        print(f"ratio validate / floor (p95): {v95 / f95:.1f}x")
        print(f"p95 < {BUDGET_MS:.0f} ms: {'yes' if v95 < BUDGET_MS else 'NO'}")
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
