"""A queryset's SQL compiled once and run again with other values (issue 13: the public board's post, where
building and compiling two small querysets cost more than running them — 0.5–0.7 ms each on the bench machine).

The SQL is the ORM's own (``Query.get_compiler().as_sql()``), so the query is still written once, as a queryset;
the values that change are given as stand-ins when it is compiled and replaced when it runs.

Toolkit piece: imports no app.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet


class Compiled:
    """``build(*stand_ins)`` → a queryset; ``rows(*values)`` runs its SQL with each stand-in replaced by the
    value in its place. A stand-in must reach the SQL as a parameter of its own (a lookup's value, each item of an
    ``__in`` list): one that does not is refused when the query is compiled. A value goes to the database as given,
    without the preparation the field would give it (a field that lowercases or strips would not see it): give it
    ready. An ``__in`` list needs one value at least. Rows come back as the database driver gives them (no field
    converters): use it for values that need none (ids, text)."""

    def __init__(self, build: Callable[..., QuerySet], using: str = "default") -> None:
        self.build, self.using = build, using

    @functools.cache  # noqa: B019 — one per call site, kept for the process's life on purpose
    def _sql(self, vendor: str, stand_ins: tuple) -> tuple[str, tuple[int | None, ...], tuple]:
        queryset = self.build(*stand_ins)
        sql, params = queryset.query.get_compiler(using=self.using).as_sql()
        where = tuple(stand_ins.index(p) if isinstance(p, str) and p in stand_ins else None for p in params)
        missing = set(range(len(stand_ins))) - {i for i in where if i is not None}
        if missing:
            raise ValueError(f"stand-ins {sorted(missing)} are not parameters of the compiled query")
        return sql, where, tuple(params)

    def rows(self, *values) -> list[tuple]:
        stand_ins = tuple(f"\x00stand-in {i}\x00" for i in range(len(values)))
        connection = connections[self.using]
        sql, where, params = self._sql(connection.vendor, stand_ins)
        actual = [values[i] if i is not None else param for i, param in zip(where, params)]
        with connection.cursor() as cursor:
            cursor.execute(sql, actual)
            return cursor.fetchall()
