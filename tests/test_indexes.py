"""Indexes that cost every write and serve no read (issue 13: the sweeps write hundreds of thousands of rows)."""
from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models

from tests.factories import ON_POSTGRES

#: A plain b-tree index whose columns (and operator classes) lead another index of the same table, neither partial:
#: every lookup it serves the longer one serves too, and each insert updates both.
REDUNDANT = """
SELECT a.indrelid::regclass::text, a.indexrelid::regclass::text, b.indexrelid::regclass::text
FROM pg_index a
JOIN pg_index b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid
JOIN pg_class ia ON ia.oid = a.indexrelid
JOIN pg_am am ON am.oid = ia.relam
WHERE am.amname = 'btree' AND NOT a.indisunique
  AND a.indpred IS NULL AND b.indpred IS NULL AND a.indexprs IS NULL AND b.indexprs IS NULL
  AND (b.indkey::text || ' ') LIKE (a.indkey::text || ' %%')
  AND (b.indclass::text || ' ') LIKE (a.indclass::text || ' %%')
ORDER BY 1, 2
"""

OURS = ("units", "audit", "accounts", "campaign", "supervision", "feedback", "dashboards", "api", "web")


@pytest.mark.django_db
@pytest.mark.skipif(not ON_POSTGRES, reason="reads PostgreSQL's catalogue (DATABASE_URL=postgres://…)")
def test_issue13_no_foreign_key_index_that_a_composite_index_already_leads():
    """A foreign key's own index beside a unique constraint or index that starts with the same column (a
    notification's user, a reminder claim's obligation, a message's office) is dropped with ``db_index=False``;
    the many-to-many tables Django makes itself are not ours to change."""
    tables = {model._meta.db_table: model for model in apps.get_models()
              if model._meta.app_label in OURS and not model._meta.auto_created}
    with connection.cursor() as cursor:
        cursor.execute(REDUNDANT)
        found = [(table, index, by) for table, index, by in cursor.fetchall() if table in tables]
    assert found == [], "indexes led by another index of the same table: " + "; ".join(
        f"{table}.{index} (led by {by})" for table, index, by in found)


def test_issue13_a_foreign_key_without_its_own_index_leads_a_constraint_or_index_of_its_model():
    """The other side: every foreign key declared ``db_index=False`` is the first column of a unique constraint or
    an index of its own model, neither partial — else a lookup by it, or a delete of what it points to, would read
    the whole table (any database: read from the models)."""
    uncovered = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in OURS or meta.auto_created:
            continue
        leading = {fields[0] for fields in meta.unique_together if fields}
        for item in [*meta.constraints, *meta.indexes]:
            if getattr(item, "condition", None) is None and getattr(item, "fields", None):
                leading.add(item.fields[0].lstrip("-"))
        for field in meta.local_fields:
            if isinstance(field, models.ForeignKey) and not field.db_index and not field.unique:
                if field.name not in leading and field.attname not in leading:
                    uncovered.append(f"{meta.label}.{field.name}")
    assert uncovered == []
    assert sum(isinstance(f, models.ForeignKey) and not f.db_index for m in apps.get_models()
               if m._meta.app_label in OURS for f in m._meta.local_fields) >= 39
