"""Views of the units app: thin — scoped object, form, one service call, redirect or partial."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
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
from web.models import PendingImport

from . import selectors, services
from .filters import CadreFilter
from .forms import AccountCreateForm, CadreForm, RoleGrantForm, UnitCloseForm, UnitForm, UnitMoveForm
from .importers import ACCOUNT_IMPORTERS, IMPORTERS, read_spreadsheet
from .middleware import MUST_CHANGE_PASSWORD
from .models import ALLOWED_PARENT_LEVELS, Cadre, Role, Unit
from .scoping import WRITE_ROLES, roles_of, scope_q
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

    def done(count: int, pending: PendingImport) -> HttpResponse:
        messages.success(request, _("%(count)s rows imported from %(name)s.") % {"count": count,
                                                                                  "name": pending.name})
        return redirect("units:tree" if pending.kind == "units" else "units:cadre_list")

    return imports.confirm(request, token, IMPORTERS, read=read_spreadsheet, again_url=reverse("units:import"),
                           done=done)


@permission_required("units.import_units")
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty spreadsheet with the expected header row."""
    if kind not in services.COLUMNS:
        raise Http404
    data = write_xlsx([Sheet(title=str(services.IMPORT_KINDS[kind]), headers=services.import_template(kind), rows=[])])
    return download(data, f"{kind}-template.xlsx", XLSX)


# --- R0.1 accounts and roles: the activity offices manage the people of their subtree -------------------

ACCOUNTS_PER_PAGE = 50


@permission_required("units.manage_accounts")
def account_list(request: HttpRequest) -> HttpResponse:
    """R0.1 the accounts holding a role in the office's subtree: search by username or name, pages."""
    from django.core.paginator import Paginator

    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.account_search(request.user, q), ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "units/account_list.html", {"q": q, "page": page})


@permission_required(None, selectors.accounts_visible_to)
def account_detail(request: HttpRequest, account) -> HttpResponse:
    """R0.1 an account: its roles on units the office sees, the actions the office may take, its history."""
    roles, elsewhere = selectors.account_roles(request.user, account)
    shown = request.session.pop(_password_key(account), None)
    return render(request, "units/account_detail.html", {
        "account": account, "one_time_password": shown, "roles": roles, "elsewhere": elsewhere,
        "history": selectors.account_history(request.user, account),
        "manages": request.user.has_perm("units.manage_account", account),
        "is_self": account.pk == request.user.pk,
    })


def _password_key(account) -> str:
    return f"one_time_password_{account.pk}"


def _show_once(request: HttpRequest, account, password: str) -> HttpResponse:
    """Keep the one-time password in the (server-side) session for the next view of the account page,
    which shows it once; a form sent twice still leads to the page that shows it."""
    request.session[_password_key(account)] = password
    return redirect("units:account_detail", account.pk)


def _show_password(request: HttpRequest, rows: list[tuple[str, str, str]], back: str) -> HttpResponse:
    """The one-time passwords, shown once (in the answer to the POST that made them; never stored)."""
    return render(request, "units/account_passwords.html", {"rows": rows, "back": back})


@permission_required("units.manage_accounts")
@form_once
def account_add(request: HttpRequest) -> HttpResponse:
    """R0.1 create an account with its first role on a unit of the office's subtree."""
    form = AccountCreateForm(request.POST or None)
    if made := submit(request, form, lambda d: services.account_create(
            user=request.user, username=d["username"], full_name=d["full_name"], unit=d["unit_code"],
            role=d["role"]), success=_("Account created.")):
        account, password = made
        return _show_once(request, account, password)
    return render(request, "units/form.html", {"form": form, "title": _("Create an account")})


@permission_required("units.manage_account", selectors.accounts_visible_to)
def account_grant(request: HttpRequest, account) -> HttpResponse:
    """R0.1 give the account a role on a unit of the office's subtree (never above or beside it)."""
    form = RoleGrantForm(request.POST or None)
    if submit(request, form, lambda d: services.role_grant(user=request.user, account=account, unit=d["unit_code"],
                                                          role=d["role"]), success=_("Role granted.")):
        return redirect("units:account_detail", account.pk)
    return render(request, "units/form.html", {
        "form": form, "title": _("Grant a role to %(name)s") % {"name": account.get_full_name() or account.username}})


def _assignments_in_scope(user):
    from .models import RoleAssignment

    return RoleAssignment.objects.filter(scope_q(user, "unit__", roles=WRITE_ROLES)).select_related("unit", "user")


@login_required
@require_POST
@permission_required("units.revoke_role", _assignments_in_scope)
def account_revoke(request: HttpRequest, assignment) -> HttpResponse:
    """R0.1 take a role away; kept in the history."""
    act(request, lambda: services.role_revoke(user=request.user, assignment=assignment), success=_("Role revoked."))
    return redirect("units:account_detail", assignment.user_id)


@permission_required("units.manage_account", selectors.accounts_visible_to)
def account_reset_password(request: HttpRequest, account) -> HttpResponse:
    """R0.1 a new one-time password for the account (confirmed first), shown once; changed at first login."""
    back = reverse("units:account_detail", args=[account.pk])
    if request.method == "POST":
        if password := act(request, lambda: services.password_reset(user=request.user, account=account),
                            success=_("Password reset.")):
            return _show_once(request, account, password)
        return redirect(back)
    return render(request, "units/account_confirm.html", {
        "account": account, "back": back, "title": _("Reset the password"), "danger": False,
        "text": _("A new one-time password replaces the current one. The user must change it at the next login."),
        "button": _("Reset the password")})


@permission_required("units.manage_account", selectors.accounts_visible_to)
def account_deactivate(request: HttpRequest, account) -> HttpResponse:
    """R0.1 deactivate an account (confirmed first), or open a deactivated one again."""
    back = reverse("units:account_detail", args=[account.pk])
    if request.method == "POST":
        if account.is_active:
            act(request, lambda: services.account_deactivate(user=request.user, account=account),
                success=_("Account deactivated."))
        else:
            act(request, lambda: services.account_reactivate(user=request.user, account=account),
                success=_("Account reactivated."))
        return redirect(back)
    if account.is_active:
        text = _("The account can no longer log in. Its roles and history stay; it can be reactivated.")
        title = button = _("Deactivate the account")
    else:
        text = _("The account can log in again with its roles.")
        title = button = _("Reactivate the account")
    return render(request, "units/account_confirm.html", {"account": account, "back": back, "title": title,
                                                          "text": text, "button": button,
                                                          "danger": account.is_active})


@permission_required("units.manage_accounts")
def account_import(request: HttpRequest) -> HttpResponse:
    """R0.1, R0.4 accounts from a spreadsheet: the one import flow, every row checked before anything is written."""
    return imports.upload(request, ACCOUNT_IMPORTERS, read=read_spreadsheet, template="units/account_import.html",
                          confirm_url=lambda token: reverse("units:account_import_confirm", args=[token]),
                          again_url=reverse("units:account_import"), scope="accounts",
                          context={"roles": Role.choices})


@login_required
@require_POST
@permission_required("units.manage_accounts")
def account_import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """R0.1, R0.4 create the accounts of a checked file, all or none; their one-time passwords shown once."""

    def done(rows: list, pending: PendingImport) -> HttpResponse:
        messages.success(request, _("%(count)s accounts created from %(name)s.") % {"count": len(rows),
                                                                                   "name": pending.name})
        return _show_password(request, rows, reverse("units:account_list"))

    return imports.confirm(request, token, ACCOUNT_IMPORTERS, read=read_spreadsheet,
                           again_url=reverse("units:account_import"), done=done, scope="accounts")


@permission_required("units.manage_accounts")
def account_import_template(request: HttpRequest) -> HttpResponse:
    """R0.1 an empty spreadsheet of accounts with its header row."""
    data = write_xlsx([Sheet(title=_("Accounts"), headers=[c.label for c in services.ACCOUNT_COLUMNS], rows=[])])
    return download(data, "accounts-template.xlsx", XLSX)


@login_required
def whom_to_ask(request: HttpRequest) -> HttpResponse:
    """R0.1 whom to ask for a role: the activity office above one's last unit, else the administrators."""
    contacts, admins = selectors.whom_to_ask(request.user)
    return render(request, "units/whom_to_ask.html", {"contacts": contacts, "admins": admins,
                                                     "has_role": bool(roles_of(request.user))})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change page; a one-time password, once replaced, no longer sends the user here."""

    def form_valid(self, form):
        from .sessions import session_renamed, sessions_end_others

        old_key = self.request.session.session_key
        response = super().form_valid(form)  # keeps this session (under a new key), refuses the others
        session_renamed(old_key=old_key, new_key=self.request.session.session_key)
        sessions_end_others(user=self.request.user, keep_key=self.request.session.session_key)
        services.password_changed(user=self.request.user)
        self.request.session.pop(MUST_CHANGE_PASSWORD, None)
        return response


password_change = PasswordChangeView.as_view()
