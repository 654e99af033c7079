"""Writing many rows at once (issue 13): plain tuples straight to the database, without a model object per
row. Used by the bulk loaders (demo data) and the sweeps that write hundreds of thousands of rows."""
from __future__ import annotations

import datetime
import io
import json

from django.db import connection
from django.db.models import JSONField
from django.db.models.constants import OnConflict


def insert_rows(model, fields: list[str], rows: list[tuple], *, ignore_conflicts: bool = False) -> None:
    """Insert plain rows (values in ``fields`` order, every value given: no model defaults apply; a column left
    out takes its database default, so give every NOT NULL column that has none). On PostgreSQL COPY, or one
    multi-row INSERT per 2,000 rows with ``ignore_conflicts``, without building a model object per row (issue 13:
    the cold reminder sweep spent most of its time on 600,000 objects); elsewhere one INSERT run over the rows.
    The values are written as they are — a field's own conversion (an encrypted field's, say) is not applied on
    PostgreSQL, so give such fields' values ready, or use the ORM. A unique violation raises ``IntegrityError``
    unless ``ignore_conflicts`` (which, on SQLite, also skips a row that breaks another constraint). A JSON
    field's value is given as Python data (a dict), as to the model."""
    if not rows:
        return
    meta = model._meta
    if connection.vendor != "postgresql":
        _insert_elsewhere(model, fields, rows, ignore_conflicts=ignore_conflicts)
        return
    from psycopg2.extras import execute_values

    encoders = {i: field.encoder for i, field in enumerate(map(meta.get_field, fields)) if isinstance(field, JSONField)}
    if encoders:  # as JSON text: the database reads it into the column's jsonb
        rows = [tuple(json.dumps(value, cls=encoders[i]) if i in encoders else value for i, value in enumerate(row))
                for row in rows]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors:  # psycopg2's errors as Django's
        if ignore_conflicts:
            # table and column names come from the model, quoted; the values are parameters
            sql = f"INSERT INTO {table} ({columns}) VALUES %s ON CONFLICT DO NOTHING"  # nosec B608
            execute_values(cursor.cursor, sql, rows, page_size=2000)
        else:  # COPY: the fastest way in; a duplicate still fails the whole statement
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", io.StringIO(_copy_lines(rows)))


def _insert_elsewhere(model, fields: list[str], rows: list[tuple], *, ignore_conflicts: bool) -> None:
    """``insert_rows`` on SQLite: one INSERT run for every row, each value prepared by its field — as given, like
    the rows PostgreSQL's COPY writes (``bulk_create`` would stamp an ``auto_now_add`` time anew and fill the model's
    defaults, so the same call stored other values on the two databases)."""
    meta = model._meta
    concrete = [meta.get_field(name) for name in fields]
    prepared = [tuple(field.get_db_prep_save(value, connection) for field, value in zip(concrete, row)) for row in rows]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in concrete)
    insert = connection.ops.insert_statement(on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
    with connection.cursor() as cursor:
        # table and column names come from the model, quoted; the values are parameters
        cursor.executemany(f"{insert} {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})",  # nosec B608
                           prepared)


def _copy_lines(rows: list[tuple]) -> str:
    """The rows in COPY's text format, a column at a time: a column of one type (ids, texts, the sweep's one
    timestamp) is written by that type's rule without asking each value what it is (issue 13: 2.5 million
    values of a cold reminder sweep went through ``_copy_text`` one by one)."""
    columns = [_copy_column(column) for column in zip(*rows)]
    return "".join("\t".join(line) + "\n" for line in zip(*columns))


def _copy_column(values: tuple) -> list[str]:
    kinds = set(map(type, values))
    if kinds == {int}:  # bool is a type of its own here: True stays "t"
        return list(map(str, values))
    if kinds == {str}:
        return [_escape(value) for value in values]
    if kinds == {datetime.datetime} or kinds == {datetime.date}:
        done: dict = {}  # a sweep stamps every row with the same moment
        return [done[value] if value in done else done.setdefault(value, value.isoformat()) for value in values]
    return list(map(_copy_text, values))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return _escape(value)
    return str(value)
