"""How fast a classifier of 50 000 items gets a new draft and is published, against a floor.

The issue asks: publishing a version of 50 000 items under 5 s. The run builds a throwaway SQLite
database (``TUGI_VAR_DIR`` of a temporary directory, ``migrate``), a classifier whose published
version 1 holds 50 000 items (a two-level hierarchy with extra attributes), then times

- ``version_draft_create`` (copies every item of version 1 into draft version 2), and
- ``version_publish`` of that 50 000-item draft (hash of the content, the previous version closed),

and prints both against a floor measured in the same run: a bulk insert of 50 000 plain rows into
the same table. Run: ``.venv/bin/python bench/classifiers_publish.py [--items N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BUDGET_SECONDS = 5.0


def setup_django(var: Path) -> None:
    os.environ["TUGI_VAR_DIR"] = str(var)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tugi.settings"
    os.environ.pop("TUGI_DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(items: int) -> tuple[Any, Any]:
    """A classifier with a published version 1 of ``items`` items; returns (classifier, owner)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from tugi.classifiers.models import Classifier, ClassifierVersion, Item, VersionStatus

    with transaction.atomic():
        owner = get_user_model().objects.create(
            username="bench-owner", first_name="Bench", last_name="Owner", is_superuser=True
        )
        classifier = Classifier.objects.create(
            code="bench-codes",
            name_et="Võrdlusklassifikaator",
            owner=owner,
            attribute_schema=[{"name": "budget_account", "label": "Budget account", "type": "string"}],
        )
        version = ClassifierVersion.objects.create(
            classifier=classifier, number=1, status=VersionStatus.PUBLISHED, valid_from=dt.date(2024, 1, 1)
        )
        groups = max(1, items // 100)
        rows = []
        for i in range(items):
            top = i < groups
            rows.append(
                Item(
                    version=version,
                    code=f"G{i:03d}" if top else f"C{i:06d}",
                    name_et=f"Kood {i}",
                    name_en=f"Code {i}",
                    parent_code="" if top else f"G{i % groups:03d}",
                    level=1 if top else 2,
                    order=i,
                    attributes={"budget_account": f"45{i % 100:02d}"},
                )
            )
        Item.objects.bulk_create(rows, batch_size=2000)
    return classifier, owner


def floor(items: int) -> float:
    """Seconds to bulk insert ``items`` plain rows into the items table (then removed)."""
    from django.db import transaction

    from tugi.classifiers.models import Classifier, ClassifierVersion, Item

    classifier = Classifier.objects.get(code="bench-codes")
    start = time.perf_counter()
    with transaction.atomic():
        version = ClassifierVersion.objects.create(classifier=classifier, number=999)
        Item.objects.bulk_create(
            (Item(version=version, code=f"F{i:06d}", name_et=f"Rida {i}") for i in range(items)),
            batch_size=2000,
        )
    seconds = time.perf_counter() - start
    with transaction.atomic():
        version.items.all().delete()
        version.delete()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="tugi-bench-classifiers-"))
    try:
        setup_django(var)
        start = time.perf_counter()
        classifier, owner = build(args.items)
        built = time.perf_counter() - start
        base = floor(args.items)

        from tugi.classifiers.services.versions import version_draft_create, version_publish

        start = time.perf_counter()
        draft = version_draft_create(classifier=classifier, actor=owner)
        drafted = time.perf_counter() - start
        assert draft.items.count() == args.items
        start = time.perf_counter()
        version_publish(version=draft, valid_from=dt.date(2025, 1, 1), actor=owner, notify_consumers=False)
        publish = time.perf_counter() - start
        print(f"data    {args.items} items in version 1 (built in {built:.1f} s)")
        print(f"floor   bulk insert of {args.items} plain rows: {base:6.2f} s")
        print(
            f"draft   version_draft_create (copies every item): {drafted:6.2f} s  ratio {drafted / base:5.1f}"
        )
        print(
            f"publish version_publish of a {args.items}-item draft: {publish:6.2f} s"
            f"  ratio {publish / base:5.1f}"
        )
        verdict = "yes" if publish < BUDGET_SECONDS else "NO"
        print(f"budget  publishing under {BUDGET_SECONDS:.0f} s: {verdict}")
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
