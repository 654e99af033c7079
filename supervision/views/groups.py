"""R1.3, R4.3: supervision groups — the list, a group's page, its settings, and the public pages."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from web.decorators import permission_required
from web.forms import form_once, submit
from web.lists import table_list

from .. import selectors
from ..forms import GroupForm
from ..models import SupervisionCard, SupervisionGroup
from ..selectors.attention import mark_units
from ..services import groups as group_services
from ..tables import GroupTable


def visible_groups(user):
    return SupervisionGroup.objects.visible_to(user).select_related("leading_unit", "leader")


@permission_required(None)
def group_list(request: HttpRequest) -> HttpResponse:
    """R1.3 the supervision groups the user sees, with their cards in the user's scope."""
    return table_list(request, "supervision/group_list.html", table=GroupTable(selectors.group_rows(request.user)),
                      context={"can_create": request.user.has_perm("supervision.create_group")}, lazy=False)


def _save(request: HttpRequest, form: GroupForm) -> SupervisionGroup | None:
    return submit(request, form, lambda d: group_services.group_save(
        user=request.user, group=form.save(commit=False), units=d["units"], members=d["members"]),
        success=_("Supervision group saved."))


@permission_required("supervision.create_group")
@form_once
def group_create(request: HttpRequest) -> HttpResponse:
    """R1.3 an activity office sends a supervision group to units below it."""
    form = GroupForm(request.POST or None, user=request.user)
    if group := _save(request, form):
        return redirect(group)
    return render(request, "supervision/form.html", {"form": form, "title": _("New supervision group")})


@permission_required("supervision.change_group", visible_groups)
def group_edit(request: HttpRequest, group: SupervisionGroup) -> HttpResponse:
    """R1.3, R4.3 change a group's members, assigned units and public contacts."""
    form = GroupForm(request.POST or None, instance=group, user=request.user)
    if _save(request, form):
        return redirect(group)
    return render(request, "supervision/form.html", {"form": form, "title": _("Edit supervision group"),
                                                     "group": group})


@permission_required(None, visible_groups)
def group_detail(request: HttpRequest, group: SupervisionGroup) -> HttpResponse:
    """R1.3 a group: leader, members and contacts; its assigned units (to a non-member only those of the
    viewer's subtree) and its cards by state (those the viewer sees)."""
    scoped = SupervisionCard.objects.visible_to(request.user)
    units = selectors.group_units(group, request.user)
    mark_units(units)
    return render(request, "supervision/group_detail.html", {
        "group": group,
        "members": group.members.order_by("username"),
        "units": units,
        "figures": selectors.group_figures(group, scoped, timezone.localdate()),
        "acts": request.user.has_perm("supervision.issue_card", group),
        "manages": request.user.has_perm("supervision.change_group", group),
    })


def public_groups(request: HttpRequest) -> HttpResponse:
    """R4.3 the public list of supervision groups and how to reach them (no login)."""
    groups = SupervisionGroup.objects.public().select_related("leading_unit", "leader")
    return render(request, "supervision/public_groups.html", {"groups": groups})


def public_group(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.3 one group's office address, phone, e-mail and how to send letters or visit (no login)."""
    group = get_object_or_404(SupervisionGroup.objects.public().select_related("leading_unit", "leader"), pk=pk)
    return render(request, "supervision/public_group.html", {"group": group, "units": group.units.order_by("path")})


urlpatterns = [
    path("groups/", group_list, name="group_list"),
    path("groups/new/", group_create, name="group_create"),
    path("groups/<int:pk>/", group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", group_edit, name="group_edit"),
    path("public/groups/", public_groups, name="public_groups"),
    path("public/groups/<int:pk>/", public_group, name="public_group"),
]
