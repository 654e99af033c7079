"""Helpers shared by campaign views that are not yet on ``web`` (the empty state and the campaign lookup
now live in ``web.decorators``: ``campaign_required``)."""
from __future__ import annotations

from django.http import HttpRequest


def export_query(request: HttpRequest) -> str:
    """The list's query string with ``export=xlsx`` instead of a page number (the Excel link); a list on
    ``web.lists.table_list`` uses ``{% export_link %}`` instead."""
    query = request.GET.copy()
    query["export"] = "xlsx"
    query.pop("page", None)
    return query.urlencode()
