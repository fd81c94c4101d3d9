"""Fixtures of the engine tests: valid synthetic personal codes, DuckDB and PostgreSQL connections."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tugi.core.identity import make_code
from tugi.engine import yearly

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/tugi_engine"


def code(n: int) -> str:
    """The n-th synthetic personal code (valid; distinct for n < 365 000)."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n % 365 * 37 % 20000)
    return make_code(birth, "M" if n % 2 == 0 else "F", n // 365 % 1000)


@pytest.fixture(scope="session")
def duck() -> Any:
    return yearly.connect("duckdb")


def _pg_url() -> str:
    url = os.environ.get("TUGI_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return DEFAULT_PG_URL


def _ensure_database(url: str) -> None:
    """Create the engine's test database when the server is up but the database is missing."""
    import psycopg

    parts = urlsplit(url.replace("postgresql://", "postgres://"))
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(
        admin.replace("postgres://", "postgresql://"), autocommit=True, connect_timeout=3
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture(scope="session")
def pg() -> Iterator[Any]:
    """An Ibis PostgreSQL connection; the test is skipped only when PostgreSQL is unreachable."""
    url = _pg_url()
    try:
        _ensure_database(url)
        con = yearly.connect("postgres", url)
    except Exception as exc:  # unreachable server
        pytest.skip(f"PostgreSQL is unreachable: {type(exc).__name__}")
    yield con
    con.disconnect()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Ibis 12 calls DuckDB's deprecated ``fetch_arrow_table``: not ours to fix, hidden here."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning"))
