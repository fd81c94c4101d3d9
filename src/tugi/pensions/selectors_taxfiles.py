"""Reads of imported social tax files: manifests, stored Parquet paths, a per-month summary.

A run records ``tax_manifests(year)`` as its inputs and reads ``tax_parquet_paths(year)``. Both are
ordered by SHA-256, so the same set of files gives the same inputs whatever order they were
imported in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from tugi.core.selectors import get_restricted

from .models import TaxFile


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def tax_file_relpath(year: int, sha256: str) -> Path:
    """Where a tax file of ``year`` with this digest is stored, relative to the data directory."""
    return Path("pensions") / "tax" / f"{year}-{sha256}.parquet"


def tax_files(year: int) -> QuerySet[TaxFile]:
    """Every imported file of ``year`` (corrections included), in a stable order."""
    return TaxFile.objects.filter(year=year).select_related("imported_by").order_by("sha256")


def tax_parquet_paths(year: int) -> list[Path]:
    """Absolute paths of the stored Parquet files of ``year`` (the engine reads these)."""
    base = data_dir()
    return [base / p for p in tax_files(year).values_list("path", flat=True)]


def manifest_of(tax_file: TaxFile) -> dict[str, Any]:
    """A file's manifest as JSON-able values (a run's recorded inputs, the API's answer)."""
    return {
        "id": tax_file.pk,
        "sha256": tax_file.sha256,
        "original_name": tax_file.original_name,
        "path": tax_file.path,
        "year": tax_file.year,
        "months": list(tax_file.months),
        "rows": tax_file.rows,
        "persons": tax_file.persons,
        "payers": tax_file.payers,
        "submitted_from": tax_file.submitted_from.isoformat(),
        "submitted_to": tax_file.submitted_to.isoformat(),
        "total_tax": str(tax_file.total_tax),
        "imported_by": tax_file.imported_by.get_username(),
        "imported_at": tax_file.created_at.isoformat(),
    }


def tax_manifests(year: int) -> list[dict[str, Any]]:
    """The manifests of every file of ``year``, ordered by SHA-256."""
    return [manifest_of(tf) for tf in tax_files(year)]


def tax_years() -> list[int]:
    """Years that have at least one imported file, newest first."""
    return list(TaxFile.objects.order_by("-year").values_list("year", flat=True).distinct())


def tax_year_summary(limit: int = 10) -> list[dict[str, Any]]:
    """The latest ``limit`` years with files: the months all their files cover and the file count."""
    years: dict[int, dict[str, Any]] = {}
    for year, months in TaxFile.objects.order_by("-year").values_list("year", "months"):
        entry = years.setdefault(year, {"year": year, "months": set(), "files": 0})
        entry["months"].update(int(m) for m in months or [])
        entry["files"] += 1
    found = sorted(years.values(), key=lambda e: -e["year"])[:limit]
    return [{**e, "months": sorted(e["months"])} for e in found]


def months_covered(year: int) -> list[int]:
    """The months of ``year`` present in at least one imported file."""
    months: set[int] = set()
    for value in TaxFile.objects.filter(year=year).values_list("months", flat=True):
        months.update(int(m) for m in value or [])
    return sorted(months)


def tax_file_list(*, user: Any) -> QuerySet[TaxFile]:
    return TaxFile.objects.restrict(user, "view").select_related("imported_by")


def tax_file_get(*, user: Any, pk: Any) -> TaxFile:
    return get_restricted(TaxFile.objects.select_related("imported_by"), user, pk=pk)


def tax_file_by_sha(sha256: str) -> TaxFile | None:
    return TaxFile.objects.filter(sha256=sha256).first()


def tax_file_month_summary(tax_file: TaxFile) -> list[dict[str, Any]]:
    """Rows, persons, payers and social tax per month of one stored file (DuckDB over Parquet)."""
    import duckdb

    path = data_dir() / tax_file.path
    if not path.exists():
        return []
    con = duckdb.connect()
    try:
        rows = con.execute(
            """
            SELECT month, count(*), count(DISTINCT person_code), count(DISTINCT payer_code),
                   sum(social_tax_cents), sum(CASE WHEN funded THEN 1 ELSE 0 END)
            FROM read_parquet(?) GROUP BY month ORDER BY month
            """,
            [str(path)],
        ).fetchall()
    finally:
        con.close()
    from decimal import Decimal

    return [
        {
            "month": int(month),
            "rows": int(n),
            "persons": int(persons),
            "payers": int(payers),
            "total_tax": (Decimal(int(cents or 0)) / 100).quantize(Decimal("0.01")),
            "funded_rows": int(funded or 0),
        }
        for month, n, persons, payers, cents, funded in rows
    ]
