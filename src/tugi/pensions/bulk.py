"""Fast bulk insert of staged results: COPY on PostgreSQL, ``executemany`` in chunks elsewhere.

A run stores hundreds of thousands of rows; the ORM's ``bulk_create`` builds a model instance per
row, which costs more than the calculation itself. These helpers take an Arrow table (the engine's
output) or plain tuples and write them straight to the table of a model.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection, models

CHUNK = 5000


def _table_name(model: type[models.Model]) -> str:
    return model._meta.db_table


def _columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    """Database column names of ``names``: field names (``run``) or attribute names (``run_id``)."""
    by_attname = {f.attname: f.column for f in model._meta.concrete_fields}
    by_name = {f.name: f.column for f in model._meta.concrete_fields}
    return [str(by_name.get(n) or by_attname[n]) for n in names]


def insert_arrow(
    model: type[models.Model], table: pa.Table, *, constants: dict[str, Any] | None = None
) -> int:
    """Insert every row of ``table`` (columns named like the model's fields) plus ``constants``
    (the same value in every row, e.g. ``{"run": run.pk}``). Returns the number of rows."""
    constants = constants or {}
    n = table.num_rows
    if n == 0:
        return 0
    for name, value in constants.items():
        table = table.append_column(name, pa.array([value] * n))
    names = list(table.column_names)
    if connection.vendor == "postgresql":
        return _copy_csv(model, names, table)
    return insert_rows(model, names, _arrow_rows(table))


def _arrow_rows(table: pa.Table) -> Iterable[tuple[Any, ...]]:
    for batch in table.to_batches(max_chunksize=CHUNK):
        columns = [col.to_pylist() for col in batch.columns]
        yield from zip(*columns, strict=True)


def _copy_csv(model: type[models.Model], names: list[str], table: pa.Table) -> int:
    # Arrow writes the CSV text (exact decimals, empty for null), PostgreSQL reads it with COPY.
    as_text = pa.table(
        {name: table.column(name).cast(pa.string()) for name in names},
    )
    buffer = io.BytesIO()
    pacsv.write_csv(
        as_text,
        buffer,
        write_options=pacsv.WriteOptions(include_header=False, quoting_style="needed"),
    )
    cols = ", ".join(f'"{c}"' for c in _columns(model, names))
    sql = f'COPY "{_table_name(model)}" ({cols}) FROM STDIN WITH (FORMAT csv)'
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(sql) as copy:
            copy.write(buffer.getvalue())
    return table.num_rows


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples in the order of ``names``) with ``executemany`` in chunks."""
    cols = _columns(model, names)
    placeholders = ", ".join(["%s"] * len(cols))
    # names from model metadata, values as parameters
    sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(  # noqa: S608
        _table_name(model), ", ".join(f'"{c}"' for c in cols), placeholders
    )
    count = 0
    chunk: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(tuple(_plain(v) for v in row))
            if len(chunk) >= CHUNK:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count
