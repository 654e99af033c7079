from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Cadre, RoleAssignment, Unit


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    form = movenodeform_factory(Unit)
    list_display = ("name", "code", "level", "kind", "is_backward_village", "is_hardest_unit")
    list_filter = ("level", "kind", "is_backward_village", "is_hardest_unit")
    search_fields = ("name", "code")


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
