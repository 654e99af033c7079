from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseBadRequest
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Cadre, RoleAssignment, Unit, placement_error
from .services import placement_of


class UnitAdminForm(movenodeform_factory(Unit)):
    """The admin's unit form keeps the tree's shape rule (each level under its allowed parent levels)."""

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level is None or "treebeard_position" not in data:
            return data
        error = placement_of(int(level), data.get("treebeard_ref_node"), data["treebeard_position"])
        if error is None and self.instance.pk:
            for child_level in set(Unit.objects.get_children(self.instance).values_list("level", flat=True)):
                error = error or placement_error(child_level, int(level))
        if error:
            raise forms.ValidationError(error)
        return data


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    form = UnitAdminForm
    list_display = ("name", "code", "level", "kind", "is_backward_village", "is_hardest_unit")
    list_filter = ("level", "kind", "is_backward_village", "is_hardest_unit")
    search_fields = ("name", "code")

    def move_node(self, request):
        """Drag-and-drop in the tree: refused (with the reason) when the unit's level may not hang there."""
        try:
            node = Unit.objects.get(pk=request.POST.get("node"))
            target = Unit.objects.get(pk=request.POST.get("target"))
        except (Unit.DoesNotExist, ValueError, TypeError):
            return super().move_node(request)
        position = "child" if request.POST.get("relation") == "child" else "sibling"
        error = placement_of(node.level, target, position)
        if error:
            messages.error(request, error)
            return HttpResponseBadRequest(error)
        return super().move_node(request)


@admin.register(Cadre)
class CadreAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "post", "rank", "is_top_leader", "is_team_member", "special_group")
    list_filter = ("rank", "is_top_leader", "is_team_member", "special_group")
    search_fields = ("name", "post", "unit__name")
    raw_id_fields = ("unit",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__name", "unit__code")
    raw_id_fields = ("user", "unit")
