"""Helpers every campaign view uses: the current campaign, or a clear empty state."""
from __future__ import annotations

from django.http import HttpRequest

from web.decorators import no_campaign_response as _no_campaign_response

from ..models import Campaign


def current_campaign_or_none() -> Campaign | None:
    return Campaign.objects.current()


def no_campaign_response(request):
    """The empty state shown while no campaign is active (web's, kept for views not yet on the decorator)."""
    return _no_campaign_response(request)


def export_query(request: HttpRequest) -> str:
    """The list's query string with ``export=xlsx`` instead of a page number (the Excel link)."""
    query = request.GET.copy()
    query["export"] = "xlsx"
    query.pop("page", None)
    return query.urlencode()
