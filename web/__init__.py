"""Leaf toolkit for views (DESIGN.md "web/"): imports no app of ours (only the ``reports`` toolkit, for
Excel files); every app's views use it.

- ``decorators``: ``permission_required`` (scoped object → 404, django-rules permission → 403) and
  ``campaign_required`` (the empty state while no campaign runs);
- ``forms``: ``submit`` runs a service on a valid form and turns its domain error into a form error,
  ``act`` does the same for a button (POST without a form);
- ``downloads``: one response for Excel, PDF and stored files, with Chinese file names;
- ``history``: simple-history's ``HistoricalRecords`` with a manager class built once, not per read;
- ``lists``: the base FilterSet and Table and ``table_list``, which filters, sorts, paginates without
  counting the whole table, and exports the same table to Excel.
"""
