"""Indexes that cost every write and serve no read (issue 13: the sweeps write hundreds of thousands of rows)."""
from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

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
