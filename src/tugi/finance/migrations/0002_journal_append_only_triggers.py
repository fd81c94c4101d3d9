"""The journal is append-only in the database too (PostgreSQL, where Tugi runs in production).

The models refuse ``save()`` of a posted row and ``delete()``; a queryset ``update()`` or
``delete()``, or SQL from elsewhere, would pass them by. These row triggers refuse UPDATE and
DELETE of journal entries and lines; corrections are reversals. TRUNCATE (the test suite's flush)
does not fire row triggers. SQLite, the embedded demo database, is left without them: Django's
flush there deletes row by row.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLES = ("finance_journalentry", "finance_journalline")

CREATE = """
CREATE OR REPLACE FUNCTION finance_journal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The journal is append-only: % on % refused; post a reversal.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(CREATE)  # no parameters: the % are PL/pgSQL's placeholders, not the driver's
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION finance_journal_append_only()"
        )


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS finance_journal_append_only()")


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
