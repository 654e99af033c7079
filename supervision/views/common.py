"""Helpers of the supervision views: scoped fetches (404 outside scope, 403 for the wrong role)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from ..models import SupervisionCard, SupervisionGroup
from ..permissions import acts_for_group, answers_for_unit


def visible_card(request: HttpRequest, pk: int) -> SupervisionCard:
    return get_object_or_404(SupervisionCard.objects.visible_to(request.user)
                             .select_related("group__leading_unit", "unit"), pk=pk)


def group_card(request: HttpRequest, pk: int) -> SupervisionCard:
    """A card the user acts on for its supervision group."""
    card = visible_card(request, pk)
    if not acts_for_group(request.user, card.group):
        raise PermissionDenied
    return card


def unit_card(request: HttpRequest, pk: int) -> SupervisionCard:
    """A card the user answers for its unit."""
    card = visible_card(request, pk)
    if not answers_for_unit(request.user, card.unit):
        raise PermissionDenied
    return card


def visible_group(request: HttpRequest, pk: int) -> SupervisionGroup:
    return get_object_or_404(SupervisionGroup.objects.visible_to(request.user)
                             .select_related("leading_unit", "leader"), pk=pk)


def file_download(field, name: str) -> FileResponse:
    """Serve a stored file through a scoped view, under its original name."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=name or field.name.rsplit("/", 1)[-1])


def query_without(request: HttpRequest, *keys: str) -> str:
    """The current query string minus some keys (for pagination and export links)."""
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


def visible_unit(request: HttpRequest, pk: int):
    from units.models import Unit

    return get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)


def filtered(request: HttpRequest, filterset_class, queryset, **kwargs):
    """The list's filter set and the rows it lets through (all rows while the form is unbound)."""
    filterset = filterset_class(request.GET or None, queryset=queryset, **kwargs)
    return filterset, (filterset.qs if filterset.is_bound else queryset)


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("export") == "xlsx"


def xlsx_download(*, stem: str, title: str, headers: list[str], rows: list[list]):
    """An Excel file of a filtered list, named after the list and today's date."""
    from django.utils import timezone

    from reports.excel import Sheet, write_xlsx, xlsx_response

    data = write_xlsx([Sheet(title=title, headers=headers, rows=rows)])
    return xlsx_response(stem + timezone.localdate().strftime("-%Y%m%d.xlsx"), data)


def list_context(request: HttpRequest, filterset, page) -> dict:
    """What every filterable list template needs: the filters, the page, and the links' query strings."""
    query = query_without(request, "page", "export")
    return {"filter": filterset, "page": page, "export_query": query}


def unit_picker(request: HttpRequest, may_choose) -> dict:
    """A small search over the user's units (``pick``): up to 20 matches, each with whether the user may act."""
    from units.models import Unit

    pick = request.GET.get("pick", "").strip()
    if not pick:
        return {"pick": ""}
    found = list(Unit.objects.visible_to(request.user).search(pick)[:20])
    return {"pick": pick, "picked": [(u, may_choose(request.user, u)) for u in found]}
