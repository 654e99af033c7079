"""R1.3, R4.3: supervision groups — the list, a group's page, its settings, and the public pages."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.errors import CampaignError

from .. import selectors
from ..forms import GroupForm
from ..models import SupervisionCard, SupervisionGroup
from ..permissions import acts_for_group, can_create_group, manages_group
from ..selectors.attention import mark_units
from ..services import groups as group_services
from .common import visible_group


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    """R1.3 the supervision groups the user sees, with their cards in the user's scope."""
    page = Paginator(selectors.group_rows(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "supervision/group_list.html", {
        "page": page, "can_create": can_create_group(request.user)})


def _save_group(request: HttpRequest, form: GroupForm) -> SupervisionGroup | None:
    group = form.save(commit=False)
    try:
        return group_services.group_save(group=group, units=form.cleaned_data["units"],
                                         members=form.cleaned_data["members"])
    except CampaignError as exc:
        form.add_error(None, str(exc))
        return None


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    """R1.3 an activity office sends a supervision group to units below it."""
    if not can_create_group(request.user):
        raise PermissionDenied
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        group = _save_group(request, form)
        if group is not None:
            messages.success(request, _("Supervision group saved."))
            return redirect(group)
    return render(request, "supervision/form.html", {"form": form, "title": _("New supervision group")})


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3, R4.3 change a group's members, assigned units and public contacts."""
    group = visible_group(request, pk)
    if not manages_group(request.user, group):
        raise PermissionDenied
    form = GroupForm(request.POST or None, instance=group, user=request.user)
    if request.method == "POST" and form.is_valid():
        if _save_group(request, form) is not None:
            messages.success(request, _("Supervision group saved."))
            return redirect(group)
    return render(request, "supervision/form.html", {"form": form, "title": _("Edit supervision group"),
                                                     "group": group})


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3 a group: leader, members, assigned units and its cards by state."""
    group = visible_group(request, pk)
    scoped = SupervisionCard.objects.visible_to(request.user)
    units = list(group.units.order_by("path"))
    mark_units(units)
    return render(request, "supervision/group_detail.html", {
        "group": group,
        "members": group.members.order_by("username"),
        "units": units,
        "figures": selectors.group_figures(group, scoped, timezone.localdate()),
        "acts": acts_for_group(request.user, group),
        "manages": manages_group(request.user, group),
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
