"""Views of the units app: thin — scoped object, form, one service call, redirect or partial."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.excel import Sheet, write_xlsx
from web import imports
from web.decorators import permission_required
from web.downloads import XLSX, download
from web.forms import act, form_once, submit
from web.lists import configure, filtered, table_list

from . import selectors, services
from .filters import CadreFilter
from .forms import CadreForm, UnitCloseForm, UnitForm, UnitMoveForm
from .importers import IMPORTERS, read_spreadsheet
from .models import ALLOWED_PARENT_LEVELS, Cadre, Unit
from .scoping import WRITE_ROLES, scope_q
from .signals import open_items
from .tables import CadreTable, ChildUnitTable, UnitSearchTable

CHILDREN_SHOWN = 200
CHILDREN_PER_PAGE = 100


def _cadres_in_scope(user):
    return Cadre.objects.visible_to(user).select_related("unit")


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    """R0.1 the unit tree browser: the user's scope roots, expandable; or the units in scope whose name
    or code contains the search text."""
    q = request.GET.get("q", "").strip()
    if not q:
        return render(request, "units/tree.html", {"q": q, "roots": selectors.scope_roots(request.user)})
    table = configure(request, UnitSearchTable(Unit.objects.visible_to(request.user).matching(q)), lazy=False)
    units = [row.record for row in table.page.object_list]
    table.crumbs = selectors.breadcrumbs_for(units, request.user)
    return render(request, "units/tree.html", {"q": q, "table": table, "page": table.page})


@permission_required(None, Unit.objects.visible_to)
def unit_children(request: HttpRequest, unit: Unit) -> HttpResponse:
    """htmx fragment: the children of one unit in the tree browser."""
    children = list(Unit.objects.get_children(unit)[: CHILDREN_SHOWN + 1])
    return render(request, "units/partials/children.html", {
        "unit": unit, "children": children[:CHILDREN_SHOWN], "more": len(children) > CHILDREN_SHOWN,
    })


@permission_required(None, Unit.objects.visible_to)
def unit_detail(request: HttpRequest, unit: Unit) -> HttpResponse:
    """R0.1–R0.3 a unit: breadcrumb, sub-units, its cadres and the counts of its subtree."""
    children = configure(request, ChildUnitTable(Unit.objects.get_children(unit)), per_page=CHILDREN_PER_PAGE,
                         lazy=False)
    return render(request, "units/unit_detail.html", {
        "unit": unit,
        "ancestors": selectors.ancestors_in_scope(request.user, unit),
        "children": children,
        "cadres": unit.cadres.order_by("-is_top_leader", "-is_team_member", "name")[:100],
        "counts": selectors.unit_counts(unit),
    })


@permission_required("units.change_unit", Unit.objects.visible_to)
def unit_edit(request: HttpRequest, unit: Unit) -> HttpResponse:
    """Change a unit's name, code, kind and flags (office staff and administrators of its subtree)."""
    form = UnitForm(request.POST or None, instance=unit)
    if submit(request, form, lambda d: services.unit_update(user=request.user, unit=unit, **d),
              success=_("Unit saved.")):
        return redirect(unit)
    return render(request, "units/form.html", {"form": form, "title": _("Edit unit"), "unit": unit})


@permission_required("units.close_unit", Unit.objects.visible_to)
def unit_close(request: HttpRequest, unit: Unit) -> HttpResponse:
    """R0.1 close a unit mid-campaign, or merge it into another: its open obligations are cancelled and the
    office decides what becomes of its open supervision cards (transfer or close), never a silent loss."""
    if unit.closed_on is not None:
        messages.info(request, _("This unit is already closed."))
        return redirect(unit)
    items = open_items(unit)
    open_cards = items.get("cards", 0)
    # only units the office manages (not those it merely reads, nor a supervision group's): the service
    # refuses the others
    successors = (Unit.objects.filter(scope_q(request.user, roles=WRITE_ROLES)).active().filter(level=unit.level)
                  .exclude(path__startswith=unit.path))
    form = UnitCloseForm(request.POST or None, unit=unit, successors=successors, open_cards=open_cards,
                         initial={"closed_on": timezone.localdate()})
    if closed := submit(request, form, lambda d: services.unit_close(
            user=request.user, unit=unit, on=d["closed_on"], merged_into=d["merged_into"], cards=d.get("cards")),
            success=_("Unit closed.")):
        return redirect(closed)
    return render(request, "units/close.html", {"form": form, "unit": unit, "open_cards": open_cards,
                                                "open_messages": items.get("messages", 0),
                                                "children": Unit.objects.get_children(unit).active().count()})


@permission_required("units.move_unit", Unit.objects.visible_to)
@form_once
def unit_move(request: HttpRequest, unit: Unit) -> HttpResponse:
    """R0.1 move a unit (with its subtree) under another parent of its allowed level that the office manages;
    its records follow it, and so does who may see them."""
    parent = Unit.objects.get_parent(unit)
    targets = (Unit.objects.filter(scope_q(request.user, roles=WRITE_ROLES)).active()
               .filter(level__in=ALLOWED_PARENT_LEVELS[unit.level]).exclude(path__startswith=unit.path)
               .exclude(pk=parent.pk if parent else None))
    form = UnitMoveForm(request.POST or None, targets=targets)
    if moved := submit(request, form, lambda d: services.unit_move(user=request.user, unit=unit, parent=d["parent"]),
                       success=lambda u: _("%(unit)s moved under %(parent)s.") % {
                           "unit": u.name, "parent": form.cleaned_data["parent"].name}):
        return redirect(moved)
    return render(request, "units/move.html", {"form": form, "unit": unit, "parent": parent,
                                               "has_targets": targets.exists()})


@permission_required("units.add_unit", Unit.objects.visible_to)
@form_once
def unit_add_child(request: HttpRequest, parent: Unit) -> HttpResponse:
    """R0.1 add a sub-unit below a unit of the user's subtree, at a level allowed under it."""
    form = UnitForm(request.POST or None, parent=parent,
                    initial={"level": min(parent.level + 1, 5), "kind": parent.kind})
    if child := submit(request, form, lambda d: services.unit_add_child(user=request.user, parent=parent, **d),
                       success=_("Unit added.")):
        return redirect(child)
    return render(request, "units/form.html", {"form": form, "title": _("Add a sub-unit"), "unit": parent})


@login_required
def cadre_list(request: HttpRequest) -> HttpResponse:
    """R0.2 the cadres of the user's scope: filters, sorting, pages that never count the whole table, and
    the Excel export of the same table (R0.4)."""
    cadre_filter, rows = filtered(request, CadreFilter, _cadres_in_scope(request.user), user=request.user)
    return table_list(request, "units/cadre_list.html", table=CadreTable(rows), filterset=cadre_filter,
                      export_stem=_("cadres"))


@permission_required(None, _cadres_in_scope)
def cadre_detail(request: HttpRequest, cadre: Cadre) -> HttpResponse:
    return render(request, "units/cadre_detail.html", {"cadre": cadre})


@permission_required("units.change_cadre", _cadres_in_scope)
def cadre_edit(request: HttpRequest, cadre: Cadre) -> HttpResponse:
    form = CadreForm(request.POST or None, instance=cadre)
    if submit(request, form, lambda d: services.cadre_update(user=request.user, cadre=cadre, **d),
              success=_("Cadre saved.")):
        return redirect(cadre)
    return render(request, "units/form.html", {"form": form, "title": _("Edit cadre"), "unit": cadre.unit})


@permission_required("units.add_cadre", Unit.objects.visible_to)
@form_once
def cadre_add(request: HttpRequest, unit: Unit) -> HttpResponse:
    form = CadreForm(request.POST or None)
    if cadre := submit(request, form, lambda d: services.cadre_create(user=request.user, unit=unit, **d),
                       success=_("Cadre added.")):
        return redirect(cadre)
    return render(request, "units/form.html", {"form": form, "title": _("Add a cadre"), "unit": unit})


@permission_required("units.change_cadre", _cadres_in_scope)
def cadre_delete(request: HttpRequest, cadre: Cadre) -> HttpResponse:
    """Delete a cadre after a confirmation page."""
    if request.method == "POST":
        if unit := act(request, lambda: services.cadre_delete(user=request.user, cadre=cadre),
                       success=_("Cadre deleted.")):
            return redirect(unit)
        return redirect(cadre)
    return render(request, "confirm_delete.html", {"object": cadre, "cancel_url": cadre.get_absolute_url()})


# --- spreadsheet import (R0.4): the one flow of web.imports — upload → preview with row errors → confirm

@permission_required("units.import_units")
def import_upload(request: HttpRequest) -> HttpResponse:
    """R0.4 upload a spreadsheet of units or cadres and see every row checked before anything is written."""
    return imports.upload(request, IMPORTERS, read=read_spreadsheet, template="units/import_upload.html",
                          confirm_url=lambda token: reverse("units:import_confirm", args=[token]),
                          again_url=reverse("units:import"))


@login_required
@require_POST
@permission_required("units.import_units")
def import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """R0.4 write a checked file: checked again, in one transaction, or nothing."""

    def done(count: int, pending: dict) -> HttpResponse:
        messages.success(request, _("%(count)s rows imported from %(name)s.") % {"count": count,
                                                                                  "name": pending["name"]})
        return redirect("units:tree" if pending["kind"] == "units" else "units:cadre_list")

    return imports.confirm(request, token, IMPORTERS, read=read_spreadsheet, again_url=reverse("units:import"),
                           done=done)


@permission_required("units.import_units")
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty spreadsheet with the expected header row."""
    if kind not in services.COLUMNS:
        raise Http404
    data = write_xlsx([Sheet(title=str(services.IMPORT_KINDS[kind]), headers=services.import_template(kind), rows=[])])
    return download(data, f"{kind}-template.xlsx", XLSX)
