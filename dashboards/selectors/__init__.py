"""Reads of the dashboards app: ``figures`` (the grouped counts every page rolls up), ``dashboard``,
``ranking`` (R6.3) and ``weekly`` (the weekly progress report)."""
