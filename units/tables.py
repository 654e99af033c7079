"""Tables of the units app (django-tables2): sorting and pagination of scoped querysets."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Cadre


class CadreTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Name"))
    unit = tables.Column(linkify=True, order_by=("unit__path",), verbose_name=_("Unit"))
    post = tables.Column(verbose_name=_("Post"))
    rank = tables.Column(verbose_name=_("Rank"))
    is_top_leader = tables.BooleanColumn(verbose_name=_("Top leader"))
    is_team_member = tables.BooleanColumn(verbose_name=_("Team member"))
    is_party_secretary = tables.BooleanColumn(verbose_name=_("Party secretary"))
    special_group = tables.Column(verbose_name=_("Special group"), empty_values=())

    def render_special_group(self, record: Cadre) -> str:
        # "—" rather than the label of the empty choice: most cadres belong to no special group
        return record.get_special_group_display() if record.special_group else "—"

    class Meta:
        model = Cadre
        fields = ("name", "unit", "post", "rank", "is_top_leader", "is_team_member", "is_party_secretary",
                  "special_group")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No cadres match these filters.")
