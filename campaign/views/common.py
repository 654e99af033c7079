"""Helpers every campaign view uses: the current campaign, or a clear empty state."""
from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import render

from ..models import Campaign


def current_campaign_or_none() -> Campaign | None:
    return Campaign.objects.current()


def no_campaign_response(request):
    """The empty state shown while no campaign is active."""
    from ..permissions import is_provincial_office

    return render(request, "campaign/no_campaign.html", {"can_create": is_provincial_office(request.user)})


def export_query(request: HttpRequest) -> str:
    """The list's query string with ``export=xlsx`` instead of a page number (the Excel link)."""
    query = request.GET.copy()
    query["export"] = "xlsx"
    query.pop("page", None)
    return query.urlencode()
