"""The read-only runner of SQL monitors.

A monitor's SQL is checked here (one SELECT or WITH statement, nothing that writes or changes a
session) and run on a separate connection that cannot write and is stopped after
``settings.TUGI_MONITOR_TIMEOUT_MS``:

- PostgreSQL: a new psycopg connection with ``default_transaction_read_only`` and
  ``statement_timeout``, inside ``BEGIN READ ONLY``; the query goes with the extended protocol
  (prepared, with a parameter tuple), which refuses a second statement.
- SQLite: the file opened with ``mode=ro`` and ``PRAGMA query_only``; a progress handler interrupts
  the query at the deadline. The test suite's in-memory database (shared cache) cannot be opened
  read-only, so there the reader shares it with ``PRAGMA query_only=ON`` alone.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils.translation import gettext as _

__all__ = ["MonitorSQLError", "run_readonly", "sql_validate"]

#: Words that never belong in a monitor's SQL (they write, change the schema or the session).
REFUSED_WORDS = (
    "insert",
    "update",
    "delete",
    "merge",
    "upsert",
    "drop",
    "alter",
    "create",
    "truncate",
    "grant",
    "revoke",
    "set",
    "reset",
    "copy",
    "vacuum",
    "attach",
    "detach",
    "pragma",
    "reindex",
    "call",
    "do",
    "lock",
    "listen",
    "notify",
    "prepare",
    "execute",
    "begin",
    "commit",
    "rollback",
    "savepoint",
    "release",
    "into",
)

_TOKENS = re.compile(
    r"""'(?:[^']|'')*'?      # a string literal
      | "(?:[^"]|"")*"?      # a quoted identifier
      | --[^\n]*             # a line comment
      | /\*.*?(?:\*/|\Z)     # a block comment
    """,
    re.VERBOSE | re.DOTALL,
)


class MonitorSQLError(Exception):
    """The query failed on the read-only connection (refused write, timeout, SQL error)."""


def _code_only(sql: str) -> str:
    """The SQL without literals, quoted names and comments (what the checks look at)."""

    def blank(match: re.Match[str]) -> str:
        text = match.group(0)
        return " " if text.startswith(("--", "/*")) else " x "

    return _TOKENS.sub(blank, sql)


def sql_validate(sql: str) -> str:
    """The monitor's SQL cleaned (trailing ``;`` dropped) or a ValidationError naming ``sql``."""
    text = (sql or "").strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    if not text:
        raise ValidationError({"sql": _("Write the query: one SELECT (or WITH … SELECT) statement.")})
    code = _code_only(text)
    if ";" in code:
        raise ValidationError(
            {"sql": _("Only one statement may run: remove the text after the semicolon (;).")}
        )
    words = re.findall(r"[a-z_][a-z0-9_]*", code.lower())
    if not words or words[0] not in ("select", "with"):
        raise ValidationError({"sql": _("The query must start with SELECT or WITH (reading only).")})
    refused = sorted({w for w in words if w in REFUSED_WORDS})
    if refused:
        raise ValidationError(
            {
                "sql": _("A monitor only reads: %(words)s is not allowed.")
                % {"words": ", ".join(w.upper() for w in refused)}
            }
        )
    return text


def timeout_ms() -> int:
    return int(getattr(settings, "TUGI_MONITOR_TIMEOUT_MS", 5000))


def run_readonly(
    sql: str, *, limit: int = 100, timeout: int | None = None, alias: str = "default"
) -> tuple[list[str], list[list[Any]], int]:
    """Run ``sql`` read-only: (columns, the first ``limit`` rows, the number of rows). Raises
    MonitorSQLError with a message for the user when the database refuses or stops the query.
    The SQL is NOT validated here (callers run ``sql_validate`` first); the connection itself
    refuses writes."""
    ms = timeout or timeout_ms()
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        return _run_postgresql(sql, limit=limit, ms=ms, alias=alias)
    if vendor == "sqlite":
        return _run_sqlite(sql, limit=limit, ms=ms, alias=alias)
    raise MonitorSQLError(_("Monitors cannot run on the %(vendor)s database.") % {"vendor": vendor})


def _collect(cursor: Any, limit: int) -> tuple[list[str], list[list[Any]], int]:
    columns = [str(d[0]) for d in (cursor.description or [])]
    rows: list[list[Any]] = []
    count = 0
    while True:
        chunk: Sequence[Any] = cursor.fetchmany(1000)
        if not chunk:
            break
        for row in chunk:
            if count < limit:
                rows.append(list(row))
            count += 1
    return columns, rows, count


def _run_postgresql(sql: str, *, limit: int, ms: int, alias: str) -> tuple[list[str], list[list[Any]], int]:
    import psycopg

    s = connections[alias].settings_dict
    kwargs: dict[str, Any] = {
        "dbname": s["NAME"],
        "options": f"-c default_transaction_read_only=on -c statement_timeout={int(ms)}",
        "autocommit": True,
        "connect_timeout": 10,
    }
    for key, name in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host"), ("PORT", "port")):
        if s.get(key):
            kwargs[name] = s[key]
    for name in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if (s.get("OPTIONS") or {}).get(name):
            kwargs[name] = s["OPTIONS"][name]
    try:
        with psycopg.connect(**kwargs) as conn:
            conn.execute("BEGIN READ ONLY")
            try:
                with conn.cursor() as cur:
                    # a prepared statement (extended protocol) cannot hold a second statement
                    cur.execute(sql.replace("%", "%%"), (), prepare=True)
                    if cur.description is None:
                        raise MonitorSQLError(_("The query returned no rows to show."))
                    return _collect(cur, limit)
            finally:
                conn.execute("ROLLBACK")
    except psycopg.errors.QueryCanceled as exc:
        raise MonitorSQLError(
            _("The query was stopped after %(ms)s ms (the monitors' time limit).") % {"ms": ms}
        ) from exc
    except psycopg.errors.ReadOnlySqlTransaction as exc:
        raise MonitorSQLError(_("The query tried to change data; monitors only read.")) from exc
    except psycopg.Error as exc:
        if "multiple commands" in str(exc):
            raise MonitorSQLError(_("Only one statement may run.")) from exc
        raise MonitorSQLError(
            _("The database refused the query: %(error)s") % {"error": _first_line(exc)}
        ) from exc


def _sqlite_connect(alias: str) -> sqlite3.Connection:
    conn_wrapper = connections[alias]
    name = str(conn_wrapper.settings_dict["NAME"])
    if conn_wrapper.creation.is_in_memory_db(name):  # type: ignore[attr-defined]
        # the test suite's shared-cache memory database: share it, reading only
        uri = name if name.startswith("file:") else "file:memorydb_default?mode=memory&cache=shared"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        conn.execute("PRAGMA read_uncommitted=ON")
    else:
        conn = sqlite3.connect(f"{Path(name).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA query_only=ON")
    return conn


def _run_sqlite(sql: str, *, limit: int, ms: int, alias: str) -> tuple[list[str], list[list[Any]], int]:
    try:
        conn = _sqlite_connect(alias)
    except sqlite3.Error as exc:
        raise MonitorSQLError(
            _("The database could not be opened for reading: %(error)s") % {"error": exc}
        ) from exc
    deadline = time.monotonic() + ms / 1000
    timed_out = False

    def stop() -> int:
        nonlocal timed_out
        if time.monotonic() > deadline:
            timed_out = True
            return 1
        return 0

    conn.set_progress_handler(stop, 10_000)
    try:
        cur = conn.cursor()
        cur.execute(sql)  # sqlite3 itself refuses a second statement
        if cur.description is None:
            raise MonitorSQLError(_("The query returned no rows to show."))
        return _collect(cur, limit)
    except (sqlite3.Warning, sqlite3.Error) as exc:
        if "one statement" in str(exc):  # "You can only execute one statement at a time."
            raise MonitorSQLError(_("Only one statement may run.")) from exc
        if timed_out:
            raise MonitorSQLError(
                _("The query was stopped after %(ms)s ms (the monitors' time limit).") % {"ms": ms}
            ) from exc
        text = str(exc)
        if "readonly" in text.replace(" ", "").lower() or "read-only" in text.lower():
            raise MonitorSQLError(_("The query tried to change data; monitors only read.")) from exc
        raise MonitorSQLError(_("The database refused the query: %(error)s") % {"error": text}) from exc
    finally:
        conn.rollback()
        conn.close()


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
