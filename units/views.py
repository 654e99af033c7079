"""Views of the units app: thin — scoped object, form, one service call, redirect or partial."""
from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from reports.excel import Sheet, TableReadError, read_table, write_xlsx, xlsx_response

from . import selectors, services
from .errors import UnitsError
from .filters import CadreFilter
from .forms import CadreForm, ImportForm, UnitForm
from .models import Cadre, Unit
from .scoping import WRITE_ROLES, can_write_unit, in_scope, roles_of
from .tables import CadreTable

CHILDREN_SHOWN = 200
PREVIEW_ROWS = 500


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A home page per role: what each of the user's roles does here, over their scope."""
    return render(request, "units/home.html", {
        "figures": selectors.home_figures(request.user),
        "my_units": selectors.my_units(request.user),
        "roles": roles_of(request.user),
    })


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    """R0.1 the unit tree browser: the user's scope roots, expandable; or search results in scope."""
    q = request.GET.get("q", "").strip()
    context: dict = {"q": q}
    if q:
        found = Unit.objects.visible_to(request.user).search(q)
        page = Paginator(found, settings.PAGE_SIZE).get_page(request.GET.get("page"))
        crumbs = selectors.breadcrumbs_for(list(page.object_list), request.user)
        for unit in page.object_list:
            unit.crumb = crumbs[unit.pk]
        context["page"] = page
    else:
        context["roots"] = selectors.scope_roots(request.user)
    return render(request, "units/tree.html", context)


@login_required
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment: the children of one unit in the tree browser."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    children = list(Unit.objects.get_children(unit)[: CHILDREN_SHOWN + 1])
    return render(request, "units/partials/children.html", {
        "unit": unit, "children": children[:CHILDREN_SHOWN], "more": len(children) > CHILDREN_SHOWN,
    })


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R0.1–R0.3 a unit: breadcrumb, sub-units, its cadres and the counts of its subtree."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    children = Paginator(Unit.objects.get_children(unit), 100).get_page(request.GET.get("page"))
    return render(request, "units/unit_detail.html", {
        "unit": unit,
        "ancestors": selectors.ancestors_in_scope(request.user, unit),
        "children": children,
        "cadres": unit.cadres.order_by("-is_top_leader", "-is_team_member", "name")[:100],
        "counts": selectors.unit_counts(unit),
        "can_manage": in_scope(request.user, unit, WRITE_ROLES),
        "can_write": can_write_unit(request.user, unit),
    })


def _managed_unit(request: HttpRequest, pk: int) -> Unit:
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("units.change_unit", unit):
        raise PermissionDenied
    return unit


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a unit's name, code, kind and flags (office staff and administrators of its subtree)."""
    unit = _managed_unit(request, pk)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Unit saved."))
        return redirect(unit)
    return render(request, "units/form.html", {"form": form, "title": _("Edit unit"), "unit": unit})


@login_required
def unit_add_child(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a sub-unit below a unit of the user's subtree."""
    parent = _managed_unit(request, pk)
    form = UnitForm(request.POST or None, initial={"level": min(parent.level + 1, 5), "kind": parent.kind})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["level"] <= parent.level:
            form.add_error("level", _("Level must be below the parent's level."))
        else:
            child = Unit.objects.add_child(parent, instance=form.save(commit=False))
            messages.success(request, _("Unit added."))
            return redirect(child)
    return render(request, "units/form.html", {"form": form, "title": _("Add a sub-unit"), "unit": parent})


def _cadre_rows(qs):
    return [[c.name, c.unit.name, c.unit.code, c.post, c.get_rank_display(), _("Yes") if c.is_top_leader else "",
             _("Yes") if c.is_team_member else "", _("Yes") if c.is_party_secretary else "",
             _("Yes") if c.is_party_member else _("No"), c.get_special_group_display() if c.special_group else "",
             c.phone] for c in qs.iterator(chunk_size=2000)]


@login_required
def cadre_list(request: HttpRequest) -> HttpResponse:
    """R0.2 the cadres of the user's scope: filters, sorting, pagination and Excel export (R0.4)."""
    scoped = Cadre.objects.visible_to(request.user).select_related("unit")
    cadre_filter = CadreFilter(request.GET or None, queryset=scoped)
    qs = cadre_filter.qs if cadre_filter.is_bound else scoped
    if request.GET.get("export") == "xlsx":
        headers = [_("Name"), _("Unit"), _("Unit code"), _("Post"), _("Rank"), _("Top leader"),
                   _("Leadership team member"), _("Party secretary"), _("Party member"), _("Special group"),
                   _("Phone")]
        data = write_xlsx([Sheet(title=_("Cadres"), headers=headers, rows=_cadre_rows(qs))])
        return xlsx_response(_("cadres") + timezone.localdate().strftime("-%Y%m%d.xlsx"), data)
    table = CadreTable(qs)
    RequestConfig(request, paginate={"per_page": settings.PAGE_SIZE}).configure(table)
    export_query = request.GET.copy()
    export_query["export"] = "xlsx"
    export_query.pop("page", None)
    return render(request, "units/cadre_list.html", {
        "filter": cadre_filter, "table": table, "export_query": export_query.urlencode(),
    })


@login_required
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user).select_related("unit"), pk=pk)
    return render(request, "units/cadre_detail.html", {
        "cadre": cadre, "can_write": can_write_unit(request.user, cadre.unit),
    })


def _writable_cadre(request: HttpRequest, pk: int) -> Cadre:
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user).select_related("unit"), pk=pk)
    if not can_write_unit(request.user, cadre.unit):
        raise PermissionDenied
    return cadre


@login_required
def cadre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _writable_cadre(request, pk)
    form = CadreForm(request.POST or None, instance=cadre)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Cadre saved."))
        return redirect(cadre)
    return render(request, "units/form.html", {"form": form, "title": _("Edit cadre"), "unit": cadre.unit})


@login_required
def cadre_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    if not can_write_unit(request.user, unit):
        raise PermissionDenied
    form = CadreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cadre = form.save(commit=False)
        cadre.unit = unit
        cadre.save()
        messages.success(request, _("Cadre added."))
        return redirect(cadre)
    return render(request, "units/form.html", {"form": form, "title": _("Add a cadre"), "unit": unit})


@login_required
def cadre_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a cadre after a confirmation page."""
    cadre = _writable_cadre(request, pk)
    if request.method == "POST":
        unit = cadre.unit
        try:
            services.cadre_delete(user=request.user, cadre=cadre)
        except UnitsError as exc:
            messages.error(request, str(exc))
            return redirect(cadre)
        messages.success(request, _("Cadre deleted."))
        return redirect(unit)
    return render(request, "confirm_delete.html", {"object": cadre, "cancel_url": cadre.get_absolute_url()})


# --- spreadsheet import (R0.4): upload → preview with row errors → confirm, all or nothing

def _import_dir() -> Path:
    path = Path(settings.IMPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _require_importer(request: HttpRequest) -> None:
    if not request.user.has_perm("units.import_units"):
        raise PermissionDenied


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """R0.4 upload a spreadsheet of units or cadres and see every row checked before anything is written."""
    _require_importer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        token = uuid.uuid4().hex
        stored = _import_dir() / f"{token}{suffix}"
        with stored.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            table = read_table(stored.read_bytes(), upload.name)
            plan = services.import_check(user=request.user, kind=form.cleaned_data["kind"], table=table)
        except (TableReadError, UnitsError) as exc:
            stored.unlink(missing_ok=True)
            form.add_error("file", str(exc))
        else:
            if plan.ok:
                request.session.setdefault("imports", {})[token] = {
                    "kind": plan.kind, "file": stored.name, "name": upload.name,
                }
                request.session.modified = True
            else:
                stored.unlink(missing_ok=True)
            columns = services.COLUMNS[plan.kind]
            # Show every bad row (capped) so none hides past the first page; otherwise a sample.
            shown = (plan.error_rows or plan.rows)[:PREVIEW_ROWS]
            return render(request, "units/import_preview.html", {
                "plan": plan, "token": token, "filename": upload.name, "columns": columns,
                "shown": [(row, [row.values.get(c.key, "") for c in columns]) for row in shown],
                "truncated": len(plan.error_rows or plan.rows) > PREVIEW_ROWS,
            })
    return render(request, "units/import_upload.html", {"form": form, "kinds": services.IMPORT_KINDS})


@login_required
@require_POST
def import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """R0.4 write a checked file: checked again, in one transaction, or nothing."""
    _require_importer(request)
    pending = request.session.get("imports", {}).get(token)
    if pending is None:
        raise Http404
    stored = _import_dir() / pending["file"]
    try:
        table = read_table(stored.read_bytes(), pending["name"])
        count = services.import_apply(user=request.user, kind=pending["kind"], table=table)
    except (OSError, TableReadError, UnitsError) as exc:
        messages.error(request, str(exc) if not isinstance(exc, OSError) else _("The uploaded file is gone; upload it again."))
        return redirect("units:import")
    finally:
        request.session["imports"].pop(token, None)
        request.session.modified = True
    stored.unlink(missing_ok=True)
    messages.success(request, _("%(count)s rows imported from %(name)s.") % {"count": count, "name": pending["name"]})
    return redirect("units:tree" if pending["kind"] == "units" else "units:cadre_list")


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty spreadsheet with the expected header row."""
    _require_importer(request)
    if kind not in services.COLUMNS:
        raise Http404
    data = write_xlsx([Sheet(title=str(services.IMPORT_KINDS[kind]), headers=services.import_template(kind), rows=[])])
    return xlsx_response(f"{kind}-template.xlsx", data)
